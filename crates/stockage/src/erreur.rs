//! What can go wrong when storing a document. Messages are French: they reach the logs and,
//! for a bad address, the person configuring Pilote. They never contain a secret key.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// An error of a [`Stockage`](crate::Stockage), of a [`Cle`](crate::Cle) or of an address.
#[derive(Debug, Error)]
pub enum ErreurStockage {
    #[error("clé de document invalide « {cle} » : {raison}")]
    CleInvalide { cle: String, raison: &'static str },

    #[error("document introuvable : « {cle} »")]
    Introuvable { cle: String },

    /// A malformed storage address; `adresse` has its credentials masked.
    #[error("adresse de stockage invalide « {adresse} » : {raison}")]
    Adresse { adresse: String, raison: String },

    /// A malformed S3 setting (endpoint, region, bucket).
    #[error("configuration S3 invalide : {0}")]
    Configuration(String),

    #[error("type MIME invalide « {0} »")]
    TypeMime(String),

    #[error("aucune source d'aléa disponible pour nommer le document : {0}")]
    Alea(String),

    #[error("dossier local : impossible {operation} « {chemin} » : {source}")]
    Fichier {
        operation: &'static str,
        chemin: PathBuf,
        source: io::Error,
    },

    /// The temporary file of a deposit ([`crate::Depot`]) could not be written or read back.
    #[error("fichier temporaire du document « {chemin} » : {source}")]
    Temporaire { chemin: PathBuf, source: io::Error },

    /// The S3 server could not be reached, or its answer not read; `cause` is the whole
    /// chain of causes (« connexion refusée »…).
    #[error("S3 : serveur injoignable pour {operation} « {cible} » : {cause}")]
    Reseau {
        operation: &'static str,
        cible: String,
        cause: String,
    },

    /// The S3 server answered with an error status; `detail` holds the `<Code>` and
    /// `<Message>` of its answer when it gave them, and a French hint for the usual codes.
    #[error("S3 : le serveur a refusé {operation} « {cible} » (HTTP {statut}{detail})")]
    S3 {
        operation: &'static str,
        cible: String,
        statut: u16,
        detail: String,
    },
}
