//! Reference data (*données de référence*) loaded by the administrator: commune centroids,
//! general practitioners from the RPPS extract, the QPV, indicator tables. A load is all or
//! nothing: the file is read and checked whole first, then a nature's rows and its
//! description (source, vintage, file, who, when) are replaced in one transaction, so that
//! readers keep the previous vintage until the new one is committed. Each load is journaled
//! and moves the counter of changes (what is kept in memory is read again).

mod lecture;

use std::io::Read;

use pilote_access::Communes;
use pilote_access::chargement::Options;
use pilote_access::erreur::Faute;
use pilote_domain::autorisation::charge_les_donnees_de_reference;
use pilote_domain::diagnostic::{Echelons, ValeurDeReference};
use pilote_domain::donnees_de_reference::{
    ECARTEES_GARDEES, JeuDeDonnees, Nature, verifier_millesime,
};
use sqlx::{AnyConnection, Row};

use crate::lot::{Valeur, inserer};
use crate::{Auteur, Backend, Store, StoreError, geographie, journal};
use lecture::{Contenu, Contexte};

/// What the administrator declares of a file.
#[derive(Debug, Clone)]
pub struct Declaration {
    pub nature: Nature,
    /// Who publishes the data (« IGN, ADMIN EXPRESS »…).
    pub source: String,
    pub millesime: u16,
    /// The file's name, as it will be shown.
    pub fichier: String,
    /// A vintage older than the geography or than the one in use, confirmed.
    pub millesime_confirme: bool,
    /// Bad lines set aside (and listed) rather than the file refused.
    pub ecarter_lignes_fautives: bool,
}

/// What a load did.
#[derive(Debug, Clone)]
pub struct Chargement {
    pub jeu: JeuDeDonnees,
    /// The lines set aside, when the declaration asked for it.
    pub lignes_ecartees: Vec<Faute>,
}

/// The PostgreSQL advisory lock under which a nature is replaced (its index added): two loads
/// of one nature at once take turns, the second replacing the first whole.
const VERROU: i64 = 0x7069_6c6f_7465_0100;

/// Reads `lecteur` as `declaration` says and, if every line holds, puts it in place of the
/// nature's previous file. Refused to anyone but an administrator.
pub async fn charger(
    store: &Store,
    auteur: &Auteur,
    declaration: &Declaration,
    lecteur: impl Read + Send + 'static,
) -> Result<Chargement, StoreError> {
    if !charge_les_donnees_de_reference(&auteur.acteur) {
        return Err(StoreError::Refuse(
            "seul un administrateur de la plateforme charge les données de référence".into(),
        ));
    }
    if declaration.source.trim().is_empty() {
        return Err(StoreError::Invalid(
            "source manquante : nommez qui publie ces données".into(),
        ));
    }
    let contexte = contexte(store, declaration.nature).await?;
    let en_usage = jeux(store)
        .await?
        .into_iter()
        .find(|j| j.nature == declaration.nature)
        .map(|j| j.millesime);
    verifier_millesime(
        declaration.nature,
        declaration.millesime,
        geographie::MILLESIME,
        en_usage,
        declaration.millesime_confirme,
    )
    .map_err(|motif| StoreError::Invalid(format!("{} : {motif}", declaration.fichier)))?;
    let (nature, nom, source) = (
        declaration.nature,
        declaration.fichier.clone(),
        declaration.source.clone(),
    );
    let options = Options {
        sauter_lignes_fautives: declaration.ecarter_lignes_fautives,
    };
    // A national RPPS extract is hundreds of megabytes: read off the request threads.
    let (contenu, lignes_ecartees) = tokio::task::spawn_blocking(move || {
        lecture::lire(nature, lecteur, &nom, options, &contexte, &source)
    })
    .await
    .map_err(|e| StoreError::Invalid(format!("lecture interrompue : {e}")))?
    .map_err(|e| StoreError::Invalid(e.to_string()))?;
    if contenu.len() == 0 {
        return Err(StoreError::Invalid(format!(
            "{} : aucune ligne à charger{}",
            declaration.fichier,
            if lignes_ecartees.is_empty() {
                ""
            } else {
                " (toutes ont été écartées)"
            }
        )));
    }
    let jeu = JeuDeDonnees {
        nature,
        source: declaration.source.trim().to_owned(),
        millesime: declaration.millesime,
        fichier: declaration.fichier.clone(),
        lignes: contenu.len() as i64,
        lignes_ecartees: lignes_ecartees.len() as i64,
        ecartees: lignes_ecartees
            .iter()
            .take(ECARTEES_GARDEES)
            .map(ToString::to_string)
            .collect(),
        charge_le: crate::now(),
        charge_par: auteur.qui.clone(),
    };
    let mut tx = store.ecriture(auteur).await?;
    if store.backend() == Backend::Postgres {
        let rang = Nature::TOUS.iter().position(|n| *n == nature).unwrap_or(0);
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(VERROU + rang as i64)
            .execute(&mut *tx)
            .await?;
    }
    remplacer(&mut tx, &contenu).await?;
    decrire(&mut tx, &jeu).await?;
    journal::ecrire(
        &mut tx,
        auteur,
        "charger",
        &format!("donnees:{}", nature.code()),
        Some(&format!(
            "{} : {} ligne(s), {} écartée(s)",
            jeu.mention(),
            jeu.lignes,
            jeu.lignes_ecartees
        )),
    )
    .await?;
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(Chargement {
        jeu,
        lignes_ecartees,
    })
}

