//! Errors raised when a value breaks a domain rule. Messages are French and name the
//! offending value, because they reach coordinators as they are.

use thiserror::Error;

/// A value that cannot exist in the domain.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ErreurDomaine {
    #[error("code INSEE invalide « {valeur} » : {raison}")]
    CodeInsee {
        valeur: String,
        raison: &'static str,
    },
    #[error("SIREN invalide « {valeur} » : {raison}")]
    Siren {
        valeur: String,
        raison: &'static str,
    },
    #[error("période invalide « {valeur} » : {raison}")]
    Periode { valeur: String, raison: String },
    #[error("date invalide « {valeur} » : {raison}")]
    Date {
        valeur: String,
        raison: &'static str,
    },
    #[error("montant invalide « {valeur} » : {raison}")]
    Montant {
        valeur: String,
        raison: &'static str,
    },
    #[error("identifiant de contrat invalide « {valeur} » : {raison}")]
    IdContrat {
        valeur: String,
        raison: &'static str,
    },
    #[error("contrat « {contrat} » : {raison}")]
    Contrat { contrat: String, raison: String },
    #[error(
        "rapport inconnu « {valeur} » : attendu annuel-AAAA (par exemple annuel-2025) ou evaluation"
    )]
    Rapport { valeur: String },
}
