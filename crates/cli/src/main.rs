//! `pilote`: the one binary. `pilote serve` runs the web application (SQLite by default, or
//! PostgreSQL with `--database-url postgres://…`); the other subcommands administer the data.

mod bench;
mod utilisateur;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use pilote_store::import::{self, SiPresent};
use pilote_store::{Store, demo, geographie};
use pilote_web::{AppState, app};

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
    #[command(subcommand)]
    commande: Commande,
}

#[derive(Subcommand)]
enum Commande {
    /// Serves the pages and the API.
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "PILOTE_LISTEN", default_value = "127.0.0.1:3000")]
        listen: SocketAddr,
        /// Loads the demo contracts (Caen, Creusot-Montceau, Soissons) missing from the database.
        #[arg(long)]
        demo: bool,
        /// Text shown in the page header.
        #[arg(long, env = "PILOTE_TITRE", default_value = "Pilote")]
        titre: String,
        /// On a database without any account, creates this administrator and prints a
        /// one-time password.
        #[arg(long, env = "PILOTE_ADMIN_EMAIL")]
        admin_email: Option<String>,
    },
    /// Manages accounts and their roles.
    #[command(subcommand)]
    User(utilisateur::CommandeUtilisateur),
    /// Applies pending database migrations and loads the official geography.
    Migrate,
    /// Imports contracts from TOML files (the format of demo/*.toml); all or nothing.
    Import {
        #[arg(required = true)]
        fichiers: Vec<PathBuf>,
    },
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
    match cli.commande {
        Commande::Serve {
            listen,
            demo,
            titre,
            admin_email,
        } => {
            let store = ouvrir(&cli.database_url).await?;
            if let Some(email) = admin_email {
                utilisateur::premier_administrateur(&store, &email).await?;
            }
            serve(store, listen, demo, titre).await
        }
        Commande::User(commande) => {
            utilisateur::executer(&ouvrir(&cli.database_url).await?, commande).await
        }
        Commande::Migrate => {
            ouvrir(&cli.database_url).await?.close().await;
            println!("Base à jour : schéma migré, géographie officielle chargée.");
            Ok(())
        }
        Commande::Import { fichiers } => importer(&cli.database_url, &fichiers).await,
        Commande::BenchGeographie { repetitions } => bench::geographie(repetitions).await,
    }
}

/// Opens the database (migrating it) and loads the geography if this version is missing.
async fn ouvrir(url: &str) -> Result<Store> {
    let store = Store::open(url)
        .await
        .with_context(|| format!("ouverture de la base {}", masquer(url)))?;
    let chargement = geographie::charger(&store)
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

async fn serve(store: Store, listen: SocketAddr, avec_demo: bool, titre: String) -> Result<()> {
    if avec_demo {
        let ecrits = demo::charger(&store)
            .await
            .context("chargement des contrats de démonstration")?;
        println!("Contrats de démonstration ajoutés : {}.", ecrits.len());
    }
    let ecoute = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("impossible d'écouter sur {listen}"))?;
    println!("Pilote répond sur http://{listen}/");
    axum::serve(
        ecoute,
        app(AppState {
            store: store.clone(),
            titre,
        }),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    store.close().await;
    Ok(())
}

async fn importer(url: &str, fichiers: &[PathBuf]) -> Result<()> {
    let mut contrats = Vec::new();
    for fichier in fichiers {
        let contenu = std::fs::read_to_string(fichier)
            .with_context(|| format!("lecture de {}", fichier.display()))?;
        contrats.push(import::lire(&fichier.display().to_string(), &contenu)?);
    }
    let store = ouvrir(url).await?;
    let ecrits = import::importer(&store, &contrats, SiPresent::Refuser).await?;
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
