//! The journal: who did what, when, from where. Every change and every read of unpublished
//! data writes an entry inside the transaction of what it records, so that neither exists
//! without the other. Entries older than the retention are purged by `pilote journal purge`.

use pilote_domain::autorisation::{Acteur, Role};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::ligne::{int, opt_text, text};
use crate::{Store, StoreError};

/// Who acts and from where: what the authorization policy and the journal need of a request.
#[derive(Debug, Clone)]
pub struct Auteur {
    pub acteur: Acteur,
    /// The account, for a signed-in person.
    pub compte: Option<i64>,
    /// How the journal names them: the account's address, or « public ».
    pub qui: String,
    /// Where from: the client's IP address, or « ligne de commande ».
    pub origine: String,
}

impl Auteur {
    /// An anonymous visitor.
    pub fn public(origine: impl Into<String>) -> Self {
        Self {
            acteur: Acteur::public(),
            compte: None,
            qui: "public".to_owned(),
            origine: origine.into(),
        }
    }

    /// Whoever runs the `pilote` command on the server, who holds the administrator's rights.
    pub fn ligne_de_commande() -> Self {
        Self {
            acteur: Acteur {
                roles: vec![Role::Administrateur],
            },
            compte: None,
            qui: "administration".to_owned(),
            origine: "ligne de commande".to_owned(),
        }
    }
}

/// One entry, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entree {
    /// Unix seconds.
    pub horodatage: i64,
    pub qui: String,
    pub origine: String,
    pub action: String,
    pub objet: String,
    pub detail: Option<String>,
}

/// Writes an entry in the caller's transaction.
pub(crate) async fn ecrire(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    action: &str,
    objet: &str,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO journal (horodatage, utilisateur_id, qui, origine, action, objet, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(crate::horloge())
    .bind(auteur.compte)
    .bind(&auteur.qui)
    .bind(&auteur.origine)
    .bind(action)
    .bind(objet)
    .bind(detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// The latest entries, newest first.
pub async fn dernieres(store: &Store, nombre: u32) -> Result<Vec<Entree>, StoreError> {
    sqlx::query(
        "SELECT horodatage, qui, origine, action, objet, detail FROM journal
         ORDER BY id DESC LIMIT $1",
    )
    .bind(i64::from(nombre))
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Entree {
            horodatage: int(r, "horodatage")?,
            qui: text(r, "qui")?,
            origine: text(r, "origine")?,
            action: text(r, "action")?,
            objet: text(r, "objet")?,
            detail: opt_text(r, "detail")?,
        })
    })
    .collect()
}

/// Deletes the entries older than `jours` days; returns how many went.
pub async fn purger(store: &Store, jours: u32) -> Result<u64, StoreError> {
    let limite = crate::horloge() - i64::from(jours) * 86_400;
    Ok(sqlx::query("DELETE FROM journal WHERE horodatage < $1")
        .bind(limite)
        .execute(store.pool())
        .await?
        .rows_affected())
}
