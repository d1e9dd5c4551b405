//! Pilote's storage: one body of queries serving SQLite (the embedded default) and PostgreSQL,
//! through sqlx's `Any` driver. Dialect differences are confined to [`migration`] (DDL) and to
//! the few queries that name a [`Backend`].

pub mod acces_medical;
pub mod administration;
pub mod annuaire;
pub mod compte;
pub mod connexion;
pub mod contrat;
pub mod demo;
pub mod donnees_de_reference;
pub mod error;
pub mod export;
mod generation;
pub mod geographie;
pub mod import;
pub mod invitation;
pub mod journal;
mod ligne;
mod lot;
mod memoire;
mod migration;
pub mod mot_de_passe;
pub mod portail;
pub mod portefeuille;
pub mod rappel;
mod repertoire;
pub mod sauvegarde;
pub mod session;

use std::str::FromStr;
use std::sync::Arc;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Connection, Transaction};

pub use error::StoreError;
pub use journal::Auteur;
use pilote_domain::IdContrat;
use pilote_domain::autorisation::Role;

use contrat::fiche::FicheLue;
use memoire::Memoire;

/// The PostgreSQL advisory lock under which an instance does its start-up work (migrating the
/// schema, loading the official geography, the demo contracts, the first administrator), so
/// that instances starting together on one database do it once.
const VERROU_DEMARRAGE: i64 = 0x7069_6c6f_7465;

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

/// A [`Store`]'s settings: how many connections it keeps, by backend, and the lifetimes and
/// thresholds of what it guards (sessions, sign-in attempts, invitations), in seconds. The
/// defaults suit each backend: SQLite has one writer at a time whatever the pool, so its
/// readers get their own connections and its writers queue on one; PostgreSQL serves readers
/// and writers from one pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reglages {
    /// Connections for reads (SQLite) or for everything (PostgreSQL); `None`: the backend's
    /// default.
    pub connexions: Option<u32>,
    /// How long a session lasts from sign-in.
    pub duree_session: i64,
    /// Failed sign-ins allowed for an address within [`Self::fenetre_echecs`]; the next
    /// attempts are refused without checking the password for [`Self::blocage`].
    pub echecs_permis: i64,
    pub fenetre_echecs: i64,
    pub blocage: i64,
    /// How long an invitation can be accepted.
    pub duree_invitation: i64,
    /// How long the journal is kept, in months of 30 days (what its page says).
    pub conservation_journal_mois: u32,
}

impl Default for Reglages {
    fn default() -> Self {
        Self {
            connexions: None,
            duree_session: session::DUREE,
            echecs_permis: connexion::ECHECS_PERMIS,
            fenetre_echecs: connexion::FENETRE,
            blocage: connexion::BLOCAGE,
            duree_invitation: invitation::DUREE,
            conservation_journal_mois: journal::CONSERVATION_MOIS,
        }
    }
}

impl Reglages {
    /// Connections for reads on SQLite by default: one per core or so, each read being short.
    pub const CONNEXIONS_SQLITE: u32 = 8;
    /// Connections on PostgreSQL by default (its own default ceiling is 100).
    pub const CONNEXIONS_POSTGRES: u32 = 32;
}

/// A handle on the database, cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    /// Reads (SQLite), or everything (PostgreSQL).
    pool: AnyPool,
    /// Writes: on SQLite one connection, so that writers queue in order instead of fighting
    /// for the file's lock; on PostgreSQL the same pool as reads.
    ecrivain: AnyPool,
    backend: Backend,
    /// How to connect as the account that owns the tables (maintenance).
    options: AnyConnectOptions,
    /// The journal's entries of reads, written off the request path.
    lectures: journal::Tampon,
    /// Fiches-actions read for their pages, kept while the counter of changes has not moved.
    fiches_lues: Arc<Memoire<(IdContrat, String), FicheLue>>,
    /// Sessions by their token's fingerprint, kept while the counter of changes has not moved.
    sessions: Arc<Memoire<String, session::SessionGardee>>,
    /// Every contract and the geography, as the portfolios show them, kept while the counter
    /// of changes has not moved.
    portefeuille: Arc<portefeuille::PortefeuilleGarde>,
    /// The published contracts as the public portal shows them, kept likewise.
    portail: Arc<portail::PortailGarde>,
    /// The counter of changes as last read.
    compteur: Arc<generation::Generation>,
    /// The territories searched by name, for the geography version last read.
    repertoire: repertoire::RepertoireGarde,
    reglages: Reglages,
}

