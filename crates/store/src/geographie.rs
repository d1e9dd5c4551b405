//! The official geography: the extract shipped in `crates/store/geographie/` (regenerated from
//! the npm package `@etalab/decoupage-administratif` by `scripts/geographie/regenerer.sh`), its
//! loading into the database, and territory resolution.

use std::time::{Duration, Instant};

use pilote_domain::geographie::{Commune, Departement, Epci, Region, TypeCommune};
use pilote_domain::territoire::{Territoire, TerritoireResolu};
use pilote_domain::{CodeInsee, Siren};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::ligne::{opt_int, opt_narrow, opt_parse, parse, text};
use crate::lot::{Valeur, inserer, placeholders};
pub use crate::repertoire::{Trouve, rechercher};
use crate::{Store, StoreError};

const REGIONS: &str = include_str!("../geographie/regions.tsv");
const DEPARTEMENTS: &str = include_str!("../geographie/departements.tsv");
const EPCI: &str = include_str!("../geographie/epci.tsv");
const COMMUNES: &str = include_str!("../geographie/communes.tsv");

/// The year of the Code officiel géographique the shipped extract follows (the package's
/// version 6.0.0 is COG 2026: `scripts/geographie/regenerer.sh`); reference files of commune
/// codes older than it may name communes merged since.
pub const MILLESIME: u16 = 2026;

/// The parsed extract.
#[derive(Debug, Clone)]
pub struct Extrait {
    pub regions: Vec<Region>,
    pub departements: Vec<Departement>,
    pub epci: Vec<Epci>,
    pub communes: Vec<Commune>,
}

/// What a load did.
#[derive(Debug, Clone)]
pub struct Chargement {
    /// False when the database already held this version and nothing was written.
    pub charge: bool,
    pub version: String,
    pub communes: usize,
    pub epci: usize,
    pub duree: Duration,
}

/// A fingerprint of the shipped extract (FNV-1a over its files): a new extract gets a new one.
pub fn version() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in [REGIONS, DEPARTEMENTS, EPCI, COMMUNES]
        .iter()
        .flat_map(|f| f.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Parses the shipped extract; an error names the file, line and what is wrong.
pub fn extrait() -> Result<Extrait, StoreError> {
    Ok(Extrait {
        regions: lignes("regions.tsv", REGIONS, 2, |c| {
            Ok(Region {
                code: c[0].to_owned(),
                nom: c[1].to_owned(),
            })
        })?,
        departements: lignes("departements.tsv", DEPARTEMENTS, 3, |c| {
            Ok(Departement {
                code: c[0].to_owned(),
                nom: c[1].to_owned(),
                region: c[2].to_owned(),
            })
        })?,
        epci: lignes("epci.tsv", EPCI, 3, |c| {
            Ok(Epci {
                code: Siren::parse(c[0])?,
                nom: c[1].to_owned(),
                nature: c[2].to_owned(),
            })
        })?,
        communes: lignes("communes.tsv", COMMUNES, 8, |c| {
            let optionnel = |s: &str| (!s.is_empty()).then(|| s.to_owned());
            Ok(Commune {
                code: CodeInsee::parse(c[0])?,
                nom: c[1].to_owned(),
                type_commune: TypeCommune::parse(c[2]).map_err(StoreError::Invalid)?,
                departement: c[3].to_owned(),
                region: c[4].to_owned(),
                epci: optionnel(c[5]).map(|s| Siren::parse(&s)).transpose()?,
                parent: optionnel(c[6]).map(|s| CodeInsee::parse(&s)).transpose()?,
                population: optionnel(c[7])
                    .map(|s| s.parse::<u64>())
                    .transpose()
                    .map_err(|e| StoreError::Invalid(format!("population : {e}")))?,
            })
        })?,
    })
}

fn lignes<T>(
    fichier: &str,
    contenu: &str,
    colonnes: usize,
    lire: impl Fn(&[&str]) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    contenu
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, ligne)| !ligne.is_empty())
        .map(|(i, ligne)| {
            let champs: Vec<&str> = ligne.split('\t').collect();
            let erreur = |raison: String| {
                StoreError::Corrupt(format!("géographie {fichier}, ligne {} : {raison}", i + 1))
            };
            if champs.len() != colonnes {
                return Err(erreur(format!(
                    "{} colonnes au lieu de {colonnes}",
                    champs.len()
                )));
            }
            lire(&champs).map_err(|e| erreur(e.to_string()))
        })
        .collect()
}

