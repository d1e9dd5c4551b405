//! The store's errors: what callers must tell apart (not found, conflict, invalid input) and
//! the rest, which is logged once at the edge and never shown to users in detail.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The thing asked for does not exist; the message names it.
    #[error("{0}")]
    NotFound(String),
    /// The write collides with what is stored (an existing identifier, a stale version).
    #[error("{0}")]
    Conflict(String),
    /// A save based on a version that is no longer the current one; the message says what
    /// changed since.
    #[error("{message}")]
    Perime { actuelle: i64, message: String },
    /// The person may see the thing but not do this to it; the message says what was refused.
    #[error("{0}")]
    Refuse(String),
    /// The input breaks a rule; the message, in French, names the faulty value.
    #[error("{0}")]
    Invalid(String),
    /// Stored data that cannot be read back (a code that no longer parses…).
    #[error("donnée stockée illisible : {0}")]
    Corrupt(String),
    #[error("erreur de la base de données : {0}")]
    Database(sqlx::Error),
}

/// What a person is told of a write that collided with another made at the same moment.
pub const SIMULTANE: &str = "une autre modification a été enregistrée au même moment : \
    rechargez la page pour voir son effet, puis enregistrez de nouveau";

impl From<sqlx::Error> for StoreError {
    /// A refusal the database makes because of a concurrent change (a lock it could not take,
    /// a uniqueness or reference a simultaneous write broke, a serialization failure) is a
    /// conflict, told as such; anything else is an internal error.
    fn from(e: sqlx::Error) -> Self {
        let concurrence = match &e {
            sqlx::Error::Database(base) => matches!(
                base.code().as_deref(),
                // SQLite: busy, busy (snapshot), locked, unique, primary key, foreign key.
                Some("5" | "517" | "6" | "2067" | "1555" | "787")
                // PostgreSQL: unique, foreign key, serialization failure, deadlock.
                | Some("23505" | "23503" | "40001" | "40P01")
            ),
            _ => false,
        };
        if concurrence {
            StoreError::Conflict(SIMULTANE.to_owned())
        } else {
            StoreError::Database(e)
        }
    }
}

impl From<pilote_domain::ErreurDomaine> for StoreError {
    fn from(e: pilote_domain::ErreurDomaine) -> Self {
        StoreError::Invalid(e.to_string())
    }
}
