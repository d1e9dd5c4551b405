//! The directory of territories a person searches when choosing a contract's territory: the
//! EPCI and current communes with their population, their names folded
//! ([`pilote_domain::recherche::replier`]: case, accents, hyphens and apostrophes ignored, then
//! spaces too), so that « saint etienne du rouvray », « SAINT-ÉTIENNE » or « lisle d abeau »
//! find what the official names spell otherwise. Read once per version of the geography and
//! kept in memory (some 35,000 names); a new version loaded by any instance is seen at the
//! next search.

use std::sync::{Arc, Mutex};

use pilote_domain::recherche::replier;
use serde::Serialize;

use crate::ligne::{int, text};
use crate::{Store, StoreError};

/// A commune or an EPCI found by a search, with its population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trouve {
    /// `commune` or `epci`.
    pub nature: &'static str,
    pub code: String,
    pub nom: String,
    /// The département of a commune; the kind (CC, CA, CU…) of an EPCI.
    pub precision: String,
    pub population: u64,
}

/// The territories of one version of the geography, each with its name as compared: the EPCI,
/// then the current communes, each kind by population.
#[derive(Debug)]
pub(crate) struct Repertoire {
    version: Option<String>,
    par_nature: [Vec<(String, Trouve)>; 2],
}

/// The directory last read, shared by the clones of a [`Store`].
pub(crate) type RepertoireGarde = Arc<Mutex<Option<Arc<Repertoire>>>>;

/// The EPCI, then the current communes, whose folded name contains the folded `texte` or
/// whose code starts with it; at most `limite` of each, the most populated first. Fewer than
/// two characters find nothing.
pub async fn rechercher(
    store: &Store,
    texte: &str,
    limite: u32,
) -> Result<Vec<Trouve>, StoreError> {
    let texte = texte.trim();
    let cherche = compacter(texte);
    if texte.chars().count() < 2 || cherche.is_empty() {
        return Ok(Vec::new());
    }
    let repertoire = repertoire(store).await?;
    Ok(repertoire
        .par_nature
        .iter()
        .flat_map(|entrees| {
            entrees
                .iter()
                .filter(|(compare, t)| compare.contains(&cherche) || t.code.starts_with(texte))
                .take(limite as usize)
                .map(|(_, t)| t.clone())
        })
        .collect())
}

/// A name as it is compared: folded, without spaces.
fn compacter(nom: &str) -> String {
    replier(nom).replace(' ', "")
}

/// The directory of the geography the database holds now.
async fn repertoire(store: &Store) -> Result<Arc<Repertoire>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let version: Option<String> = sqlx::query_scalar("SELECT version FROM geographie_version")
        .fetch_optional(&mut *conn)
        .await?;
    let garde = store.repertoire();
    if let Some(lu) = garde.lock().expect("répertoire").as_ref()
        && lu.version == version
    {
        return Ok(Arc::clone(lu));
    }
    let mut par_nature: [Vec<(String, Trouve)>; 2] = Default::default();
    for (entrees, (nature, sql)) in par_nature.iter_mut().zip([
        (
            "epci",
            "SELECT e.code, e.nom, e.nature AS precision,
                    CAST(COALESCE(SUM(c.population), 0) AS BIGINT) AS population
             FROM epci e LEFT JOIN commune c ON c.epci = e.code AND c.type_commune = 'commune-actuelle'
             GROUP BY e.code, e.nom, e.nature ORDER BY population DESC, e.nom",
        ),
        (
            "commune",
            "SELECT code, nom, departement AS precision, COALESCE(population, 0) AS population
             FROM commune WHERE type_commune = 'commune-actuelle'
             ORDER BY population DESC, nom",
        ),
    ]) {
        for r in sqlx::query(sql).fetch_all(&mut *conn).await? {
            let nom = text(&r, "nom")?;
            entrees.push((
                compacter(&nom),
                Trouve {
                    nature,
                    code: text(&r, "code")?,
                    nom,
                    precision: text(&r, "precision")?,
                    population: u64::try_from(int(&r, "population")?).unwrap_or_default(),
                },
            ));
        }
    }
    let lu = Arc::new(Repertoire {
        version,
        par_nature,
    });
    *garde.lock().expect("répertoire") = Some(Arc::clone(&lu));
    Ok(lu)
}