impl Store {
    /// Opens the database at `url` with the default settings, creating the SQLite file if
    /// needed, and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::ouvrir(url, Reglages::default()).await
    }

    /// Its settings.
    pub fn reglages(&self) -> Reglages {
        self.reglages
    }

    /// Opens the database at `url` with `reglages`, creating the SQLite file if needed, and
    /// applies pending migrations.
    #[tracing::instrument(skip_all)]
    pub async fn ouvrir(url: &str, reglages: Reglages) -> Result<Self, StoreError> {
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
            // Instances starting together migrate once: the others wait for the lock, then
            // find nothing left to do. Closing the connection releases it in any case.
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(VERROU_DEMARRAGE)
                .execute(&migrateur)
                .await?;
            migration::migrate(&migrateur, backend).await?;
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(VERROU_DEMARRAGE)
                .execute(&migrateur)
                .await?;
            migrateur.close().await;
        }
        let pool_de = |connexions: u32| {
            AnyPoolOptions::new()
                .max_connections(connexions)
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
        };
        let connexions = match backend {
            // An in-memory SQLite database exists once per connection: keep it on one.
            Backend::Sqlite if en_memoire => 1,
            Backend::Sqlite => reglages.connexions.unwrap_or(Reglages::CONNEXIONS_SQLITE),
            Backend::Postgres => reglages.connexions.unwrap_or(Reglages::CONNEXIONS_POSTGRES),
        };
        if connexions == 0 {
            return Err(StoreError::Invalid(
                "le nombre de connexions à la base doit être d'au moins 1".to_owned(),
            ));
        }
        let (pool, ecrivain) = match backend {
            Backend::Sqlite if en_memoire => {
                let pool = pool_de(1).connect_with(options.clone()).await?;
                (pool.clone(), pool)
            }
            Backend::Sqlite => {
                let ecrivain = pool_de(1).connect_with(options.clone()).await?;
                // Readers then never wait for the writer; the setting stays with the file, so
                // it is set before the readers connect.
                sqlx::query("PRAGMA journal_mode = WAL")
                    .fetch_optional(&ecrivain)
                    .await?;
                (
                    pool_de(connexions).connect_with(options.clone()).await?,
                    ecrivain,
                )
            }
            Backend::Postgres => {
                let pool = pool_de(connexions).connect_with(options.clone()).await?;
                (pool.clone(), pool)
            }
        };
        if backend == Backend::Sqlite {
            migration::migrate(&ecrivain, backend).await?;
        }
        let lectures = journal::Tampon::demarrer(ecrivain.clone());
        Ok(Self {
            pool,
            ecrivain,
            backend,
            options,
            lectures,
            reglages,
            fiches_lues: Arc::new(Memoire::new(4096)),
            sessions: Arc::new(Memoire::new(16_384)),
            portefeuille: Default::default(),
            portail: Default::default(),
            compteur: Arc::new(generation::Generation::new()),
            repertoire: repertoire::RepertoireGarde::default(),
        })
    }

    pub(crate) fn repertoire(&self) -> &repertoire::RepertoireGarde {
        &self.repertoire
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a read on behalf of `auteur`, carrying their roles for row-level security (see
    /// [`Store::porter_roles`]). It writes nothing and never waits for a writer. All its queries
    /// see one snapshot: SQLite's in WAL mode, `REPEATABLE READ` on PostgreSQL — under `READ
    /// COMMITTED` a contract read in several queries could show its version before a change
    /// and its axes after it.
    pub(crate) async fn lecture(
        &self,
        auteur: &Auteur,
    ) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ")
                    .await?
            }
        };
        self.porter_roles(&mut tx, &auteur.acteur.roles).await?;
        Ok(tx)
    }

    /// Begins a change on behalf of `auteur`, carrying their roles. On SQLite the transaction
    /// takes the write lock at its start (`BEGIN IMMEDIATE`) on the one writer connection, so
    /// that concurrent writers queue instead of failing half-way.
    pub(crate) async fn ecriture(
        &self,
        auteur: &Auteur,
    ) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = self.transaction_ecriture().await?;
        self.porter_roles(&mut tx, &auteur.acteur.roles).await?;
        Ok(tx)
    }

    /// Begins a change that no person's roles bear on (sessions, sign-in, the geography).
    pub(crate) async fn transaction_ecriture(
        &self,
    ) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.ecrivain.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.ecrivain.begin().await?,
        })
    }

    /// Holds the start-up lock ([`VERROU_DEMARRAGE`]) until `tx` ends, on PostgreSQL; on
    /// SQLite the write transaction is exclusive already. Whoever comes second then finds what
    /// the first wrote.
    pub(crate) async fn verrou_de_demarrage(
        &self,
        tx: &mut sqlx::AnyConnection,
    ) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(VERROU_DEMARRAGE)
                .execute(tx)
                .await?;
        }
        Ok(())
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

    /// The counter of changes to what the public may read (see [`avancer_generation`]):
    /// answers kept while it has not moved are still true. Its value is kept a few
    /// milliseconds (see [`generation`]).
    pub async fn generation(&self) -> Result<i64, StoreError> {
        self.compteur.lire(&self.pool).await
    }

    /// Journals a request refused to `auteur` (signed in) off the request's path: what they
    /// asked (`objet`) and why it was refused.
    pub fn journaliser_refus(&self, auteur: &Auteur, objet: String, motif: String) {
        self.lectures
            .consigner_action(auteur, journal::REFUS, objet, Some(motif));
    }

    /// Whether the database answers (a health check: one trivial query).
    pub async fn repond(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Refreshes the planner's statistics after a bulk write (an import): without them
    /// PostgreSQL scans whole tables where an index would do, until its autovacuum comes by.
    /// On PostgreSQL, on a connection of its own as the account that owns the tables (the
    /// pool's run as `pilote_application`). The data is written whatever happens here: a
    /// failure is logged.
    pub(crate) async fn analyser(&self) {
        let resultat = match self.backend {
            Backend::Sqlite => sqlx::query("ANALYZE")
                .execute(&self.ecrivain)
                .await
                .map(drop),
            Backend::Postgres => {
                async {
                    let mut conn = self.connexion_a_part().await?;
                    sqlx::query("ANALYZE").execute(&mut conn).await?;
                    conn.close().await
                }
                .await
            }
        };
        if let Err(e) = resultat {
            tracing::warn!(erreur = %e, "statistiques de la base non rafraîchies");
        }
    }

    /// A connection of its own, outside the pools (what it holds, an advisory lock, goes with
    /// it when it closes).
    pub(crate) async fn connexion_a_part(&self) -> Result<AnyConnection, sqlx::Error> {
        AnyConnection::connect_with(&self.options).await
    }

    /// The pool single statements that write go through (sessions, sign-in attempts).
    pub(crate) fn ecrivain(&self) -> &AnyPool {
        &self.ecrivain
    }

    /// Writes the journal entries of reads still waiting, then closes every connection;
    /// pending work finishes first.
    pub async fn close(&self) {
        self.lectures.vider().await;
        self.ecrivain.close().await;
        self.pool.close().await;
    }
}

/// Loads the shipped geography extract unless the database already holds this version, then
/// computes the territories' summaries that the list of contracts shows where missing (all of
/// them after a new extract).
pub async fn charger_geographie(store: &Store) -> Result<geographie::Chargement, StoreError> {
    let chargement = geographie::charger_extrait(store).await?;
    contrat::resumer_territoires(store).await?;
    Ok(chargement)
}

/// Moves the counter of changes to what the public may read on, as the last statement of the
/// change's transaction: committed with the change, or not at all; once committed, the value
/// this instance kept is forgotten (`Generation::oublier`). A reader reads the counter before
/// the data, so it never keeps former data under the new count.
pub(crate) async fn avancer_generation(conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
    sqlx::query("UPDATE generation_donnees SET valeur = valeur + 1")
        .execute(conn)
        .await?;
    Ok(())
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
