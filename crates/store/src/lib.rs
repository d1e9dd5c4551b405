//! Pilote's storage: one body of queries serving SQLite (the embedded default) and PostgreSQL,
//! through sqlx's `Any` driver. Dialect differences are confined to [`migration`] (DDL) and to
//! the few queries that name a [`Backend`].

pub mod annuaire;
pub mod compte;
pub mod connexion;
pub mod contrat;
pub mod demo;
pub mod error;
pub mod geographie;
pub mod import;
pub mod invitation;
pub mod journal;
mod ligne;
mod migration;
pub mod session;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Transaction};

pub use error::StoreError;
pub use journal::Auteur;
use pilote_domain::autorisation::Role;

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
        if backend == Backend::Postgres {
            // Migrations run as the account that connects; the application's own queries then
            // run as `pilote_application`, which row-level security applies to.
            let migrateur = AnyPoolOptions::new()
                .max_connections(1)
                .connect_with(options.clone())
                .await?;
            migration::migrate(&migrateur, backend).await?;
            migrateur.close().await;
        }
        let pool = AnyPoolOptions::new()
            // An in-memory SQLite database exists once per connection: keep it on one.
            .max_connections(match backend {
                Backend::Sqlite if en_memoire => 1,
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .after_connect(move |connexion, _| {
                Box::pin(async move {
                    if backend == Backend::Postgres {
                        sqlx::query("SET ROLE pilote_application")
                            .execute(connexion)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite {
            if !en_memoire {
                // Readers then never wait for the writer; the setting stays with the file.
                sqlx::query("PRAGMA journal_mode = WAL")
                    .fetch_optional(&pool)
                    .await?;
            }
            migration::migrate(&pool, backend).await?;
        }
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction on behalf of `auteur`, carrying their roles for row-level security
    /// (see [`Store::porter_roles`]).
    pub(crate) async fn transaction(
        &self,
        auteur: &Auteur,
    ) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = self.pool.begin().await?;
        self.porter_roles(&mut tx, &auteur.acteur.roles).await?;
        Ok(tx)
    }

    /// On PostgreSQL, hands `roles` (one per line, in their text form) to the row-level
    /// security policies for the rest of the transaction: the database's own copy of the
    /// authorization policy, a second layer behind the store's.
    pub(crate) async fn porter_roles(
        &self,
        tx: &mut sqlx::AnyConnection,
        roles: &[Role],
    ) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            let roles: Vec<String> = roles.iter().map(ToString::to_string).collect();
            sqlx::query("SELECT set_config('pilote.roles', $1, true)")
                .bind(roles.join("\n"))
                .fetch_one(tx)
                .await?;
        }
        Ok(())
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
