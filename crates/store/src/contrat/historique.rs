//! A contract's history and its versions. A change first claims the version of the part it
//! changes (the contract's own parts, or one fiche-action) in one statement that also locks
//! it; a save based on a stale version is refused with what changed since. Every change is
//! then recorded field by field (before → after) with the version it produced, in the
//! transaction of the change, along with its journal entry.

use pilote_domain::IdContrat;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::journal::{self, Auteur};
use crate::ligne::{int, opt_text, text};
use crate::{StoreError, horloge, now};

/// One field changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changement {
    pub champ: String,
    pub avant: Option<String>,
    pub apres: Option<String>,
}

impl Entree {
    /// When, for people: « 23/11/2026 09:51 (UTC) ».
    pub fn quand(&self) -> String {
        let format = time::format_description::parse_borrowed::<1>(
            "[day]/[month]/[year] [hour]:[minute] (UTC)",
        );
        match (
            time::OffsetDateTime::from_unix_timestamp(self.horodatage),
            format,
        ) {
            (Ok(moment), Ok(format)) => moment.format(&format).unwrap_or_default(),
            _ => self.horodatage.to_string(),
        }
    }
}

impl Changement {
    /// A change, or `None` when the value stays the same.
    pub fn si_different(
        champ: &str,
        avant: Option<String>,
        apres: Option<String>,
    ) -> Option<Changement> {
        (avant != apres).then(|| Changement {
            champ: champ.to_owned(),
            avant,
            apres,
        })
    }

    /// The changes of one thing (`quoi`: « diagnostic « DLS 2024 » ») from `avant` to `apres`,
    /// both put into words field by field, in the same order: one per field that differs.
    pub fn entre<C: std::fmt::Display>(
        quoi: &str,
        avant: impl IntoIterator<Item = (C, Option<String>)>,
        apres: impl IntoIterator<Item = (C, Option<String>)>,
    ) -> Vec<Changement> {
        avant
            .into_iter()
            .zip(apres)
            .filter_map(|((champ, a), (_, b))| {
                Self::si_different(&format!("{quoi}, {champ}"), a, b)
            })
            .collect()
    }

    /// « champ : avant → après », for people.
    pub fn en_clair(&self) -> String {
        let valeur = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
        format!(
            "{} : {} → {}",
            self.champ,
            valeur(&self.avant),
            valeur(&self.apres)
        )
    }
}

/// A list of texts as the history shows it: one per line, `None` when empty.
pub(crate) fn lignes(textes: &[String]) -> Option<String> {
    (!textes.is_empty()).then(|| textes.join("\n"))
}

/// A change as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entree {
    pub version: i64,
    /// Unix seconds.
    pub horodatage: i64,
    pub qui: String,
    #[serde(flatten)]
    pub changement: Changement,
}

/// What a change claims the version of: the contract's own parts (general facts, strategy,
/// signature, governance, publication), or one fiche-action (its row id), so that people
/// working on different actions never make each other's forms stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Partie {
    Contrat,
    Fiche(i64),
}

/// Claims the next version of contract `id`'s own parts, as a change's first statement: the
/// row is locked until the change ends, and a save based on version `lue` that is no longer
/// the current one is refused (`StoreError::Perime`) with what changed since. Without `lue`
/// (publication, renewal) the claim only orders the change after the others.
pub(crate) async fn reclamer(
    conn: &mut AnyConnection,
    id: &IdContrat,
    lue: Option<i64>,
) -> Result<i64, StoreError> {
    let condition = if lue.is_some() {
        " AND version = $3"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE contrat SET version = version + 1, modifie_le = $1
         WHERE id = $2{condition} RETURNING version"
    );
    let requete = sqlx::query_scalar(&sql).bind(now()).bind(id.as_str());
    let reclamee: Option<i64> = match lue {
        Some(lue) => requete.bind(lue),
        None => requete,
    }
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(version) = reclamee {
        return Ok(version);
    }
    let actuelle: Option<i64> = sqlx::query_scalar("SELECT version FROM contrat WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    match (actuelle, lue) {
        (Some(actuelle), Some(lue)) => Err(perime(
            "le contrat a été modifié",
            lue,
            actuelle,
            &depuis(conn, id, Partie::Contrat, lue).await?,
        )),
        _ => Err(StoreError::NotFound(format!("aucun contrat « {id} »"))),
    }
}

/// Claims the next version of fiche-action `numero` of contract `id`, as [`reclamer`] does for
/// the contract; returns the fiche's row id and its new version.
pub(crate) async fn reclamer_fiche(
    conn: &mut AnyConnection,
    id: &IdContrat,
    numero: &str,
    lue: i64,
) -> Result<(i64, i64), StoreError> {
    let reclamee = sqlx::query(
        "UPDATE fiche_action SET version = version + 1
         WHERE contrat_id = $1 AND numero = $2 AND version = $3 RETURNING id, version",
    )
    .bind(id.as_str())
    .bind(numero)
    .bind(lue)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(r) = reclamee {
        return Ok((int(&r, "id")?, int(&r, "version")?));
    }
    let actuelle =
        sqlx::query("SELECT id, version FROM fiche_action WHERE contrat_id = $1 AND numero = $2")
            .bind(id.as_str())
            .bind(numero)
            .fetch_optional(&mut *conn)
            .await?;
    match actuelle {
        Some(r) => {
            let fiche = int(&r, "id")?;
            Err(perime(
                &format!("la fiche-action n°{numero} a été modifiée"),
                lue,
                int(&r, "version")?,
                &depuis(conn, id, Partie::Fiche(fiche), lue).await?,
            ))
        }
        None => Err(StoreError::NotFound(format!(
            "aucune fiche-action n°{numero} dans le contrat « {id} »"
        ))),
    }
}

