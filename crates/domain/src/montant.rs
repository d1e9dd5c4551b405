//! Amounts of money, held in cents so that budget sums are exact.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ErreurDomaine;

/// A non-negative amount in euros, stored as a whole number of cents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Montant(i64);

impl Montant {
    pub fn depuis_centimes(centimes: i64) -> Result<Self, ErreurDomaine> {
        if centimes < 0 {
            return Err(ErreurDomaine::Montant {
                valeur: format!("{centimes}"),
                raison: "un montant ne peut pas être négatif",
            });
        }
        Ok(Self(centimes))
    }

    /// Reads « 12000 », « 12 000,50 », « 12000.50 € ».
    pub fn parse(valeur: &str) -> Result<Self, ErreurDomaine> {
        let erreur = |raison| ErreurDomaine::Montant {
            valeur: valeur.to_owned(),
            raison,
        };
        let nettoye: String = valeur
            .trim()
            .trim_end_matches('€')
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let (euros, centimes) = nettoye.split_once('.').unwrap_or((&nettoye, ""));
        let chiffres = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !chiffres(euros) || (!centimes.is_empty() && !chiffres(centimes)) {
            return Err(erreur(
                "attendu un nombre d'euros, par exemple 12 000 ou 1 500,50",
            ));
        }
        if centimes.len() > 2 {
            return Err(erreur("au plus deux chiffres après la virgule"));
        }
        let euros: i64 = euros.parse().map_err(|_| erreur("montant trop grand"))?;
        let centimes: i64 = format!("{centimes:0<2}").parse().unwrap_or(0);
        euros
            .checked_mul(100)
            .and_then(|e| e.checked_add(centimes))
            .map(Self)
            .ok_or_else(|| erreur("montant trop grand"))
    }

    pub fn centimes(&self) -> i64 {
        self.0
    }

    /// French notation: « 12 000 € », « 1 500,50 € ».
    pub fn en_euros(&self) -> String {
        let groupes = milliers(self.0.unsigned_abs() / 100);
        match self.0 % 100 {
            0 => format!("{groupes}\u{a0}€"),
            c => format!("{groupes},{c:02}\u{a0}€"),
        }
    }
}

/// A whole number with its thousands separated by narrow no-break spaces, as French writes
/// them (« 109 400 »).
pub fn milliers(n: u64) -> String {
    let chiffres = n.to_string();
    let mut groupes = String::with_capacity(chiffres.len() + chiffres.len() / 3 * 3);
    for (i, c) in chiffres.chars().enumerate() {
        if i > 0 && (chiffres.len() - i).is_multiple_of(3) {
            groupes.push('\u{202f}');
        }
        groupes.push(c);
    }
    groupes
}

impl fmt::Display for Montant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en_euros())
    }
}

impl Serialize for Montant {
    /// Serialized as a decimal string of euros (« 1500.50 »), exact in JSON.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}.{:02}", self.0 / 100, self.0 % 100))
    }
}

impl<'de> Deserialize<'de> for Montant {
    /// Accepts a whole number of euros or a string (« 1 500,50 »); never a float, which
    /// would not be exact.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Forme {
            Entier(i64),
            Texte(String),
        }
        let montant = match Forme::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "montant attendu : un nombre entier d'euros ou un texte comme \"1 500,50\"",
            )
        })? {
            Forme::Entier(euros) => euros
                .checked_mul(100)
                .ok_or_else(|| ErreurDomaine::Montant {
                    valeur: euros.to_string(),
                    raison: "montant trop grand",
                })
                .and_then(Montant::depuis_centimes),
            Forme::Texte(texte) => Montant::parse(&texte),
        };
        montant.map_err(serde::de::Error::custom)
    }
}

crate::schema_de_chaine!(
    Montant,
    crate::schema_api::chaine(
        "Montant en euros, écrit en texte décimal exact avec deux chiffres après le point.",
        "15000.00",
        Some(r"^\d+\.\d{2}$"),
    )
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lit_les_ecritures_courantes() {
        assert_eq!(Montant::parse("12000").unwrap().centimes(), 1_200_000);
        assert_eq!(Montant::parse("12 000,5").unwrap().centimes(), 1_200_050);
        assert_eq!(Montant::parse("1500.50 €").unwrap().centimes(), 150_050);
    }

    #[test]
    fn s_ecrit_a_la_francaise() {
        assert_eq!(
            Montant::parse("1234567").unwrap().en_euros(),
            "1\u{202f}234\u{202f}567\u{a0}€"
        );
        assert_eq!(
            Montant::parse("1500,5").unwrap().en_euros(),
            "1\u{202f}500,50\u{a0}€"
        );
    }

    #[test]
    fn separe_les_milliers() {
        assert_eq!(milliers(0), "0");
        assert_eq!(milliers(999), "999");
        assert_eq!(milliers(109_400), "109\u{202f}400");
        assert_eq!(milliers(2_103_778), "2\u{202f}103\u{202f}778");
    }

    #[test]
    fn refuse_le_negatif_et_le_mal_forme() {
        for s in ["", "-5", "12,345", "douze", "1.2.3"] {
            assert!(Montant::parse(s).is_err(), "{s}");
        }
        assert!(serde_json::from_str::<Montant>("-3").is_err());
        assert!(serde_json::from_str::<Montant>("3.5").is_err());
        assert_eq!(
            serde_json::from_str::<Montant>("\"3,5\"")
                .unwrap()
                .centimes(),
            350
        );
        assert_eq!(
            serde_json::to_string(&Montant::parse("3,5").unwrap()).unwrap(),
            "\"3.50\""
        );
    }
}