/// Loads the shipped extract unless the database already holds this version. Regions,
/// départements and EPCI are upserted (contracts may point at an EPCI that a newer extract
/// dropped); communes are replaced; the territories' summaries that the list of contracts
/// shows are marked to compute again. All in one transaction ([`crate::charger_geographie`]
/// computes the summaries after).
#[tracing::instrument(skip_all)]
pub(crate) async fn charger_extrait(store: &Store) -> Result<Chargement, StoreError> {
    let debut = Instant::now();
    let version = version();
    let actuelle: Option<String> = sqlx::query("SELECT version FROM geographie_version")
        .fetch_optional(store.pool())
        .await?
        .map(|row| row.try_get("version"))
        .transpose()?;
    let deja_chargee = |version: String| Chargement {
        charge: false,
        version,
        communes: 0,
        epci: 0,
        duree: debut.elapsed(),
    };
    if actuelle.as_deref() == Some(version.as_str()) {
        return Ok(deja_chargee(version));
    }
    let extrait = extrait()?;
    // With the administrator's roles: the contracts' summaries are reset below, under
    // PostgreSQL's row-level security.
    let mut tx = store.ecriture(&crate::Auteur::ligne_de_commande()).await?;
    // Instances starting together load it once: the others find the version it wrote.
    store.verrou_de_demarrage(&mut tx).await?;
    let chargee: Option<String> = sqlx::query_scalar("SELECT version FROM geographie_version")
        .fetch_optional(&mut *tx)
        .await?;
    if chargee.as_deref() == Some(version.as_str()) {
        tx.rollback().await?;
        return Ok(deja_chargee(version));
    }
    inserer(
        &mut tx,
        "region (code, nom)",
        "ON CONFLICT (code) DO UPDATE SET nom = excluded.nom",
        &extrait.regions,
        |r| textes([&r.code, &r.nom]),
    )
    .await?;
    inserer(
        &mut tx,
        "departement (code, nom, region)",
        "ON CONFLICT (code) DO UPDATE SET nom = excluded.nom, region = excluded.region",
        &extrait.departements,
        |d| textes([&d.code, &d.nom, &d.region]),
    )
    .await?;
    inserer(
        &mut tx,
        "epci (code, nom, nature)",
        "ON CONFLICT (code) DO UPDATE SET nom = excluded.nom, nature = excluded.nature",
        &extrait.epci,
        |e| textes([e.code.as_str(), &e.nom, &e.nature]),
    )
    .await?;
    sqlx::query("DELETE FROM commune").execute(&mut *tx).await?;
    inserer(
        &mut tx,
        "commune (code, nom, type_commune, departement, region, epci, parent, population)",
        "",
        &extrait.communes,
        |c| {
            vec![
                Valeur::Texte(Some(c.code.to_string())),
                Valeur::Texte(Some(c.nom.clone())),
                Valeur::Texte(Some(c.type_commune.code().to_owned())),
                Valeur::Texte(Some(c.departement.clone())),
                Valeur::Texte(Some(c.region.clone())),
                Valeur::Texte(c.epci.as_ref().map(ToString::to_string)),
                Valeur::Texte(c.parent.as_ref().map(ToString::to_string)),
                Valeur::Entier(c.population.and_then(|p| i64::try_from(p).ok())),
            ]
        },
    )
    .await?;
    sqlx::query("DELETE FROM geographie_version")
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO geographie_version (version, chargee_le) VALUES ($1, $2)")
        .bind(&version)
        .bind(crate::now())
        .execute(&mut *tx)
        .await?;
    // Populations may have changed: the list's summaries are computed again.
    sqlx::query("UPDATE contrat SET population = NULL")
        .execute(&mut *tx)
        .await?;
    // What is kept in memory under the counter (a portfolio's geography) is read again.
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    let chargement = Chargement {
        charge: true,
        version,
        communes: extrait.communes.len(),
        epci: extrait.epci.len(),
        duree: debut.elapsed(),
    };
    tracing::info!(communes = chargement.communes, epci = chargement.epci, duree = ?chargement.duree, "géographie chargée");
    Ok(chargement)
}