/// The files loaded, in the order of [`Nature::TOUS`].
pub async fn jeux(store: &Store) -> Result<Vec<JeuDeDonnees>, StoreError> {
    let rows = sqlx::query(
        "SELECT nature, source, millesime, fichier, lignes, lignes_ecartees, ecartees, charge_le,
                charge_par
         FROM donnees_de_reference",
    )
    .fetch_all(store.pool())
    .await?;
    let mut jeux = rows
        .iter()
        .map(|row| {
            let nature: String = row.try_get("nature")?;
            Ok(JeuDeDonnees {
                nature: Nature::parse(&nature).map_err(StoreError::Corrupt)?,
                source: row.try_get("source")?,
                millesime: u16::try_from(row.try_get::<i64, _>("millesime")?)
                    .map_err(|e| StoreError::Corrupt(format!("millésime : {e}")))?,
                fichier: row.try_get("fichier")?,
                lignes: row.try_get("lignes")?,
                lignes_ecartees: row.try_get("lignes_ecartees")?,
                ecartees: row
                    .try_get::<String, _>("ecartees")?
                    .lines()
                    .map(str::to_owned)
                    .collect(),
                charge_le: row.try_get("charge_le")?,
                charge_par: row.try_get("charge_par")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    jeux.sort_by_key(|j| j.nature);
    Ok(jeux)
}

/// The communes whose centroid is loaded, with their population from the geography: the
/// input of the accessibility engine. Each inhabitant counts once: a commune déléguée or
/// associée counts 0 (its commune actuelle counts them), and so does a commune whose
/// arrondissements are situated themselves (Paris, Lyon, Marseille).
pub async fn communes_situees(store: &Store) -> Result<Communes, StoreError> {
    let rows = sqlx::query(
        "SELECT c.code, c.lat, c.lon, g.population
         FROM centroide_commune c
         LEFT JOIN commune g ON g.code = c.code
             AND g.type_commune IN ('commune-actuelle', 'arrondissement-municipal')
             AND g.code NOT IN (
                 SELECT a.parent FROM commune a JOIN centroide_commune s ON s.code = a.code
                 WHERE a.type_commune = 'arrondissement-municipal' AND a.parent IS NOT NULL)
         ORDER BY c.code",
    )
    .fetch_all(store.pool())
    .await?;
    let mut communes = Communes::default();
    for row in rows {
        let code: String = row.try_get("code")?;
        let population: Option<i64> = row.try_get("population")?;
        communes
            .ajouter(
                &code,
                row.try_get("lat")?,
                row.try_get("lon")?,
                population.unwrap_or(0) as f64,
            )
            .map_err(|refus| {
                StoreError::Corrupt(format!("centroïde de {code} : {}", refus.motif))
            })?;
    }
    Ok(communes)
}

/// The codes lines are checked against, read before the file.
async fn contexte(store: &Store, nature: Nature) -> Result<Contexte, StoreError> {
    let codes = |sql: &'static str| async move {
        let codes: Vec<String> = sqlx::query_scalar(sql).fetch_all(store.pool()).await?;
        Ok::<_, StoreError>(codes.into_iter().collect())
    };
    let centroides = if nature == Nature::Rpps {
        let communes = communes_situees(store).await?;
        if communes.is_empty() {
            return Err(StoreError::Invalid(
                "chargez d'abord les centroïdes des communes : les médecins du RPPS sont \
                 comptés sur les communes situées"
                    .into(),
            ));
        }
        Some(communes)
    } else {
        None
    };
    Ok(Contexte {
        communes: codes("SELECT DISTINCT code FROM commune").await?,
        epci: codes("SELECT code FROM epci").await?,
        departements: codes("SELECT code FROM departement").await?,
        regions: codes("SELECT code FROM region").await?,
        centroides,
        annee_courante: annee_courante(),
    })
}

/// The current year (UTC).
pub fn annee_courante() -> u16 {
    u16::try_from(time::OffsetDateTime::now_utc().year()).unwrap_or(u16::MAX)
}

/// Replaces the rows of the content's nature.
async fn remplacer(tx: &mut AnyConnection, contenu: &Contenu) -> Result<(), StoreError> {
    let reel = |v: f64| Valeur::Reel(Some(v));
    let texte = |v: &str| Valeur::Texte(Some(v.to_owned()));
    let entier = |v: i64| Valeur::Entier(Some(v));
    match contenu {
        Contenu::Centroides(lignes) => {
            vider(tx, "centroide_commune").await?;
            inserer(tx, "centroide_commune (code, lat, lon)", "", lignes, |l| {
                vec![texte(&l.0), reel(l.1), reel(l.2)]
            })
            .await
        }
        Contenu::Medecins(lignes) => {
            vider(tx, "medecins_commune").await?;
            inserer(tx, "medecins_commune (code, medecins)", "", lignes, |l| {
                vec![texte(&l.0), reel(l.1)]
            })
            .await
        }
        Contenu::Qpv(lignes) => {
            vider(tx, "qpv").await?;
            inserer(
                tx,
                "qpv (code, nom, commune, population)",
                "",
                lignes,
                |q| {
                    vec![
                        texte(&q.code),
                        texte(&q.nom),
                        texte(&q.commune),
                        entier(q.population),
                    ]
                },
            )
            .await
        }
        Contenu::Indicateurs(lignes) => {
            vider(tx, "indicateur_territorial").await?;
            inserer(
                tx,
                "indicateur_territorial (niveau, code, indicateur, annee, valeur, source)",
                "",
                lignes,
                |v| {
                    vec![
                        texte(v.niveau),
                        texte(&v.code),
                        texte(&v.indicateur),
                        entier(v.annee),
                        reel(v.valeur),
                        texte(&v.source),
                    ]
                },
            )
            .await
        }
    }
}

async fn vider(tx: &mut AnyConnection, table: &str) -> Result<(), StoreError> {
    sqlx::query(&format!("DELETE FROM {table}"))
        .execute(tx)
        .await?;
    Ok(())
}

/// Writes the description of the file now in use for its nature.
async fn decrire(tx: &mut AnyConnection, jeu: &JeuDeDonnees) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO donnees_de_reference
             (nature, source, millesime, fichier, lignes, lignes_ecartees, ecartees, charge_le,
              charge_par)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (nature) DO UPDATE SET source = excluded.source,
             millesime = excluded.millesime, fichier = excluded.fichier, lignes = excluded.lignes,
             lignes_ecartees = excluded.lignes_ecartees, ecartees = excluded.ecartees,
             charge_le = excluded.charge_le,
             charge_par = excluded.charge_par",
    )
    .bind(jeu.nature.code())
    .bind(&jeu.source)
    .bind(i64::from(jeu.millesime))
    .bind(&jeu.fichier)
    .bind(jeu.lignes)
    .bind(jeu.lignes_ecartees)
    .bind(jeu.ecartees.join("\n"))
    .bind(&jeu.charge_le)
    .bind(&jeu.charge_par)
    .execute(tx)
    .await?;
    Ok(())
}

/// Each QPV row's commune and population.
pub async fn qpv(store: &Store) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as("SELECT commune, population FROM qpv")
        .fetch_all(store.pool())
        .await?)
}

