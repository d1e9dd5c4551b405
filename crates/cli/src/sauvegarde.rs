//! `pilote backup FICHIER` and `pilote restore FICHIER` (ADR 0017): the archive of a whole
//! database, taken while the server runs, and its loading into an empty database of either
//! backend; with the documents' files when asked, read from and put back into the document
//! storage named as for `pilote serve`. `-` stands for standard output or input.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Args;
use pilote_stockage::{Cle, Depot, ErreurStockage, Stockage};
use pilote_store::Store;
use pilote_store::sauvegarde::{self, Bilan, Fichiers, Futur};
use tokio::io::{AsyncWrite, BufReader};

use crate::configuration::{Configuration, masquer_url as masquer};

/// The document storage of the configuration (`documents`, as `pilote serve` uses it).
fn documents(configuration: &Configuration) -> Result<StockageDocuments> {
    let stockage = pilote_stockage::depuis_adresse(&configuration.documents)
        .map_err(|e| anyhow::anyhow!("documents : {e}"))?;
    Ok(StockageDocuments(stockage))
}

#[derive(Args)]
pub struct OptionsSauvegarde {
    /// The archive to write (JSON Lines); `-` for standard output.
    fichier: PathBuf,
    /// Also puts the documents' files in the archive, read from --documents.
    #[arg(long)]
    avec_documents: bool,
}

#[derive(Args)]
pub struct OptionsRestauration {
    /// The archive to load; `-` for standard input; the documents' files it holds are put
    /// back into --documents.
    fichier: PathBuf,
}

/// The document storage seen by the store as [`Fichiers`]. A reference that is not a key of
/// the storage (an address typed in by hand) names no file.
struct StockageDocuments(Arc<dyn Stockage>);

