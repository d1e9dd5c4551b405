//! The portfolio of contracts of an ARS agent's scope ([`pilote_domain::portefeuille`]): every
//! contract's summary, its actions' count, progress and funding, its themes and publics and
//! what it covers of each commune, with the official geography — read in one transaction,
//! some ten queries whatever the number of contracts, and kept in memory while the counter of
//! changes has not moved (a geography load moves it too; the geography itself is kept while
//! its version is the same). It is read whole, whoever asks, and each reader is shown
//! through the policy ([`vue`]) what their scope holds and they may read.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use pilote_domain::Montant;
use pilote_domain::autorisation::{Operation, Perimetre, peut, portefeuille as perimetres};
use pilote_domain::fiche_action::StatutAction;
use pilote_domain::portefeuille::{
    CommuneDuPortefeuille, ContratDuPortefeuille, Couverture, Filtre, GeographieDuPortefeuille,
    Portefeuille, Vue,
};
use pilote_domain::referentiel::{Public, Thematique};
use pilote_domain::tableau_de_bord::Sommes;
use sqlx::AnyConnection;

use crate::journal::Auteur;
use crate::ligne::{opt_int, opt_text, text};
use crate::{Store, StoreError};

/// The portfolio last read, with the counter of changes it was read at, and the geography
/// last read, with its version (it changes far less often than contracts do).
#[derive(Debug, Default)]
pub(crate) struct PortefeuilleGarde {
    portefeuille: Mutex<Option<Lu>>,
    geographie: Mutex<Option<(String, Arc<GeographieLue>)>>,
}

/// Every contract held and the geography, with the counter of changes they were read at.
type Lu = (i64, Arc<Portefeuille>, Arc<GeographieLue>);

/// The scopes whose portfolio `auteur` reads, refused to whoever has none (neither an
/// administrator nor an ARS agent).
pub fn perimetres_de(auteur: &Auteur) -> Result<Vec<Perimetre>, StoreError> {
    let perimetres = perimetres(&auteur.acteur);
    if perimetres.is_empty() {
        return Err(StoreError::Refuse(
            "le portefeuille des contrats est réservé aux agents des ARS et aux \
             administrateurs"
                .to_owned(),
        ));
    }
    Ok(perimetres)
}

/// Every contract held and the geography, for `auteur`, who must have a portfolio.
#[tracing::instrument(skip_all)]
pub async fn lire(store: &Store, auteur: &Auteur) -> Result<Arc<Portefeuille>, StoreError> {
    perimetres_de(auteur)?;
    // The counter before the data: what is kept under it is never older than it.
    let generation = store.generation().await?;
    Ok(lu(store, generation).await?.0)
}

/// Every contract held and the geography as read at counter `generation` or later, whoever
/// asks: the portfolio's readers and the public portal, each shown what they may read.
pub(crate) async fn lu(
    store: &Store,
    generation: i64,
) -> Result<(Arc<Portefeuille>, Arc<GeographieLue>), StoreError> {
    let garde = &store.portefeuille;
    if let Some((lu_a, p, g)) = garde.portefeuille.lock().ok().and_then(|g| g.clone())
        && lu_a == generation
    {
        return Ok((p, g));
    }
    // Read whole, as the administration reads it: the policy is applied by `vue`.
    let mut tx = store.lecture(&Auteur::ligne_de_commande()).await?;
    let version: String = sqlx::query_scalar("SELECT version FROM geographie_version")
        .fetch_optional(&mut *tx)
        .await?
        .unwrap_or_default();
    let gardee = garde
        .geographie
        .lock()
        .ok()
        .and_then(|g| g.clone())
        .filter(|(v, _)| *v == version);
    let geographie = match gardee {
        Some((_, g)) => g,
        None => {
            let g = Arc::new(lire_geographie(&mut tx).await?);
            if let Ok(mut garde) = garde.geographie.lock() {
                *garde = Some((version, Arc::clone(&g)));
            }
            g
        }
    };
    let portefeuille = Arc::new(lire_tout(&mut tx, &geographie).await?);
    tx.commit().await?;
    if let Ok(mut garde) = garde.portefeuille.lock() {
        *garde = Some((
            generation,
            Arc::clone(&portefeuille),
            Arc::clone(&geographie),
        ));
    }
    Ok((portefeuille, geographie))
}