fn textes<const N: usize>(valeurs: [&str; N]) -> Vec<Valeur> {
    valeurs
        .iter()
        .map(|v| Valeur::Texte(Some((*v).to_owned())))
        .collect()
}

/// How many communes and EPCI the database holds.
pub async fn effectifs(store: &Store) -> Result<(i64, i64), StoreError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM commune) AS communes, (SELECT COUNT(*) FROM epci) AS epci",
    )
    .fetch_one(store.pool())
    .await?;
    Ok((row.try_get("communes")?, row.try_get("epci")?))
}

/// Resolves a territory against the stored geography; an unknown code is an
/// [`StoreError::Invalid`] naming it.
pub async fn resoudre(
    conn: &mut AnyConnection,
    territoire: &Territoire,
) -> Result<TerritoireResolu, StoreError> {
    let epci: Vec<String> = territoire.epci.iter().map(ToString::to_string).collect();
    let communes: Vec<String> = territoire
        .communes
        .iter()
        .map(ToString::to_string)
        .collect();
    let epci_trouves = if epci.is_empty() {
        Vec::new()
    } else {
        let sql = format!(
            "SELECT code, nom, nature FROM epci WHERE code IN ({})",
            placeholders(1, epci.len())
        );
        let mut query = sqlx::query(&sql);
        for code in &epci {
            query = query.bind(code);
        }
        query
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| {
                Ok(Epci {
                    code: parse(row, "code")?,
                    nom: text(row, "nom")?,
                    nature: text(row, "nature")?,
                })
            })
            .collect::<Result<_, StoreError>>()?
    };
    let mut conditions = Vec::new();
    if !epci.is_empty() {
        conditions.push(format!(
            "(type_commune = 'commune-actuelle' AND epci IN ({}))",
            placeholders(1, epci.len())
        ));
    }
    if !communes.is_empty() {
        conditions.push(format!(
            "code IN ({})",
            placeholders(epci.len() + 1, communes.len())
        ));
    }
    let communes_trouvees = if conditions.is_empty() {
        Vec::new()
    } else {
        let sql = format!("{COLONNES_COMMUNE} WHERE {}", conditions.join(" OR "));
        let mut query = sqlx::query(&sql);
        for code in epci.iter().chain(&communes) {
            query = query.bind(code);
        }
        query
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(commune)
            .collect::<Result<_, _>>()?
    };
    TerritoireResolu::composer(territoire, epci_trouves, communes_trouvees)
        .map_err(|e| StoreError::Invalid(e.to_string()))
}

const COLONNES_COMMUNE: &str =
    "SELECT code, nom, type_commune, departement, region, epci, parent, population FROM commune";

fn commune(row: &AnyRow) -> Result<Commune, StoreError> {
    Ok(Commune {
        code: parse(row, "code")?,
        nom: text(row, "nom")?,
        type_commune: TypeCommune::parse(&text(row, "type_commune")?)
            .map_err(StoreError::Corrupt)?,
        departement: text(row, "departement")?,
        region: text(row, "region")?,
        epci: opt_parse(row, "epci")?,
        parent: opt_parse(row, "parent")?,
        population: opt_narrow(opt_int(row, "population")?, "population")?,
    })
}

/// Resolves a territory as chosen so far, to show its communes and population.
pub async fn apercu(
    store: &Store,
    territoire: &Territoire,
) -> Result<TerritoireResolu, StoreError> {
    let mut conn = store.pool().acquire().await?;
    resoudre(&mut conn, territoire).await
}