impl Fichiers for StockageDocuments {
    fn lire<'a>(&'a self, cle: &'a str) -> Futur<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let Ok(cle) = Cle::parse(cle) else {
                return Ok(None);
            };
            match self.0.lire(&cle).await {
                Ok(octets) => Ok(Some(octets)),
                Err(ErreurStockage::Introuvable { .. }) => Ok(None),
                Err(e) => Err(e.to_string()),
            }
        })
    }

    fn deposer<'a>(&'a self, cle: &'a str, octets: Vec<u8>) -> Futur<'a, ()> {
        Box::pin(async move {
            let cle = Cle::parse(cle).map_err(|e| e.to_string())?;
            let depot = Depot::depuis_octets(&octets)
                .await
                .map_err(|e| format!("fichier temporaire : {e}"))?;
            self.0
                .deposer(&cle, depot, "application/octet-stream")
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn supprimer<'a>(&'a self, cle: &'a str) -> Futur<'a, ()> {
        Box::pin(async move {
            let cle = Cle::parse(cle).map_err(|e| e.to_string())?;
            self.0.supprimer(&cle).await.map_err(|e| e.to_string())
        })
    }
}

/// The SQLite file a URL names, if it names one.
fn fichier_sqlite(url: &str) -> Option<&Path> {
    let chemin = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let chemin = chemin.split('?').next().unwrap_or_default();
    (!chemin.is_empty() && !chemin.contains(":memory:")).then(|| Path::new(chemin))
}

/// `pilote backup`: messages go to the error output, so that `-` writes only the archive.
pub async fn sauvegarder(configuration: &Configuration, options: OptionsSauvegarde) -> Result<()> {
    // A backup never creates the database it is asked to save.
    if let Some(fichier) = fichier_sqlite(&configuration.database_url)
        && !fichier.exists()
    {
        bail!(
            "la base {} n'existe pas : rien à sauvegarder (indiquez --database-url)",
            fichier.display()
        );
    }
    let documents = if options.avec_documents {
        Some(documents(configuration)?)
    } else {
        None
    };
    // Opened without loading the geography: a backup writes nothing to the database.
    let url = &configuration.database_url;
    let store = Store::ouvrir(url, configuration.reglages_store())
        .await
        .with_context(|| format!("ouverture de la base {}", masquer(url)))?;
    let fichiers = documents.as_ref().map(|d| d as &dyn Fichiers);
    let bilan = if options.fichier == Path::new("-") {
        ecrire(&store, tokio::io::stdout(), fichiers).await?
    } else {
        ecrire_fichier(&store, &options.fichier, fichiers).await?
    };
    store.close().await;
    let ou = if options.fichier == Path::new("-") {
        "sur la sortie standard".to_owned()
    } else {
        format!("dans {}", options.fichier.display())
    };
    eprintln!("Sauvegarde écrite {ou} : {}.", resume(&bilan));
    if !bilan.documents_absents.is_empty() {
        eprintln!(
            "Attention : {} document(s) sans fichier dans le stockage, laissé(s) de côté : {}.",
            bilan.documents_absents.len(),
            bilan.documents_absents.join(", ")
        );
    }
    Ok(())
}

async fn ecrire<W: AsyncWrite + Unpin + Send>(
    store: &Store,
    sortie: W,
    fichiers: Option<&dyn Fichiers>,
) -> Result<Bilan> {
    sauvegarde::sauvegarder(store, sortie, fichiers)
        .await
        .context("sauvegarde interrompue")
}

/// Writes the archive beside `chemin`, then renames it: a backup cut short never leaves a
/// file under the name of a complete one.
async fn ecrire_fichier(
    store: &Store,
    chemin: &Path,
    fichiers: Option<&dyn Fichiers>,
) -> Result<Bilan> {
    let mut provisoire = chemin.as_os_str().to_owned();
    provisoire.push(".partielle");
    let provisoire = PathBuf::from(provisoire);
    let fichier = tokio::fs::File::create(&provisoire)
        .await
        .with_context(|| format!("création de {}", provisoire.display()))?;
    match ecrire(store, fichier, fichiers).await {
        Ok(bilan) => {
            tokio::fs::rename(&provisoire, chemin)
                .await
                .with_context(|| format!("écriture de {}", chemin.display()))?;
            Ok(bilan)
        }
        Err(e) => {
            let _ = tokio::fs::remove_file(&provisoire).await;
            Err(e)
        }
    }
}

/// `pilote restore`.
pub async fn restaurer(configuration: &Configuration, options: OptionsRestauration) -> Result<()> {
    let documents = documents(configuration)?;
    let nom = options.fichier.display().to_string();
    let entree: Box<dyn tokio::io::AsyncRead + Unpin + Send> = if options.fichier == Path::new("-")
    {
        Box::new(tokio::io::stdin())
    } else {
        Box::new(
            tokio::fs::File::open(&options.fichier)
                .await
                .with_context(|| format!("lecture de {nom}"))?,
        )
    };
    let store = crate::ouvrir(configuration).await?;
    let resultat = sauvegarde::restaurer(
        &store,
        BufReader::with_capacity(256 * 1024, entree),
        Some(&documents),
    )
    .await;
    store.close().await;
    let bilan = resultat.with_context(|| format!("restauration de {nom}"))?;
    println!(
        "Sauvegarde du {} (Pilote {}) restaurée dans {} : {}.",
        bilan.en_tete.date,
        bilan.en_tete.pilote,
        masquer(&configuration.database_url),
        resume(&bilan)
    );
    if bilan.documents > 0 {
        println!("Documents remis dans {}.", documents.0.decrire());
    } else if !bilan.en_tete.documents {
        println!(
            "La sauvegarde ne contenait pas les fichiers des documents : copiez-les à part \
             dans {}.",
            documents.0.decrire()
        );
    }
    println!("Les sessions ne sont pas restaurées : chacun se reconnecte.");
    Ok(())
}

/// « 1234 lignes de 42 tables (8 contrats, 2 comptes), 3 documents (1,2 Mo) ».
fn resume(bilan: &Bilan) -> String {
    let table = |nom: &str| {
        bilan
            .tables
            .iter()
            .find(|(t, _)| t == nom)
            .map_or(0, |(_, n)| *n)
    };
    let mut texte = format!(
        "{} lignes de {} tables ({} contrat(s), {} compte(s))",
        bilan.lignes(),
        bilan.tables.len(),
        table("contrat"),
        table("utilisateur")
    );
    if bilan.en_tete.documents {
        let mo = format!("{:.1}", bilan.octets_documents as f64 / 1_000_000.0);
        texte.push_str(&format!(
            ", {} document(s) ({} Mo)",
            bilan.documents,
            mo.replace('.', ",")
        ));
    }
    texte
}
