//! `pilote`: the one binary. `pilote serve` runs the web application (SQLite by default, or
//! PostgreSQL with `--database-url postgres://…`); the other subcommands administer the data.

mod acces;
mod bench;
mod journal;
mod sauvegarde;
mod service;
mod utilisateur;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use pilote_store::import::{self, SiPresent};
use pilote_store::{Reglages, Store};

#[derive(Parser)]
#[command(
    name = "pilote",
    version,
    about = "Pilote : la plateforme des contrats locaux de santé"
)]
struct Cli {
    /// Database: sqlite://FICHIER (created if absent) or postgres://UTILISATEUR@HÔTE/BASE.
    #[arg(
        long,
        global = true,
        env = "PILOTE_DATABASE_URL",
        default_value = "sqlite://pilote.db"
    )]
    database_url: String,
    /// Database connections kept open: for reads on SQLite (writes queue on one more), for
    /// everything on PostgreSQL. Default: 8 on SQLite, 32 on PostgreSQL.
    #[arg(long, global = true, env = "PILOTE_CONNEXIONS")]
    connexions: Option<u32>,
    #[command(subcommand)]
    commande: Commande,
}

#[derive(Subcommand)]
enum Commande {
    /// Serves the pages and the API.
    Serve(Box<service::Options>),
    /// Manages accounts and their roles.
    #[command(subcommand)]
    User(utilisateur::CommandeUtilisateur),
    /// The journal of changes and of reads of unpublished data.
    #[command(subcommand)]
    Journal(journal::CommandeJournal),
    /// Applies pending database migrations and loads the official geography.
    Migrate,
    /// Imports contracts from TOML files (the format of demo/*.toml); all or nothing.
    Import {
        #[arg(required = true)]
        fichiers: Vec<PathBuf>,
    },
    /// Writes a consistent archive of the whole database (sessions and official geography
    /// aside) while the server keeps running; --avec-documents adds the documents' files.
    Backup(sauvegarde::OptionsSauvegarde),
    /// Loads an archive into an empty database, SQLite or PostgreSQL.
    Restore(sauvegarde::OptionsRestauration),
    /// Medical accessibility (the APL indicator) computed from files; no database.
    #[command(subcommand)]
    Access(acces::CommandeAcces),
    /// Measures how long loading the official geography into a fresh SQLite database takes.
    BenchGeographie {
        #[arg(long, default_value_t = 5)]
        repetitions: usize,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let base = Base {
        url: cli.database_url,
        reglages: Reglages {
            connexions: cli.connexions,
        },
    };
    match cli.commande {
        Commande::Access(commande) => acces::executer(commande),
        Commande::Serve(options) => service::servir(ouvrir(&base).await?, *options).await,
        Commande::User(commande) => utilisateur::executer(&ouvrir(&base).await?, commande).await,
        Commande::Journal(commande) => journal::executer(&ouvrir(&base).await?, commande).await,
        Commande::Migrate => {
            ouvrir(&base).await?.close().await;
            println!("Base à jour : schéma migré, géographie officielle chargée.");
            Ok(())
        }
        Commande::Import { fichiers } => importer(&base, &fichiers).await,
        Commande::Backup(options) => sauvegarde::sauvegarder(&base, options).await,
        Commande::Restore(options) => sauvegarde::restaurer(&base, options).await,
        Commande::BenchGeographie { repetitions } => bench::geographie(repetitions).await,
    }
}

/// Where the database is and how to connect to it.
struct Base {
    url: String,
    reglages: Reglages,
}

/// Opens the database (migrating it) and loads the geography if this version is missing.
async fn ouvrir(base: &Base) -> Result<Store> {
    let store = Store::ouvrir(&base.url, base.reglages)
        .await
        .with_context(|| format!("ouverture de la base {}", masquer(&base.url)))?;
    let chargement = pilote_store::charger_geographie(&store)
        .await
        .context("chargement de la géographie")?;
    if chargement.charge {
        println!(
            "Géographie officielle chargée : {} communes, {} EPCI en {:.2} s.",
            chargement.communes,
            chargement.epci,
            chargement.duree.as_secs_f64()
        );
    }
    Ok(store)
}

/// The URL without its password, for messages.
fn masquer(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(debut), Some(arobase)) if arobase > debut => {
            let identite = &url[debut + 3..arobase];
            let utilisateur = identite.split(':').next().unwrap_or_default();
            format!("{}{utilisateur}:***{}", &url[..debut + 3], &url[arobase..])
        }
        _ => url.to_owned(),
    }
}

async fn importer(base: &Base, fichiers: &[PathBuf]) -> Result<()> {
    let mut contrats = Vec::new();
    for fichier in fichiers {
        let contenu = std::fs::read_to_string(fichier)
            .with_context(|| format!("lecture de {}", fichier.display()))?;
        contrats.push(import::lire(&fichier.display().to_string(), &contenu)?);
    }
    let store = ouvrir(base).await?;
    let ecrits = import::importer(&store, &contrats, SiPresent::Refuser).await?;
    store.close().await;
    println!(
        "{} contrat(s) importé(s) : {}.",
        ecrits.len(),
        ecrits
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}
