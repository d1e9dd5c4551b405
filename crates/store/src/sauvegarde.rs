//! Backup and restore (ADR 0017): [`sauvegarder`] writes everything the database holds —
//! contracts and all their parts, the directory, accounts and roles, invitations, history,
//! journal; sessions and the official geography excepted — as one portable archive, read in
//! one transaction so that it is a consistent snapshot while the application keeps writing;
//! [`restaurer`] loads an archive into an empty database of either backend, all or nothing.
//! With [`Fichiers`], the documents' files travel in the archive too.
//!
//! The format ([`archive`]) is JSON Lines; the list of tables and the schema's reading are in
//! [`tables`]; [`restauration`] reads an archive back.

mod archive;
mod restauration;
mod tables;

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use futures_util::TryStreamExt;
use sqlx::{Any, AnyConnection, Connection, Transaction};
use tokio::io::AsyncWrite;

pub use archive::EnTete;
pub use restauration::restaurer;

use crate::{Backend, Store, StoreError};

/// What the journal names a backup's read: everything.
pub const OBJET_JOURNAL: &str = "base entière";

/// The future a [`Fichiers`] method returns; its error, in French, names what failed.
pub type Futur<'a, T> = Pin<Box<dyn Future<Output = Result<T, String>> + Send + 'a>>;

/// The tables whose rows name a document's file (`reference`): of fiches-actions, of
/// diagnostics.
const TABLES_DE_DOCUMENTS: [&str; 2] = ["document", "document_diagnostic"];

/// Where the documents' files are read from for a backup and put back on a restore, by the
/// key their row names (`document.reference`, `document_diagnostic.reference`). The store knows documents only by their keys:
/// the caller hands it the document storage behind this trait.
pub trait Fichiers: Send + Sync {
    /// The file stored under `cle`; `None` when there is none.
    fn lire<'a>(&'a self, cle: &'a str) -> Futur<'a, Option<Vec<u8>>>;
    /// Stores `octets` under `cle`.
    fn deposer<'a>(&'a self, cle: &'a str, octets: Vec<u8>) -> Futur<'a, ()>;
    /// Removes the file under `cle` (a restore undone); a missing one is not an error.
    fn supprimer<'a>(&'a self, cle: &'a str) -> Futur<'a, ()>;
}

/// What a backup wrote, or a restore loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bilan {
    pub en_tete: EnTete,
    /// Rows per table, in the archive's order.
    pub tables: Vec<(String, u64)>,
    /// Documents' files written or put back.
    pub documents: u64,
    /// Their size, in bytes.
    pub octets_documents: u64,
    /// Documents whose row names a file the storage did not hold (a backup goes on without
    /// them; each is logged).
    pub documents_absents: Vec<String>,
}

