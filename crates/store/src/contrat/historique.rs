//! A contract's history: every change is recorded field by field (before → after) with the
//! version it produced, in the transaction of the change, along with its journal entry. A save
//! based on a stale version is told what changed since.

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

/// Records `changements` on contract `id`: moves its version on, writes the history and the
/// journal entry; returns the new version. Nothing is recorded when nothing changed.
pub(crate) async fn enregistrer(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    id: &IdContrat,
    objet: &str,
    changements: &[Changement],
) -> Result<i64, StoreError> {
    let version: i64 = sqlx::query_scalar(
        "UPDATE contrat SET version = version + 1, modifie_le = $1 WHERE id = $2
         RETURNING version",
    )
    .bind(now())
    .bind(id.as_str())
    .fetch_one(&mut *conn)
    .await?;
    let horodatage = horloge();
    for c in changements {
        sqlx::query(
            "INSERT INTO historique (contrat_id, version, horodatage, qui, champ, avant, apres)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.as_str())
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
    .await?;
    Ok(version)
}

/// Refuses a save based on version `lue` of contract `id` when it is no longer the current
/// one (`StoreError::Perime`), saying what changed since, and by whom.
pub(crate) async fn verifier_version(
    conn: &mut AnyConnection,
    id: &IdContrat,
    lue: i64,
) -> Result<(), StoreError> {
    let actuelle: i64 = sqlx::query_scalar("SELECT version FROM contrat WHERE id = $1")
        .bind(id.as_str())
        .fetch_one(&mut *conn)
        .await?;
    if actuelle == lue {
        return Ok(());
    }
    let changements: Vec<String> = depuis(conn, id, lue)
        .await?
        .iter()
        .map(|e| format!("{} ({})", e.changement.en_clair(), e.qui))
        .collect();
    Err(StoreError::Perime {
        actuelle,
        message: format!(
            "le contrat a été modifié entre-temps (version {lue} → {actuelle}) : {}. Vos \
             saisies sont conservées : vérifiez-les, puis enregistrez de nouveau",
            changements.join(" ; ")
        ),
    })
}

/// The changes that produced versions after `version`, oldest first.
pub(crate) async fn depuis(
    conn: &mut AnyConnection,
    id: &IdContrat,
    version: i64,
) -> Result<Vec<Entree>, StoreError> {
    sqlx::query(
        "SELECT version, horodatage, qui, champ, avant, apres FROM historique
         WHERE contrat_id = $1 AND version > $2 ORDER BY version, id",
    )
    .bind(id.as_str())
    .bind(version)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
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
    })
    .collect()
}
