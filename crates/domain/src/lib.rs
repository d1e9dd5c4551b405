//! Pilote's domain: the vocabulary of the *Contrat Local de Santé* (CLS) as Rust types.
//!
//! Nothing here knows about HTTP or SQL. Every code and identifier is a parsed newtype
//! (parse, don't validate): once a [`CodeInsee`] exists, it is a well-formed INSEE code.
//! Domain words are French, as the users say them.

pub mod administration;
pub mod autorisation;
pub mod besoins;
pub mod champ;
pub mod clsm;
pub mod code_insee;
pub mod compte;
pub mod contrat;
pub mod date_partielle;
pub mod diagnostic;
pub mod donnees_de_reference;
pub mod erreur;
pub mod evaluation;
pub mod fiche_action;
pub mod geographie;
pub mod gouvernance;
pub mod identifiant;
pub mod jeton;
pub mod montant;
pub mod organisation;
pub mod periode;
pub mod pilotage;
pub mod portail;
pub mod portefeuille;
pub mod rappel;
pub mod rapport;
pub mod realisation;
pub mod recherche;
pub mod referentiel;
pub mod renouvellement;
pub mod schema_api;
pub mod siren;
pub mod strategie;
pub mod tableau_de_bord;
pub mod territoire;
mod texte;

pub use code_insee::CodeInsee;
pub use date_partielle::DatePartielle;
pub use erreur::ErreurDomaine;
pub use identifiant::IdContrat;
pub use montant::Montant;
pub use periode::Periode;
pub use siren::Siren;
