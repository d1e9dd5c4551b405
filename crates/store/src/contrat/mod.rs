//! Contracts: writing a whole contract in one transaction, reading it back whole, listing.

mod ecriture;
mod lecture;

use pilote_domain::IdContrat;
use pilote_domain::autorisation::PorteeContrat;
use pilote_domain::contrat::{Contrat, ContratResume};
use pilote_domain::territoire::TerritoireResolu;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::{Store, StoreError};

pub(crate) use ecriture::inserer;

/// A contract as shown: what it holds, its resolved territory and its lineage.
#[derive(Debug, Clone, Serialize)]
pub struct ContratComplet {
    #[serde(flatten)]
    pub contrat: Contrat,
    pub territoire_resolu: TerritoireResolu,
    pub lignee: Lignee,
    /// Incremented by every change (optimistic concurrency).
    pub version: i64,
}

impl ContratComplet {
    /// What the authorization policy needs of it.
    pub fn portee(&self) -> PorteeContrat {
        PorteeContrat::new(
            self.contrat.id.clone(),
            self.contrat.publie,
            &self.territoire_resolu,
        )
    }
}

/// The generations before and after a contract that Pilote holds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Lignee {
    pub precedent: Option<LienContrat>,
    pub suivants: Vec<LienContrat>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LienContrat {
    pub id: IdContrat,
    pub nom: String,
    pub generation: u8,
}

/// Stores a new contract; nothing is written if any part is refused.
#[tracing::instrument(skip_all, fields(contrat = %contrat.id))]
pub async fn creer(store: &Store, contrat: &Contrat) -> Result<(), StoreError> {
    let mut tx = store.pool().begin().await?;
    inserer(&mut tx, contrat).await?;
    tx.commit().await?;
    Ok(())
}

/// Reads a whole contract.
#[tracing::instrument(skip(store))]
pub async fn lire(store: &Store, id: &IdContrat) -> Result<ContratComplet, StoreError> {
    let mut conn = store.pool().acquire().await?;
    lecture::lire(&mut conn, id).await
}

/// The list of contracts, by name then generation, with their territory's size.
#[tracing::instrument(skip(store))]
pub async fn lister(store: &Store) -> Result<Vec<ContratResume>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    lecture::lister(&mut conn).await
}

/// Whether a contract with this identifier exists.
pub(crate) async fn existe(conn: &mut AnyConnection, id: &IdContrat) -> Result<bool, StoreError> {
    Ok(sqlx::query("SELECT 1 FROM contrat WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?
        .is_some())
}