impl Bilan {
    /// Rows in every table.
    pub fn lignes(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// The connection a backup or a restore works on: on SQLite one of the store's; on
/// PostgreSQL one of its own, as the account that owns the tables, to which row-level
/// security does not apply (the pools' connections act as `pilote_application`) and which may
/// set the identity counters.
enum Connexion {
    Pool(sqlx::pool::PoolConnection<Any>),
    Proprietaire(AnyConnection),
}

impl Connexion {
    async fn ouvrir(store: &Store, pour_ecrire: bool) -> Result<Self, StoreError> {
        Ok(match store.backend {
            Backend::Sqlite if pour_ecrire => Self::Pool(store.ecrivain.acquire().await?),
            Backend::Sqlite => Self::Pool(store.pool.acquire().await?),
            Backend::Postgres => {
                Self::Proprietaire(AnyConnection::connect_with(&store.options).await?)
            }
        })
    }

    /// Begins the transaction: on SQLite a read sees the snapshot of its first statement (WAL),
    /// a write takes the lock at once; on PostgreSQL a read is `REPEATABLE READ`, one snapshot
    /// for every statement. The administrator's role is carried in case row-level security
    /// applies to the account after all (not the tables' owner).
    async fn commencer(
        &mut self,
        store: &Store,
        pour_ecrire: bool,
    ) -> Result<Transaction<'_, Any>, StoreError> {
        let debut = match (store.backend, pour_ecrire) {
            (Backend::Sqlite, true) => "BEGIN IMMEDIATE",
            (Backend::Sqlite, false) => "BEGIN",
            (Backend::Postgres, true) => "BEGIN",
            (Backend::Postgres, false) => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        };
        let conn: &mut AnyConnection = match self {
            Self::Pool(c) => c,
            Self::Proprietaire(c) => c,
        };
        let mut tx = conn.begin_with(debut).await?;
        store
            .porter_roles(
                &mut tx,
                &[pilote_domain::autorisation::Role::Administrateur],
            )
            .await?;
        Ok(tx)
    }

    async fn fermer(self) {
        if let Self::Proprietaire(c) = self {
            let _ = c.close().await;
        }
    }
}

/// The last migration the database holds, and the geography it loaded.
async fn versions(conn: &mut AnyConnection) -> Result<(i64, String), StoreError> {
    let schema: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migration")
        .fetch_one(&mut *conn)
        .await?;
    let geographie: Option<String> = sqlx::query_scalar("SELECT version FROM geographie_version")
        .fetch_optional(conn)
        .await?;
    match (schema, geographie) {
        (Some(schema), Some(geographie)) => Ok((schema, geographie)),
        _ => Err(StoreError::Invalid(
            "la base n'est pas prête : lancez d'abord « pilote migrate »".to_owned(),
        )),
    }
}

/// Writes the archive of everything the database holds to `sortie`; with `documents`, the
/// files of the documents too. Every table is read in one transaction, so the archive is the
/// database as it was at one instant, every change acknowledged before the call included,
/// while the application goes on reading and writing. A document whose file the storage no
/// longer holds (removed meanwhile) is left out and named in the [`Bilan`]. The backup is
/// journaled as a read of everything ([`OBJET_JOURNAL`]), after the archive.
#[tracing::instrument(skip_all, fields(documents = documents.is_some()))]
pub async fn sauvegarder<W: AsyncWrite + Unpin + Send>(
    store: &Store,
    sortie: W,
    documents: Option<&dyn Fichiers>,
) -> Result<Bilan, StoreError> {
    // The journal's reads still waiting go in first.
    store.lectures.vider().await;
    let mut connexion = Connexion::ouvrir(store, false).await?;
    let mut tx = connexion.commencer(store, false).await?;
    // The first statement fixes the snapshot every table is then read from.
    let (schema, geographie) = versions(&mut tx).await?;
    tables::verifier_schema(&mut tx, store.backend).await?;
    let en_tete = EnTete {
        format: archive::FORMAT.to_owned(),
        version: archive::VERSION_FORMAT,
        pilote: env!("CARGO_PKG_VERSION").to_owned(),
        schema,
        geographie,
        date: crate::now(),
        documents: documents.is_some(),
    };
    let mut ecrivain = archive::Ecrivain::new(sortie);
    ecrivain.ligne(&en_tete).await?;
    let mut bilan = Bilan {
        en_tete,
        tables: Vec::new(),
        documents: 0,
        octets_documents: 0,
        documents_absents: Vec::new(),
    };
    let mut cles = BTreeSet::new();
    for table in tables::TABLES {
        let lignes = ecrire_table(
            &mut tx,
            store.backend,
            table.nom,
            &mut ecrivain,
            documents.is_some().then_some(&mut cles),
        )
        .await?;
        bilan.tables.push((table.nom.to_owned(), lignes));
    }
    tx.rollback().await?;
    connexion.fermer().await;
    if let Some(fichiers) = documents {
        for cle in cles {
            match fichiers.lire(&cle).await.map_err(StoreError::Invalid)? {
                Some(octets) => {
                    ecrivain.document(&cle, &octets).await?;
                    bilan.documents += 1;
                    bilan.octets_documents += octets.len() as u64;
                }
                None => {
                    tracing::warn!(%cle, "document sans fichier, laissé hors de la sauvegarde");
                    bilan.documents_absents.push(cle);
                }
            }
        }
    }
    ecrivain.finir(bilan.lignes(), bilan.documents).await?;
    // A read of everything, unpublished data and accounts included: journaled as such.
    store.lectures.consigner(
        &crate::Auteur::ligne_de_commande(),
        OBJET_JOURNAL.to_owned(),
        Some(format!(
            "sauvegarde : {} lignes, {} documents",
            bilan.lignes(),
            bilan.documents
        )),
    );
    Ok(bilan)
}

/// Writes `table`'s section and rows (ordered by identifier, or by every column, so that two
/// archives of the same data compare line by line); returns how many. With `cles`, gathers
/// the documents' keys.
async fn ecrire_table<W: AsyncWrite + Unpin>(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    ecrivain: &mut archive::Ecrivain<W>,
    mut cles: Option<&mut BTreeSet<String>>,
) -> Result<u64, StoreError> {
    let colonnes = tables::colonnes(conn, backend, table).await?;
    let identite = tables::identite(conn, backend, table).await?;
    let dernier_identifiant = match &identite {
        Some(colonne) => tables::dernier_identifiant(conn, backend, table, colonne).await?,
        None => None,
    };
    ecrivain
        .ligne(&archive::SectionTable {
            table: table.to_owned(),
            colonnes: colonnes.iter().map(|c| (c.nom.clone(), c.genre)).collect(),
            dernier_identifiant,
        })
        .await?;
    let noms: Vec<&str> = colonnes.iter().map(|c| c.nom.as_str()).collect();
    let ordre = match &identite {
        Some(colonne) => colonne.clone(),
        None => (1..=colonnes.len())
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let reference = TABLES_DE_DOCUMENTS
        .contains(&table)
        .then(|| noms.iter().position(|n| *n == "reference"))
        .flatten();
    let sql = format!("SELECT {} FROM {table} ORDER BY {ordre}", noms.join(", "));
    let mut lignes = 0;
    let mut flux = sqlx::query(&sql).fetch(&mut *conn);
    while let Some(row) = flux.try_next().await? {
        let valeurs = colonnes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                c.genre
                    .lire(&row, i)
                    .map_err(|e| StoreError::Corrupt(format!("{table}.{} : {e}", c.nom)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let (Some(cles), Some(i)) = (cles.as_deref_mut(), reference)
            && let Some(cle) = valeurs[i].as_str()
        {
            cles.insert(cle.to_owned());
        }
        ecrivain.ligne(&valeurs).await?;
        lignes += 1;
    }
    Ok(lignes)
}