/// The loaded indicators' values that tell of one of `echelons`: France's, the département's,
/// the région's and the territory's own.
pub async fn valeurs_d_indicateurs(
    store: &Store,
    echelons: &Echelons,
) -> Result<Vec<ValeurDeReference>, StoreError> {
    let (niveau, code) = echelons
        .territoire
        .clone()
        .unwrap_or(("aucun", String::new()));
    let rows = sqlx::query(
        "SELECT niveau, code, indicateur, annee, valeur, source FROM indicateur_territorial
         WHERE niveau = 'france' OR (niveau = 'departement' AND code = $1)
            OR (niveau = 'region' AND code = $2) OR (niveau = $3 AND code = $4)
         ORDER BY indicateur, annee, niveau",
    )
    .bind(echelons.departement.clone().unwrap_or_default())
    .bind(echelons.region.clone().unwrap_or_default())
    .bind(niveau)
    .bind(code)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ValeurDeReference {
                niveau: row.try_get("niveau")?,
                code: row.try_get("code")?,
                indicateur: row.try_get("indicateur")?,
                annee: u16::try_from(row.try_get::<i64, _>("annee")?)
                    .map_err(|e| StoreError::Corrupt(format!("année d'un indicateur : {e}")))?,
                valeur: row.try_get("valeur")?,
                source: row.try_get("source")?,
            })
        })
        .collect()
}
