//! Accounts: e-mail addresses, passwords (length rules, Argon2id hashes) and the text form of
//! roles used by the command line (`coordinateur:caen-2019`, `ars:region:28`…).

use std::fmt;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::IdContrat;
use crate::autorisation::{Perimetre, Role};

/// Why an account value is refused; the message names the value, never a password.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ErreurCompte {
    #[error("adresse électronique invalide « {0} »")]
    Email(String),
    #[error("mot de passe trop court : {MIN_MOT_DE_PASSE} caractères au moins")]
    MotDePasseCourt,
    #[error("mot de passe trop long : {MAX_MOT_DE_PASSE} caractères au plus")]
    MotDePasseLong,
    #[error(
        "rôle inconnu « {0} » ; formes possibles : administrateur, ars:national, ars:region:CODE, \
         ars:departement:CODE, coordinateur:CONTRAT, pilote:CONTRAT:FICHE, partenaire:CONTRAT"
    )]
    Role(String),
    #[error("empreinte de mot de passe illisible")]
    Empreinte,
}

pub const MIN_MOT_DE_PASSE: usize = 12;
pub const MAX_MOT_DE_PASSE: usize = 128;

/// A lowercased e-mail address with one `@`, a local part and a dotted domain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(valeur: &str) -> Result<Self, ErreurCompte> {
        let email = valeur.trim().to_lowercase();
        let valide = match email.split_once('@') {
            Some((local, domaine)) => {
                !local.is_empty()
                    && !domaine.contains('@')
                    && domaine.contains('.')
                    && !domaine.starts_with('.')
                    && !domaine.ends_with('.')
                    && email.len() <= 254
                    && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if valide {
            Ok(Self(email))
        } else {
            Err(ErreurCompte::Email(valeur.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Email {
    type Err = ErreurCompte;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = ErreurCompte;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

/// The rule every password must meet, chosen or issued: from [`MIN_MOT_DE_PASSE`] to
/// [`MAX_MOT_DE_PASSE`] characters.
pub fn mot_de_passe_admis(mot_de_passe: &str) -> Result<(), ErreurCompte> {
    let longueur = mot_de_passe.chars().count();
    if longueur < MIN_MOT_DE_PASSE {
        return Err(ErreurCompte::MotDePasseCourt);
    }
    if longueur > MAX_MOT_DE_PASSE {
        return Err(ErreurCompte::MotDePasseLong);
    }
    Ok(())
}

/// Hashes a password with Argon2id (a fresh random salt each time) after checking it meets
/// [`mot_de_passe_admis`].
pub fn empreinte(mot_de_passe: &str) -> Result<String, ErreurCompte> {
    mot_de_passe_admis(mot_de_passe)?;
    let sel = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(mot_de_passe.as_bytes(), &sel)
        .map(|h| h.to_string())
        .map_err(|_| ErreurCompte::Empreinte)
}

/// Whether `mot_de_passe` matches a stored Argon2 hash.
pub fn verifier(mot_de_passe: &str, empreinte: &str) -> Result<bool, ErreurCompte> {
    let empreinte = PasswordHash::new(empreinte).map_err(|_| ErreurCompte::Empreinte)?;
    Ok(Argon2::default()
        .verify_password(mot_de_passe.as_bytes(), &empreinte)
        .is_ok())
}

/// A random password of 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I),
/// for one-time passwords given out on the command line.
pub fn mot_de_passe_aleatoire() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20)
        .map(|_| {
            // Rejection sampling keeps every character equally likely.
            loop {
                let tirage = (OsRng.next_u32() & 0xff) as usize;
                if tirage < ALPHABET.len() * (256 / ALPHABET.len()) {
                    return char::from(ALPHABET[tirage % ALPHABET.len()]);
                }
            }
        })
        .collect()
}

impl Role {
    /// Reads the text form of a role (see [`ErreurCompte::Role`] for the forms).
    pub fn parse(texte: &str) -> Result<Self, ErreurCompte> {
        let erreur = || ErreurCompte::Role(texte.to_owned());
        let contrat = |s: &str| IdContrat::parse(s).map_err(|_| erreur());
        let parties: Vec<&str> = texte.trim().split(':').collect();
        Ok(match parties.as_slice() {
            ["administrateur"] => Role::Administrateur,
            ["ars", "national"] => Role::AgentArs {
                perimetre: Perimetre::National,
            },
            ["ars", "region", code] if !code.is_empty() => Role::AgentArs {
                perimetre: Perimetre::Region((*code).to_owned()),
            },
            ["ars", "departement", code] if !code.is_empty() => Role::AgentArs {
                perimetre: Perimetre::Departement(code.to_ascii_uppercase()),
            },
            ["coordinateur", c] => Role::Coordinateur {
                contrat: contrat(c)?,
            },
            ["partenaire", c] => Role::Partenaire {
                contrat: contrat(c)?,
            },
            ["pilote", c, fiche] if !fiche.is_empty() => Role::PiloteAction {
                contrat: contrat(c)?,
                fiche: (*fiche).to_owned(),
            },
            _ => return Err(erreur()),
        })
    }
}

impl fmt::Display for Role {
    /// The text form [`Role::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Administrateur => f.write_str("administrateur"),
            Role::AgentArs {
                perimetre: Perimetre::National,
            } => f.write_str("ars:national"),
            Role::AgentArs {
                perimetre: Perimetre::Region(c),
            } => write!(f, "ars:region:{c}"),
            Role::AgentArs {
                perimetre: Perimetre::Departement(c),
            } => {
                write!(f, "ars:departement:{c}")
            }
            Role::Coordinateur { contrat } => write!(f, "coordinateur:{contrat}"),
            Role::Partenaire { contrat } => write!(f, "partenaire:{contrat}"),
            Role::PiloteAction { contrat, fiche } => write!(f, "pilote:{contrat}:{fiche}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn une_adresse_est_normalisee_ou_refusee() {
        assert_eq!(
            Email::parse(" Marie.Curie@Ville-Caen.FR ")
                .unwrap()
                .as_str(),
            "marie.curie@ville-caen.fr"
        );
        for mauvaise in [
            "",
            "marie",
            "@caen.fr",
            "marie@",
            "marie@caen",
            "ma rie@caen.fr",
            "a@b@c.fr",
            "a@.fr",
        ] {
            assert!(Email::parse(mauvaise).is_err(), "{mauvaise}");
        }
    }

    #[test]
    fn un_mot_de_passe_se_hache_et_se_verifie() {
        let h = empreinte("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verifier("correct horse battery", &h).unwrap());
        assert!(!verifier("correct horse batterie", &h).unwrap());
        assert_ne!(
            h,
            empreinte("correct horse battery").unwrap(),
            "un sel neuf à chaque fois"
        );
    }

    #[test]
    fn la_longueur_du_mot_de_passe_est_bornee() {
        assert_eq!(empreinte("court"), Err(ErreurCompte::MotDePasseCourt));
        assert_eq!(
            empreinte(&"x".repeat(129)),
            Err(ErreurCompte::MotDePasseLong)
        );
        assert_eq!(
            mot_de_passe_admis("court"),
            Err(ErreurCompte::MotDePasseCourt)
        );
        assert_eq!(mot_de_passe_admis(&"é".repeat(12)), Ok(()));
        assert_eq!(mot_de_passe_admis(&mot_de_passe_aleatoire()), Ok(()));
    }

    #[test]
    fn un_mot_de_passe_aleatoire_est_long_et_change() {
        let a = mot_de_passe_aleatoire();
        assert_eq!(a.chars().count(), 20);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(c))
        );
        assert_ne!(a, mot_de_passe_aleatoire());
        assert!(empreinte(&a).is_ok());
    }

    #[test]
    fn un_role_fait_l_aller_retour_en_texte() {
        for texte in [
            "administrateur",
            "ars:national",
            "ars:region:28",
            "ars:departement:2A",
            "coordinateur:caen-2019",
            "partenaire:caen-2019",
            "pilote:caen-2019:1.2",
        ] {
            assert_eq!(Role::parse(texte).unwrap().to_string(), texte);
        }
        for mauvais in [
            "",
            "admin",
            "ars",
            "ars:region:",
            "coordinateur:Caen 2019",
            "pilote:caen-2019",
        ] {
            let erreur = Role::parse(mauvais).unwrap_err().to_string();
            assert!(
                erreur.contains(&format!("« {mauvais} »"))
                    && erreur.contains("coordinateur:CONTRAT"),
                "{erreur}"
            );
        }
    }
}
