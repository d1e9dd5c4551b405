//! The contract: its pages and its API. Reads and changes go through the store, which asks
//! the authorization policy; what the pages offer to change is asked of the same policy.

pub mod api;
pub mod document;
pub mod fiche;
pub mod formulaire;
pub mod gouvernance;
mod liste;
pub mod pages;
pub mod renouvellement;
mod saisie;
pub mod signature;
pub mod strategie;
pub mod suivi;

use pilote_domain::IdContrat;

use crate::error::AppError;

/// Reads the identifier from the URL; a malformed one cannot name any contract.
pub(crate) fn identifiant(brut: &str) -> Result<IdContrat, AppError> {
    IdContrat::parse(brut)
        .map_err(|e| AppError::NotFound(format!("Aucun contrat « {brut} » ({e}).")))
}
