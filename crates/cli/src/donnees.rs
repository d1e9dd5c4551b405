//! `pilote donnees charger | liste`: the reference data (commune centroids, the RPPS extract,
//! the QPV, indicator tables) loaded into the database with their source and vintage, all or
//! nothing; what is loaded, listed.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use pilote_domain::donnees_de_reference::{self, Nature};
use pilote_store::donnees_de_reference::{Declaration, annee_courante, charger, jeux};
use pilote_store::{Auteur, Store};

#[derive(Subcommand)]
pub enum CommandeDonnees {
    /// Loads a file in place of the nature's previous one, once every line is checked; the
    /// previous file stays in use until then.
    Charger {
        /// What the file holds.
        #[arg(long, value_enum)]
        nature: NatureArg,
        /// Who publishes the data, as it will be shown (« IGN, ADMIN EXPRESS »…).
        #[arg(long)]
        source: String,
        /// The year of the data.
        #[arg(long)]
        millesime: String,
        /// Confirms a vintage older than the official geography's or than the one in use.
        #[arg(long)]
        millesime_anterieur: bool,
        /// Sets bad lines aside (and lists them) instead of refusing the file.
        #[arg(long)]
        ecarter_lignes_fautives: bool,
        fichier: PathBuf,
    },
    /// Lists the files loaded, and those missing with where to find them.
    Liste,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum NatureArg {
    Centroides,
    Rpps,
    Qpv,
    Indicateurs,
}

impl From<NatureArg> for Nature {
    fn from(nature: NatureArg) -> Self {
        match nature {
            NatureArg::Centroides => Nature::Centroides,
            NatureArg::Rpps => Nature::Rpps,
            NatureArg::Qpv => Nature::Qpv,
            NatureArg::Indicateurs => Nature::Indicateurs,
        }
    }
}

pub async fn executer(store: &Store, commande: CommandeDonnees) -> Result<()> {
    match commande {
        CommandeDonnees::Charger {
            nature,
            source,
            millesime,
            millesime_anterieur,
            ecarter_lignes_fautives,
            fichier,
        } => {
            let millesime = donnees_de_reference::millesime(&millesime, annee_courante())
                .map_err(anyhow::Error::msg)?;
            let (nom, ouvert, barre) = crate::acces::ouvrir(&fichier)?;
            let declaration = Declaration {
                nature: nature.into(),
                source,
                millesime,
                fichier: fichier
                    .file_name()
                    .map_or(nom.clone(), |n| n.to_string_lossy().into_owned()),
                millesime_confirme: millesime_anterieur,
                ecarter_lignes_fautives,
            };
            let charge = charger(
                store,
                &Auteur::ligne_de_commande(),
                &declaration,
                barre.wrap_read(ouvert),
            )
            .await;
            barre.finish_and_clear();
            let charge = charge?;
            println!(
                "{} : fichier « {} » chargé, {} {} ({}).",
                charge.jeu.nature.libelle(),
                charge.jeu.fichier,
                charge.jeu.lignes,
                charge.jeu.nature.unite(),
                charge.jeu.mention()
            );
            if !charge.lignes_ecartees.is_empty() {
                println!("{} ligne(s) écartée(s) :", charge.lignes_ecartees.len());
                for faute in &charge.lignes_ecartees {
                    println!("  {faute}");
                }
            }
        }
        CommandeDonnees::Liste => {
            let charges = jeux(store).await?;
            for nature in Nature::TOUS {
                match charges.iter().find(|j| j.nature == *nature) {
                    Some(jeu) => println!(
                        "{} : {} {} de {} ({}), chargé le {} par {}",
                        nature.libelle(),
                        jeu.lignes,
                        nature.unite(),
                        jeu.fichier,
                        jeu.mention(),
                        jeu.charge_le_en_lettres(),
                        jeu.charge_par
                    ),
                    None => println!(
                        "{} : aucun fichier chargé ; où le trouver : {}",
                        nature.libelle(),
                        nature.ou_le_trouver()
                    ),
                }
            }
        }
    }
    Ok(())
}
