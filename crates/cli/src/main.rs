//! `pilote`: the one binary. `pilote serve` runs the web application (SQLite by default, or
//! PostgreSQL with `--database-url postgres://…`); the other subcommands administer the data.

mod acces;
mod bench;
mod configuration;
mod donnees;
mod journal;
mod sauvegarde;
mod service;
mod utilisateur;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use pilote_store::Store;
use pilote_store::import::{self, SiPresent};

use configuration::{Configuration, FormatJournaux, Surcharges, masquer_url};

#[derive(Parser)]
#[command(
    name = "pilote",
    version,
    about = "Pilote : la plateforme des contrats locaux de santé"
)]
struct Cli {
    /// Every setting, also read from a TOML file (--config) and from PILOTE_* variables.
    #[command(flatten)]
    surcharges: Surcharges,
    #[command(subcommand)]
    commande: Commande,
}

#[derive(Subcommand)]
enum Commande {
    /// Serves the pages and the API.
    Serve,
    /// Prints the effective configuration (defaults, file, environment, options), secrets
    /// masked.
    Config,
    /// Manages accounts and their roles.
    #[command(subcommand)]
    User(utilisateur::CommandeUtilisateur),
    /// The journal of changes and of reads of unpublished data.
    #[command(subcommand)]
    Journal(journal::CommandeJournal),
    /// Sends the reminders due now (steps, targets, meetings, the weekly digest) and the
    /// e-mails waiting in the queue, as the server does every hour: for a cron, and for tests.
    /// --a-blanc lists what would be queued, and sends and writes nothing.
    Rappels {
        #[arg(long)]
        a_blanc: bool,
    },
    /// Applies pending database migrations and loads the official geography.
    Migrate,
    /// Imports contracts from TOML files (the format of demo/*.toml) or from spreadsheets (XLSX,
    /// ODS: sheets Contrat, Axes, Objectifs, Fiches-actions, Budget, Indicateurs); all or nothing.
    Import {
        #[arg(required = true)]
        fichiers: Vec<PathBuf>,
    },
    /// Writes a consistent archive of the whole database (sessions and official geography
    /// aside) while the server keeps running; --avec-documents adds the documents' files.
    Backup(sauvegarde::OptionsSauvegarde),
    /// Loads an archive into an empty database, SQLite or PostgreSQL.
    Restore(sauvegarde::OptionsRestauration),
    /// Reference data (commune centroids, RPPS, QPV, indicators): loaded with its source and
    /// vintage, all or nothing, and listed.
    #[command(subcommand)]
    Donnees(donnees::CommandeDonnees),
    /// Medical accessibility (the APL indicator) computed from files; no database.
    #[command(subcommand)]
    Access(acces::CommandeAcces),
    /// Measures how long loading the official geography into a fresh SQLite database takes.
    BenchGeographie {
        #[arg(long, default_value_t = 5)]
        repetitions: usize,
    },
}

/// mimalloc rather than the system's allocator: a kept answer served costs a few dozen small
/// allocations, and glibc's malloc was the top of the server's profile (ADR 0026).
#[global_allocator]
static ALLOCATEUR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let configuration = Configuration::charger(&cli.surcharges)?;
    journaux(&configuration);
    match cli.commande {
        Commande::Access(commande) => acces::executer(commande),
        Commande::Config => {
            print!("{}", configuration.afficher()?);
            Ok(())
        }
        Commande::Serve => service::servir(ouvrir(&configuration).await?, &configuration).await,
        Commande::User(commande) => {
            utilisateur::executer(&ouvrir(&configuration).await?, commande).await
        }
        Commande::Donnees(commande) => {
            let store = ouvrir(&configuration).await?;
            let issue = donnees::executer(&store, commande).await;
            store.close().await;
            issue
        }
        Commande::Journal(commande) => {
            journal::executer(&ouvrir(&configuration).await?, commande, &configuration).await
        }
        Commande::Rappels { a_blanc } => {
            rappels(&ouvrir(&configuration).await?, &configuration, a_blanc).await
        }
        Commande::Migrate => {
            ouvrir(&configuration).await?.close().await;
            println!("Base à jour : schéma migré, géographie officielle chargée.");
            Ok(())
        }
        Commande::Import { fichiers } => importer(&configuration, &fichiers).await,
        Commande::Backup(options) => sauvegarde::sauvegarder(&configuration, options).await,
        Commande::Restore(options) => sauvegarde::restaurer(&configuration, options).await,
        Commande::BenchGeographie { repetitions } => bench::geographie(repetitions).await,
    }
}

/// Logs as the configuration says (`RUST_LOG`, when set, chooses what is logged).
fn journaux(configuration: &Configuration) {
    let filtre = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| configuration.niveau_journaux.as_str().into());
    let journaux = tracing_subscriber::fmt().with_env_filter(filtre);
    match configuration.format_journaux {
        FormatJournaux::Texte => journaux.init(),
        FormatJournaux::Json => journaux.json().flatten_event(true).init(),
    }
}

/// Opens the database (migrating it) and loads the geography if this version is missing.
async fn ouvrir(configuration: &Configuration) -> Result<Store> {
    let url = &configuration.database_url;
    let store = Store::ouvrir(url, configuration.reglages_store())
        .await
        .with_context(|| format!("ouverture de la base {}", masquer_url(url)))?;
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

async fn importer(configuration: &Configuration, fichiers: &[PathBuf]) -> Result<()> {
    let mut contrats = Vec::new();
    for fichier in fichiers {
        let nom = fichier.display().to_string();
        let extension = fichier.extension().and_then(|e| e.to_str());
        let contrat = match extension.map(str::to_lowercase).as_deref() {
            // A spreadsheet: every fault named by sheet, line and column.
            Some("xlsx" | "ods") => {
                let octets = std::fs::read(fichier).with_context(|| format!("lecture de {nom}"))?;
                import::tableur::lire(octets).map_err(|erreurs| {
                    let lignes: Vec<String> = erreurs.iter().map(|e| format!("  - {e}")).collect();
                    anyhow::anyhow!("{nom} : {} erreur(s)\n{}", lignes.len(), lignes.join("\n"))
                })?
            }
            _ => {
                let contenu = std::fs::read_to_string(fichier)
                    .with_context(|| format!("lecture de {nom}"))?;
                import::lire(&nom, &contenu)?
            }
        };
        contrats.push(contrat);
    }
    let store = ouvrir(configuration).await?;
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

/// `pilote rappels [--a-blanc]`.
async fn rappels(store: &Store, configuration: &Configuration, a_blanc: bool) -> Result<()> {
    let url = service::url_publique(configuration)?;
    if a_blanc {
        let prevus = pilote_web::rappels::a_blanc(store, &url).await?;
        for p in &prevus {
            println!("{}\t{}\t{}", p.destinataire, p.contrat, p.sujet);
        }
        println!(
            "À blanc : {} rappel(s) à mettre en file, rien n'est envoyé.",
            prevus.len()
        );
    } else {
        let expediteur = service::expediteur(configuration)?;
        match pilote_web::rappels::tournee(store, &*expediteur, &url).await? {
            Some(b) => println!(
                "Rappels : {} mis en file, {} envoyé(s), {} reporté(s) après un refus du serveur \
                 de courriel, {} abandonné(s).",
                b.mis_en_file, b.envoyes, b.reportes, b.echecs
            ),
            None => {
                println!("Rappels : une autre instance les envoie en ce moment ; rien à faire.")
            }
        }
    }
    store.close().await;
    Ok(())
}
