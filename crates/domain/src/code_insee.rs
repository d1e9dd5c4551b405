//! The INSEE code of a commune (code officiel géographique): five characters, the first two
//! or three naming the département.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ErreurDomaine;

/// A well-formed INSEE commune code: metropolitan (`01001`…`95690`), Corsica (`2A004`, `2B033`),
/// overseas départements and collectivités (`97101`, `97502`, `98818`…), and the municipal
/// arrondissements of Paris, Lyon and Marseille (`75101`, `69381`, `13201`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CodeInsee(String);

impl CodeInsee {
    pub fn parse(valeur: &str) -> Result<Self, ErreurDomaine> {
        let erreur = |raison| ErreurDomaine::CodeInsee {
            valeur: valeur.to_owned(),
            raison,
        };
        let code = valeur.trim().to_ascii_uppercase();
        if code.len() != 5 || !code.is_ascii() {
            return Err(erreur("un code INSEE compte exactement 5 caractères"));
        }
        let (tete, reste) = code.split_at(2);
        if !reste.bytes().all(|b| b.is_ascii_digit()) {
            return Err(erreur(
                "les trois derniers caractères doivent être des chiffres",
            ));
        }
        match tete {
            "2A" | "2B" => {}
            "20" => {
                return Err(erreur(
                    "la Corse s'écrit 2A (Corse-du-Sud) ou 2B (Haute-Corse) depuis 1976",
                ));
            }
            _ => {
                let departement: u8 = tete
                    .parse()
                    .map_err(|_| erreur("le département doit être 01 à 95, 2A, 2B, 97 ou 98"))?;
                if !(1..=95).contains(&departement) && departement != 97 && departement != 98 {
                    return Err(erreur("le département doit être 01 à 95, 2A, 2B, 97 ou 98"));
                }
            }
        }
        let numero = if matches!(tete, "97" | "98") {
            &reste[1..]
        } else {
            reste
        };
        if numero.bytes().all(|b| b == b'0') {
            return Err(erreur("le numéro de commune ne peut pas être nul"));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The département code: two characters, or three overseas (`971`, `976`, `988`…).
    pub fn departement(&self) -> &str {
        if self.0.starts_with("97") || self.0.starts_with("98") {
            &self.0[..3]
        } else {
            &self.0[..2]
        }
    }
}

crate::texte::depuis_texte!(CodeInsee);

impl fmt::Display for CodeInsee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::schema_de_chaine!(
    CodeInsee,
    crate::schema_api::chaine(
        "Code officiel géographique (INSEE) d'une commune.",
        "14118",
        Some(r"^(\d{5}|2[AB]\d{3})$"),
    )
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepte_les_codes_metropolitains_corses_et_ultramarins() {
        for code in [
            "01001", "14118", "02722", "2A004", "2B033", "97101", "97411", "97502",
        ] {
            assert_eq!(CodeInsee::parse(code).unwrap().as_str(), code);
        }
        for code in ["98818", "97701", "75101", "69381", "13201"] {
            assert!(CodeInsee::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn normalise_la_casse_et_les_espaces_de_la_corse() {
        assert_eq!(CodeInsee::parse(" 2a004 ").unwrap().as_str(), "2A004");
    }

    #[test]
    fn donne_le_departement() {
        assert_eq!(CodeInsee::parse("14118").unwrap().departement(), "14");
        assert_eq!(CodeInsee::parse("2B033").unwrap().departement(), "2B");
        assert_eq!(CodeInsee::parse("97411").unwrap().departement(), "974");
    }

    #[test]
    fn refuse_les_codes_mal_formes() {
        for code in [
            "", "1411", "141180", "20004", "2C004", "96001", "99101", "00001", "14000",
        ] {
            assert!(
                CodeInsee::parse(code).is_err(),
                "{code} devrait être refusé"
            );
        }
        for code in ["14A18", "971 1", "1411é"] {
            assert!(
                CodeInsee::parse(code).is_err(),
                "{code} devrait être refusé"
            );
        }
    }

    #[test]
    fn le_message_nomme_la_valeur_fautive() {
        let message = CodeInsee::parse("20004").unwrap_err().to_string();
        assert!(message.contains("« 20004 »"), "{message}");
        assert!(message.contains("2A"), "{message}");
    }

    #[test]
    fn se_deserialise_depuis_une_chaine_en_validant() {
        let ok: CodeInsee = serde_json::from_str("\"2A004\"").unwrap();
        assert_eq!(ok.as_str(), "2A004");
        assert!(serde_json::from_str::<CodeInsee>("\"99999\"").is_err());
    }
}
