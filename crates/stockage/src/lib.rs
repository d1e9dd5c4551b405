//! Where the documents attached to fiches-actions live: a local folder by default
//! ([`DossierLocal`]), S3-compatible object storage for larger deployments ([`S3`]), both behind
//! the object-safe trait [`Stockage`] so that the application holds an `Arc<dyn Stockage>`
//! chosen at start-up from an address ([`depuis_adresse`]).
//!
//! The storage only keeps bytes under a validated key ([`Cle`]); the document's metadata (its
//! original name, MIME type, size, author) belongs to the database.

mod adresse;
mod cle;
mod depot;
mod erreur;
mod local;
mod s3;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

pub use adresse::{Adresse, depuis_adresse};
pub use cle::Cle;
pub use depot::Depot;
pub use erreur::ErreurStockage;
pub use local::DossierLocal;
pub use s3::{ConfigS3, S3};

/// The future every [`Stockage`] method returns: boxed, so that the trait stays object safe.
pub type Futur<'a, T> = Pin<Box<dyn Future<Output = Result<T, ErreurStockage>> + Send + 'a>>;

/// A place that keeps documents under keys.
pub trait Stockage: Send + Sync + fmt::Debug {
    /// Stores the bytes of `depot` under `cle`, replacing whatever was there, without reading
    /// them into memory. Readers see either the old document or the new one, never a part of it.
    fn deposer<'a>(&'a self, cle: &'a Cle, depot: Depot, type_mime: &'a str) -> Futur<'a, ()>;

    /// The document stored under `cle`; [`ErreurStockage::Introuvable`] when there is none.
    fn lire<'a>(&'a self, cle: &'a Cle) -> Futur<'a, Vec<u8>>;

    /// Removes the document stored under `cle`. Removing a missing document is not an error.
    fn supprimer<'a>(&'a self, cle: &'a Cle) -> Futur<'a, ()>;

    /// A short French description for the logs, without secrets: « dossier local /srv/docs »,
    /// « S3 https://s3.example.fr/pilote ».
    fn decrire(&self) -> String;
}
