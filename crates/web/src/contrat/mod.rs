//! The contract: its pages and its API, which read through the same two functions so that
//! the authorization policy is applied in one place.

pub mod api;
pub mod pages;

use pilote_domain::IdContrat;
use pilote_domain::autorisation::{Acteur, Operation, peut};
use pilote_domain::contrat::ContratResume;
use pilote_store::Store;
use pilote_store::contrat::{self, ContratComplet};

use crate::error::AppError;

/// Reads the identifier from the URL; a malformed one cannot name any contract.
fn identifiant(brut: &str) -> Result<IdContrat, AppError> {
    IdContrat::parse(brut)
        .map_err(|e| AppError::NotFound(format!("Aucun contrat « {brut} » ({e}).")))
}

/// The contracts `acteur` may read.
async fn lisibles(store: &Store, acteur: &Acteur) -> Result<Vec<ContratResume>, AppError> {
    let mut contrats = contrat::lister(store).await?;
    contrats.retain(|c| peut(acteur, &Operation::LirePublie, &c.portee()));
    Ok(contrats)
}

/// One contract, if `acteur` may read it; one they may not read answers exactly as one that
/// does not exist, so that nothing leaks about what exists.
async fn lisible(store: &Store, acteur: &Acteur, brut: &str) -> Result<ContratComplet, AppError> {
    let id = identifiant(brut)?;
    let complet = contrat::lire(store, &id).await?;
    if peut(acteur, &Operation::LirePublie, &complet.portee()) {
        Ok(complet)
    } else {
        Err(AppError::NotFound(format!("aucun contrat « {id} »")))
    }
}
