//! The stable, readable identifier of a contract, used in its URL (`/contrats/caen-2019`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ErreurDomaine;

/// 3 to 64 characters among lowercase ASCII letters, digits and inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdContrat(String);

impl IdContrat {
    pub fn parse(valeur: &str) -> Result<Self, ErreurDomaine> {
        let erreur = |raison| ErreurDomaine::IdContrat {
            valeur: valeur.to_owned(),
            raison,
        };
        if !(3..=64).contains(&valeur.len()) {
            return Err(erreur("il doit compter de 3 à 64 caractères"));
        }
        if !valeur
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(erreur(
                "seuls les minuscules sans accent, chiffres et tirets sont permis",
            ));
        }
        if valeur.starts_with('-') || valeur.ends_with('-') || valeur.contains("--") {
            return Err(erreur("les tirets ne peuvent être ni au bord ni doublés"));
        }
        Ok(Self(valeur.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::texte::depuis_texte!(IdContrat);

impl fmt::Display for IdContrat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::schema_de_chaine!(
    IdContrat,
    crate::schema_api::chaine(
        "Identifiant stable d'un contrat : 3 à 64 caractères parmi les minuscules sans accent, les chiffres et des tirets intérieurs.",
        "caen-2019",
        Some(r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    )
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepte_un_identifiant_lisible() {
        assert_eq!(IdContrat::parse("caen-2019").unwrap().as_str(), "caen-2019");
    }

    #[test]
    fn refuse_ce_qui_ne_va_pas_dans_une_adresse() {
        for s in [
            "ab",
            "Caen-2019",
            "caen 2019",
            "-caen",
            "caen-",
            "caen--2019",
            "soissons/2",
        ] {
            assert!(IdContrat::parse(s).is_err(), "{s}");
        }
    }
}