/// A version no form of contract `id`'s fiches-actions can carry: above every version any of
/// them ever had, removed ones included. Forms address a fiche by its number, and a number may
/// pass to another fiche (renumbering, a removal then an addition): a fiche that takes it gets
/// this version, so that no form opened on the former holder matches it.
pub(crate) async fn version_fiche_inedite(
    conn: &mut AnyConnection,
    id: &IdContrat,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(MAX(v), 0) + 1 FROM (
             SELECT version AS v FROM fiche_action WHERE contrat_id = $1
             UNION ALL
             SELECT version AS v FROM historique WHERE contrat_id = $1 AND fiche_id IS NOT NULL
         ) versions",
    )
    .bind(id.as_str())
    .fetch_one(conn)
    .await?)
}

/// The refusal of a save based on version `lue` of what `modifie` names, now at `actuelle`.
fn perime(modifie: &str, lue: i64, actuelle: i64, entrees: &[Entree]) -> StoreError {
    let changements: Vec<String> = entrees
        .iter()
        .map(|e| format!("{} ({})", e.changement.en_clair(), e.qui))
        .collect();
    let detail = if changements.is_empty() {
        String::new()
    } else {
        format!(" : {}", changements.join(" ; "))
    };
    StoreError::Perime {
        actuelle,
        message: format!(
            "{modifie} entre-temps (version {lue} → {actuelle}){detail}. Vos \
             saisies sont conservées : vérifiez-les, puis enregistrez de nouveau"
        ),
    }
}

/// Records `changements`, which produced `version` of `partie` of contract `id`: the history
/// rows and the journal entry.
pub(crate) async fn enregistrer(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    (id, partie, version): (&IdContrat, Partie, i64),
    objet: &str,
    changements: &[Changement],
) -> Result<(), StoreError> {
    let fiche = match partie {
        Partie::Contrat => None,
        Partie::Fiche(fiche) => Some(fiche),
    };
    let horodatage = horloge();
    for c in changements {
        sqlx::query(
            "INSERT INTO historique
                 (contrat_id, fiche_id, version, horodatage, qui, champ, avant, apres)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.as_str())
        .bind(fiche)
        .bind(version)
        .bind(horodatage)
        .bind(&auteur.qui)
        .bind(&c.champ)
        .bind(&c.avant)
        .bind(&c.apres)
        .execute(&mut *conn)
        .await?;
    }
    let detail: Vec<String> = changements.iter().map(Changement::en_clair).collect();
    journal::ecrire(
        conn,
        auteur,
        "modification",
        objet,
        Some(&detail.join(" ; ")),
    )
    .await
}

/// The whole history of contract `id`, oldest first: one sequence, the contract's own parts
/// and its fiches-actions interleaved in the order they were made.
pub(crate) async fn tout(
    conn: &mut AnyConnection,
    id: &IdContrat,
) -> Result<Vec<Entree>, StoreError> {
    sqlx::query(
        "SELECT version, horodatage, qui, champ, avant, apres FROM historique
         WHERE contrat_id = $1 ORDER BY id",
    )
    .bind(id.as_str())
    .fetch_all(conn)
    .await?
    .iter()
    .map(entree)
    .collect()
}

/// The changes of `partie` that produced versions after `version`, oldest first.
async fn depuis(
    conn: &mut AnyConnection,
    id: &IdContrat,
    partie: Partie,
    version: i64,
) -> Result<Vec<Entree>, StoreError> {
    let requete = match partie {
        Partie::Contrat => sqlx::query(
            "SELECT version, horodatage, qui, champ, avant, apres FROM historique
             WHERE contrat_id = $1 AND fiche_id IS NULL AND version > $2 ORDER BY id",
        )
        .bind(id.as_str())
        .bind(version),
        Partie::Fiche(fiche) => sqlx::query(
            "SELECT version, horodatage, qui, champ, avant, apres FROM historique
             WHERE contrat_id = $1 AND fiche_id = $2 AND version > $3 ORDER BY id",
        )
        .bind(id.as_str())
        .bind(fiche)
        .bind(version),
    };
    requete.fetch_all(conn).await?.iter().map(entree).collect()
}

fn entree(r: &sqlx::any::AnyRow) -> Result<Entree, StoreError> {
    Ok(Entree {
        version: int(r, "version")?,
        horodatage: int(r, "horodatage")?,
        qui: text(r, "qui")?,
        changement: Changement {
            champ: text(r, "champ")?,
            avant: opt_text(r, "avant")?,
            apres: opt_text(r, "apres")?,
        },
    })
}
