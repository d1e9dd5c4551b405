//! `pilote journal list | purge`: read the latest entries, delete those past the retention.

use anyhow::Result;
use clap::Subcommand;
use pilote_store::{Store, journal};

use crate::configuration::Configuration;

#[derive(Subcommand)]
pub enum CommandeJournal {
    /// Prints the latest entries, newest first.
    List {
        #[arg(long, default_value_t = 50)]
        nombre: u32,
    },
    /// Deletes the entries older than the retention (`journal_conservation_mois` of the
    /// configuration).
    Purge,
}

pub async fn executer(
    store: &Store,
    commande: CommandeJournal,
    configuration: &Configuration,
) -> Result<()> {
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
        CommandeJournal::Purge => {
            let mois = configuration.journal_conservation_mois;
            let supprimees = journal::purger(store, mois.saturating_mul(30)).await?;
            println!("Journal : {supprimees} entrée(s) de plus de {mois} mois supprimée(s).");
        }
    }
    Ok(())
}