/// The scopes `auteur` is shown: theirs, or `demande` when they narrow the portfolio to a
/// région or a département within them. A scope unknown to the geography is invalid, one
/// outside theirs refused.
pub fn perimetres_vus(
    auteur: &Auteur,
    portefeuille: &Portefeuille,
    demande: Option<&Perimetre>,
) -> Result<Vec<Perimetre>, StoreError> {
    let siens = perimetres_de(auteur)?;
    let Some(p) = demande else {
        return Ok(siens);
    };
    let geo = &portefeuille.geographie;
    if geo.libelle(p).is_none() {
        return Err(StoreError::Invalid(match p {
            Perimetre::Region(r) => format!("aucune région n'a le code « {r} »"),
            Perimetre::Departement(d) => format!("aucun département n'a le code « {d} »"),
            Perimetre::National => "la France entière".to_owned(),
        }));
    }
    if !geo.contient(&siens, p) {
        return Err(StoreError::Refuse(
            "ce territoire n'est pas dans votre périmètre : votre portefeuille ne le \
             montre pas"
                .to_owned(),
        ));
    }
    Ok(vec![p.clone()])
}

/// What `auteur` sees of `portefeuille` in `perimetres` (given by [`perimetres_vus`]): the
/// contracts there they may read that `filtre` keeps. Listing unpublished contracts is
/// journaled ([`consigner`]).
pub fn vue<'a>(
    store: &Store,
    auteur: &Auteur,
    portefeuille: &'a Portefeuille,
    perimetres: &[Perimetre],
    filtre: &Filtre,
) -> Result<Vue<'a>, StoreError> {
    let siens = perimetres_de(auteur)?;
    if !perimetres
        .iter()
        .all(|p| portefeuille.geographie.contient(&siens, p))
    {
        return Err(StoreError::Refuse(
            "ce territoire n'est pas dans votre périmètre".to_owned(),
        ));
    }
    let vue = portefeuille.vue(
        perimetres,
        |r| peut(&auteur.acteur, &Operation::LirePublie, &r.portee()),
        filtre,
    );
    consigner(store, auteur, non_publies(&vue).as_deref());
    Ok(vue)
}

/// The unpublished contracts `vue` lists, by identifier.
pub fn non_publies(vue: &Vue) -> Option<String> {
    let ids: Vec<&str> = vue
        .contrats
        .iter()
        .filter(|l| !l.contrat.resume.publie)
        .map(|l| l.contrat.resume.id.as_str())
        .collect();
    (!ids.is_empty()).then(|| ids.join(", "))
}

/// Journals that `auteur` was shown the unpublished contracts `non_publies` in a portfolio
/// (nothing when there were none).
pub fn consigner(store: &Store, auteur: &Auteur, non_publies: Option<&str>) {
    if let Some(ids) = non_publies {
        store.lectures.consigner(
            auteur,
            "portefeuille des contrats".to_owned(),
            Some(ids.to_owned()),
        );
    }
}

/// Rows of `sql` as pairs of their two text columns `a` and `b`.
async fn paires(
    conn: &mut AnyConnection,
    sql: &str,
    a: &str,
    b: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((text(r, a)?, text(r, b)?)))
        .collect()
}

/// The codes of list `liste` (`thematique`, `public`) of each contract and of its actions.
async fn codes_de(
    conn: &mut AnyConnection,
    liste: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    let sql = format!(
        "SELECT contrat_id, code FROM contrat_{liste}
         UNION SELECT f.contrat_id, l.code FROM fiche_{liste} l
               JOIN fiche_action f ON f.id = l.fiche_id"
    );
    paires(conn, &sql, "contrat_id", "code").await
}

