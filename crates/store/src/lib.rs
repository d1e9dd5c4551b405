//! Pilote's storage: one body of queries serving SQLite (the embedded default) and PostgreSQL,
//! through sqlx's `Any` driver. Dialect differences are confined to [`migration`] (DDL) and to
//! the few queries that name a [`Backend`].

pub mod compte;
pub mod connexion;
pub mod contrat;
pub mod demo;
pub mod error;
pub mod geographie;
pub mod import;
pub mod invitation;
pub mod journal;
pub mod session;
mod ligne;
mod migration;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Transaction};

pub use error::StoreError;
pub use journal::Auteur;

/// The database behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Reads the backend from a database URL; the error names the URL's scheme.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            _ => Err(StoreError::Invalid(format!(
                "adresse de base de données non prise en charge « {scheme}: » : \
                 utilisez sqlite://CHEMIN ou postgres://UTILISATEUR@HÔTE/BASE"
            ))),
        }
    }
}

/// A handle on the database, cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens the database at `url`, creating the SQLite file if needed, and applies pending
    /// migrations.
    #[tracing::instrument(skip_all)]
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") && !url.contains(":memory:") => {
                let separator = if url.contains('?') { '&' } else { '?' };
                format!("{url}{separator}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(|e| {
            StoreError::Invalid(format!("adresse de base de données invalide : {e}"))
        })?;
        let en_memoire = url.contains(":memory:");
        let pool = AnyPoolOptions::new()
            // An in-memory SQLite database exists once per connection: keep it on one.
            .max_connections(match backend {
                Backend::Sqlite if en_memoire => 1,
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite && !en_memoire {
            // Readers then never wait for the writer; the setting stays with the file.
            sqlx::query("PRAGMA journal_mode = WAL")
                .fetch_optional(&pool)
                .await?;
        }
        let store = Self { pool, backend };
        migration::migrate(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction on behalf of `auteur`. On PostgreSQL it carries their roles
    /// (`pilote.roles`, one role per line), which the row-level security policies read: the
    /// database's own copy of the authorization policy, a second layer behind the store's.
    pub(crate) async fn transaction(
        &self,
        auteur: &Auteur,
    ) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            let roles: Vec<String> = auteur.acteur.roles.iter().map(ToString::to_string).collect();
            sqlx::query("SELECT set_config('pilote.roles', $1, true)")
                .bind(roles.join("\n"))
                .fetch_one(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// Closes every connection; pending work finishes first.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The current time in Unix seconds, as compared (expiries, retention).
pub(crate) fn horloge() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The current UTC time, as stored (RFC 3339).
pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
