//! `pilote user add | list | grant | revoke | reset`, and the first administrator created on an
//! empty database. A password printed here is provisional: the person must change it at their
//! first sign-in.

use anyhow::{Context, Result};
use clap::Subcommand;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::{Store, administration, compte};

#[derive(Subcommand)]
pub enum CommandeUtilisateur {
    /// Creates an account and prints its provisional password, to be changed at first sign-in.
    Add {
        email: String,
        #[arg(long)]
        nom: Option<String>,
    },
    /// Lists the accounts and their roles.
    List,
    /// Grants a role: administrateur, ars:national, ars:region:CODE, ars:departement:CODE,
    /// coordinateur:CONTRAT, pilote:CONTRAT:FICHE, partenaire:CONTRAT.
    Grant { email: String, role: String },
    /// Withdraws a role (same forms as grant).
    Revoke { email: String, role: String },
    /// Issues a new provisional password (to be changed at the next sign-in) and closes every
    /// session of the account.
    Reset { email: String },
}

/// What follows a provisional password printed for `email`.
fn consigne(mot_de_passe: &str) -> String {
    format!(
        "Mot de passe provisoire, à changer à la première connexion (affiché une seule fois) : \
         {mot_de_passe}"
    )
}

pub async fn executer(store: &Store, commande: CommandeUtilisateur) -> Result<()> {
    match commande {
        CommandeUtilisateur::Add { email, nom } => {
            let email = Email::parse(&email)?;
            let mot_de_passe =
                compte::creer_avec_mot_de_passe_provisoire(store, &email, nom.as_deref(), &[])
                    .await?;
            println!("Compte « {email} » créé. {}", consigne(&mot_de_passe));
        }
        CommandeUtilisateur::List => {
            let comptes = compte::lister(store).await?;
            if comptes.is_empty() {
                println!("Aucun compte.");
            }
            for c in comptes {
                let roles: Vec<String> = c.roles.iter().map(ToString::to_string).collect();
                println!(
                    "{}\t{}\t{}",
                    c.email,
                    c.nom.unwrap_or_default(),
                    if roles.is_empty() {
                        "(aucun rôle)".to_owned()
                    } else {
                        roles.join(", ")
                    }
                );
            }
        }
        CommandeUtilisateur::Grant { email, role } => {
            let (email, role) = (Email::parse(&email)?, Role::parse(&role)?);
            administration::attribuer_par_adresse(store, &email, &role).await?;
            println!("Rôle {role} attribué à « {email} ».");
        }
        CommandeUtilisateur::Revoke { email, role } => {
            let (email, role) = (Email::parse(&email)?, Role::parse(&role)?);
            administration::retirer_par_adresse(store, &email, &role).await?;
            println!("Rôle {role} retiré à « {email} ».");
        }
        CommandeUtilisateur::Reset { email } => {
            let email = Email::parse(&email)?;
            let mot_de_passe = administration::reinitialiser_par_adresse(store, &email).await?;
            println!(
                "Mot de passe de « {email} » réinitialisé, ses sessions fermées. {}",
                consigne(&mot_de_passe)
            );
        }
    }
    Ok(())
}

/// On a database without any account, creates `email` as administrator and prints its
/// provisional password once (to be changed at first sign-in); does nothing when accounts
/// exist.
pub async fn premier_administrateur(store: &Store, email: &str) -> Result<()> {
    let email = Email::parse(email).context("--admin-email")?;
    if let Some(mot_de_passe) = compte::creer_premier_administrateur(store, &email).await? {
        println!(
            "Administrateur « {email} » créé. {}",
            consigne(&mot_de_passe)
        );
    }
    Ok(())
}