async fn lire_geographie(conn: &mut AnyConnection) -> Result<GeographieLue, StoreError> {
    let regions = paires(conn, "SELECT code, nom FROM region", "code", "nom")
        .await?
        .into_iter()
        .collect();
    let mut departements = BTreeMap::new();
    for r in sqlx::query("SELECT code, nom, region FROM departement")
        .fetch_all(&mut *conn)
        .await?
    {
        departements.insert(text(&r, "code")?, (text(&r, "nom")?, text(&r, "region")?));
    }
    let lignes = sqlx::query(
        "SELECT code, nom, type_commune, departement, region, epci, parent, population
         FROM commune ORDER BY code",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut communes = Vec::new();
    let mut epci: HashMap<String, Vec<usize>> = HashMap::new();
    let mut autres = Vec::new();
    for r in &lignes {
        let population = opt_int(r, "population")?.map_or(0, |p| p.max(0).unsigned_abs());
        if text(r, "type_commune")? != "commune-actuelle" {
            if let Some(parent) = opt_text(r, "parent")? {
                autres.push((text(r, "code")?, parent, population));
            }
            continue;
        }
        if let Some(e) = opt_text(r, "epci")? {
            epci.entry(e).or_default().push(communes.len());
        }
        communes.push(CommuneDuPortefeuille {
            code: text(r, "code")?,
            nom: text(r, "nom")?,
            departement: text(r, "departement")?,
            region: text(r, "region")?,
            epci: opt_text(r, "epci")?,
            population,
        });
    }
    let noms_epci = paires(conn, "SELECT code, nom FROM epci", "code", "nom")
        .await?
        .into_iter()
        .collect();
    let geographie = Arc::new(GeographieDuPortefeuille {
        regions,
        departements,
        communes,
        epci: noms_epci,
    });
    let mut parties = Parties {
        epci,
        parties: HashMap::new(),
    };
    for (code, parent, population) in autres {
        if let Some(i) = geographie.indice(&parent) {
            parties.parties.entry(code).or_insert((i, population));
        }
    }
    Ok(GeographieLue {
        geographie,
        parties,
    })
}

/// The geography as read for portfolios: what they show, and how territories find it.
#[derive(Debug)]
pub(crate) struct GeographieLue {
    geographie: Arc<GeographieDuPortefeuille>,
    parties: Parties,
}

impl GeographieLue {
    /// The index of the current commune `code` names: itself, or the commune a part
    /// (arrondissement, commune déléguée) belongs to.
    pub(crate) fn commune(&self, code: &str) -> Option<usize> {
        self.geographie
            .indice(code)
            .or_else(|| self.parties.parties.get(code).map(|(i, _)| *i))
    }
}

/// How a territory's codes find the current communes: the communes of each EPCI, and the
/// parts of communes (arrondissements, communes déléguées) with their commune.
#[derive(Debug)]
struct Parties {
    epci: HashMap<String, Vec<usize>>,
    parties: HashMap<String, (usize, u64)>,
}

#[derive(Default)]
struct Figures {
    actions: usize,
    en_cours: usize,
    realisees: usize,
    avancements: Vec<u8>,
    financement: BTreeMap<String, Sommes>,
    thematiques: Vec<Thematique>,
    publics: Vec<Public>,
    entieres: Vec<usize>,
    parties: Vec<(usize, u64)>,
}

async fn lire_tout(
    conn: &mut AnyConnection,
    lue: &GeographieLue,
) -> Result<Portefeuille, StoreError> {
    let (geographie, parties) = (&lue.geographie, &lue.parties);
    let resumes = crate::contrat::resumes(conn).await?;
    let mut figures: HashMap<String, Figures> = HashMap::new();
    for r in sqlx::query("SELECT contrat_id, statut, avancement FROM fiche_action")
        .fetch_all(&mut *conn)
        .await?
    {
        let f = figures.entry(text(&r, "contrat_id")?).or_default();
        f.actions += 1;
        let statut = opt_text(&r, "statut")?;
        f.en_cours += usize::from(statut.as_deref() == Some(StatutAction::EnCours.code()));
        f.realisees += usize::from(statut.as_deref() == Some(StatutAction::Realisee.code()));
        if let Some(a) = opt_int(&r, "avancement")? {
            f.avancements
                .push(u8::try_from(a.clamp(0, 100)).unwrap_or(0));
        }
    }
    for r in sqlx::query(
        "SELECT f.contrat_id, l.financeur, l.previsionnel_centimes, l.realise_centimes
         FROM ligne_budget l JOIN fiche_action f ON f.id = l.fiche_id",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let montant = |colonne| -> Result<Option<Montant>, StoreError> {
            Ok(opt_int(&r, colonne)?.and_then(|c| Montant::depuis_centimes(c).ok()))
        };
        figures
            .entry(text(&r, "contrat_id")?)
            .or_default()
            .financement
            .entry(text(&r, "financeur")?)
            .or_default()
            .ajouter(
                montant("previsionnel_centimes")?,
                montant("realise_centimes")?,
            );
    }
    for (contrat, code) in codes_de(conn, "thematique").await? {
        if let Ok(t) = Thematique::parse(&code) {
            figures.entry(contrat).or_default().thematiques.push(t);
        }
    }
    for (contrat, code) in codes_de(conn, "public").await? {
        if let Ok(p) = Public::parse(&code) {
            figures.entry(contrat).or_default().publics.push(p);
        }
    }
    for (contrat, code) in paires(
        conn,
        "SELECT contrat_id, code FROM contrat_commune",
        "contrat_id",
        "code",
    )
    .await?
    {
        let f = figures.entry(contrat).or_default();
        if let Some(i) = geographie.indice(&code) {
            f.entieres.push(i);
        } else if let Some(partie) = parties.parties.get(&code) {
            f.parties.push(*partie);
        }
    }
    for (contrat, code) in paires(
        conn,
        "SELECT contrat_id, epci FROM contrat_epci",
        "contrat_id",
        "epci",
    )
    .await?
    {
        if let Some(communes) = parties.epci.get(&code) {
            figures
                .entry(contrat)
                .or_default()
                .entieres
                .extend(communes);
        }
    }
    let mut renouveles = HashSet::new();
    for r in sqlx::query("SELECT precedent FROM contrat WHERE precedent IS NOT NULL")
        .fetch_all(&mut *conn)
        .await?
    {
        renouveles.insert(text(&r, "precedent")?);
    }
    let contrats = resumes
        .into_iter()
        .map(|resume| {
            let f = figures.remove(resume.id.as_str()).unwrap_or_default();
            let avancement_moyen = (!f.avancements.is_empty()).then(|| {
                let somme: usize = f.avancements.iter().map(|a| usize::from(*a)).sum();
                u8::try_from(somme / f.avancements.len()).unwrap_or(100)
            });
            ContratDuPortefeuille {
                renouvele: renouveles.contains(resume.id.as_str()),
                couverture: Couverture::composer(geographie, f.entieres, f.parties),
                resume,
                thematiques: f.thematiques.into_iter().collect(),
                publics: f.publics.into_iter().collect(),
                actions: f.actions,
                actions_en_cours: f.en_cours,
                actions_realisees: f.realisees,
                avancement_moyen,
                financement: f.financement,
            }
        })
        .collect();
    Ok(Portefeuille {
        geographie: Arc::clone(geographie),
        contrats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qui_n_a_pas_de_perimetre_n_a_pas_de_portefeuille() {
        let public = Auteur::public("127.0.0.1");
        assert!(matches!(perimetres_de(&public), Err(StoreError::Refuse(_))));
        assert_eq!(
            perimetres_de(&Auteur::ligne_de_commande()).unwrap(),
            [Perimetre::National]
        );
    }
}
