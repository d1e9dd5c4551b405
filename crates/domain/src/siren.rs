//! The SIREN number identifying a legal entity (an EPCI, a hospital, an association…).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ErreurDomaine;

/// Nine digits whose Luhn checksum holds. (La Poste's exception to the Luhn rule concerns its
/// SIRET numbers, not its SIREN `356000000`, which satisfies it.)
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

impl Siren {
    pub fn parse(valeur: &str) -> Result<Self, ErreurDomaine> {
        let erreur = |raison| ErreurDomaine::Siren {
            valeur: valeur.to_owned(),
            raison,
        };
        let chiffres: String = valeur.chars().filter(|c| !c.is_whitespace()).collect();
        if chiffres.len() != 9 || !chiffres.bytes().all(|b| b.is_ascii_digit()) {
            return Err(erreur("un SIREN compte exactement 9 chiffres"));
        }
        if !luhn(&chiffres) {
            return Err(erreur("la clé de contrôle (Luhn) est fausse"));
        }
        Ok(Self(chiffres))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn luhn(chiffres: &str) -> bool {
    let somme: u32 = chiffres
        .bytes()
        .rev()
        .enumerate()
        .map(|(rang, b)| {
            let c = u32::from(b - b'0');
            if rang % 2 == 1 {
                let double = c * 2;
                if double > 9 { double - 9 } else { double }
            } else {
                c
            }
        })
        .sum();
    somme.is_multiple_of(10)
}

crate::texte::depuis_texte!(Siren);

impl fmt::Display for Siren {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::schema_de_chaine!(
    Siren,
    crate::schema_api::chaine(
        "Numéro SIREN d'une organisation : neuf chiffres.",
        "213101181",
        Some(r"^\d{9}$"),
    )
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepte_des_siren_reels() {
        // CU Le Creusot Montceau-les-Mines, Ville de Caen, La Poste.
        for siren in ["247100290", "211401187", "356000000"] {
            assert_eq!(Siren::parse(siren).unwrap().as_str(), siren);
        }
        assert_eq!(Siren::parse("247 100 290").unwrap().as_str(), "247100290");
    }

    #[test]
    fn refuse_une_mauvaise_cle() {
        let erreur = Siren::parse("247100588").unwrap_err().to_string();
        assert!(
            erreur.contains("Luhn") && erreur.contains("247100588"),
            "{erreur}"
        );
    }

    #[test]
    fn refuse_une_mauvaise_longueur_ou_des_lettres() {
        for siren in ["", "24710058", "2471002900", "24710058A"] {
            assert!(Siren::parse(siren).is_err(), "{siren}");
        }
    }
}
