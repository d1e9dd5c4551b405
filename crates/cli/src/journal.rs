//! `pilote journal list | purge`: read the latest entries, delete those past the retention.

use anyhow::Result;
use clap::Subcommand;
use pilote_store::{Store, journal};

#[derive(Subcommand)]
pub enum CommandeJournal {
    /// Prints the latest entries, newest first.
    List {
        #[arg(long, default_value_t = 50)]
        nombre: u32,
    },
    /// Deletes the entries older than the retention.
    Purge {
        /// Retention in months (of 30 days).
        #[arg(long, env = "PILOTE_JOURNAL_RETENTION_MOIS", default_value_t = 12)]
        retention_mois: u32,
    },
}

pub async fn executer(store: &Store, commande: CommandeJournal) -> Result<()> {
    match commande {
        CommandeJournal::List { nombre } => {
            for e in journal::dernieres(store, nombre).await? {
                let quand = time::OffsetDateTime::from_unix_timestamp(e.horodatage)?
                    .format(&time::format_description::well_known::Rfc3339)?;
                println!(
                    "{quand}\t{}\t{}\t{}\t{}{}",
                    e.qui,
                    e.origine,
                    e.action,
                    e.objet,
                    e.detail.map(|d| format!("\t{d}")).unwrap_or_default()
                );
            }
        }
        CommandeJournal::Purge { retention_mois } => {
            let supprimees = journal::purger(store, retention_mois.saturating_mul(30)).await?;
            println!(
                "Journal : {supprimees} entrée(s) de plus de {retention_mois} mois supprimée(s)."
            );
        }
    }
    Ok(())
}
