//! A date known to the year, the month or the day, as public texts give them
//! (« signé en 2014 », « signé en septembre 2019 », « réunion du 12 mars 2024 »).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ErreurDomaine;

const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `AAAA`, `AAAA-MM` or `AAAA-MM-JJ`; ordered chronologically, a coarser date sorting before
/// the finer ones it contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DatePartielle {
    annee: u16,
    mois: Option<u8>,
    jour: Option<u8>,
}

impl DatePartielle {
    pub fn parse(valeur: &str) -> Result<Self, ErreurDomaine> {
        let erreur = |raison| ErreurDomaine::Date {
            valeur: valeur.to_owned(),
            raison,
        };
        let format = "attendu AAAA, AAAA-MM ou AAAA-MM-JJ";
        let mut parties = valeur.trim().split('-');
        let nombre =
            |partie: Option<&str>, longueur: usize| -> Result<Option<u16>, ErreurDomaine> {
                match partie {
                    None => Ok(None),
                    Some(p) if p.len() == longueur && p.bytes().all(|b| b.is_ascii_digit()) => {
                        Ok(Some(p.parse().map_err(|_| erreur(format))?))
                    }
                    Some(_) => Err(erreur(format)),
                }
            };
        let annee = nombre(parties.next(), 4)?.ok_or_else(|| erreur(format))?;
        let mois = nombre(parties.next(), 2)?;
        let jour = nombre(parties.next(), 2)?;
        if parties.next().is_some() {
            return Err(erreur(format));
        }
        if !(1900..=2200).contains(&annee) {
            return Err(erreur("l'année doit être comprise entre 1900 et 2200"));
        }
        let mois = mois.map(|m| m as u8);
        if let Some(m) = mois
            && !(1..=12).contains(&m)
        {
            return Err(erreur("le mois doit être compris entre 01 et 12"));
        }
        let jour = jour.map(|j| j as u8);
        if let (Some(m), Some(j)) = (mois, jour)
            && (j == 0 || j > jours_dans_le_mois(annee, m))
        {
            return Err(erreur("ce jour n'existe pas dans ce mois"));
        }
        Ok(Self { annee, mois, jour })
    }

    /// A date as a person types it in a form: the French forms `15/03/2022`, `1/3/2022`,
    /// `03/2022` (day and month of one or two digits), or those [`DatePartielle::parse`] reads.
    pub fn lire_saisie(valeur: &str) -> Result<Self, ErreurDomaine> {
        let texte = valeur.trim();
        if !texte.contains('/') {
            return Self::parse(texte);
        }
        let erreur = |raison| ErreurDomaine::Date {
            valeur: texte.to_owned(),
            raison,
        };
        let court = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
        let iso = match texte.split('/').map(str::trim).collect::<Vec<_>>()[..] {
            [jour, mois, annee] if court(jour) && court(mois) => {
                format!("{annee}-{mois:0>2}-{jour:0>2}")
            }
            [mois, annee] if court(mois) => format!("{annee}-{mois:0>2}"),
            _ => return Err(erreur("attendu JJ/MM/AAAA, MM/AAAA ou AAAA")),
        };
        Self::parse(&iso).map_err(|e| match e {
            ErreurDomaine::Date { raison, .. } => erreur(raison),
            autre => autre,
        })
    }

    pub fn annee(&self) -> u16 {
        self.annee
    }

    /// Its month (1 to 12), when known.
    pub fn mois(&self) -> Option<u8> {
        self.mois
    }

    /// Its year, month and day, for a date known to the day.
    pub fn complete(&self) -> Option<(u16, u8, u8)> {
        Some((self.annee, self.mois?, self.jour?))
    }

    /// A whole date, from a calendar's year, month and day.
    pub fn jour(annee: u16, mois: u8, jour: u8) -> Result<Self, ErreurDomaine> {
        Self::parse(&format!("{annee:04}-{mois:02}-{jour:02}"))
    }

    /// The last day the date covers: 31 December for a year, the month's last day for a
    /// month. A step due « in 2025 » is late only once 2025 is over.
    pub fn dernier_jour(&self) -> Self {
        let mois = self.mois.unwrap_or(12);
        Self {
            annee: self.annee,
            mois: Some(mois),
            jour: Some(
                self.jour
                    .unwrap_or_else(|| jours_dans_le_mois(self.annee, mois)),
            ),
        }
    }
}

fn jours_dans_le_mois(annee: u16, mois: u8) -> u8 {
    match mois {
        2 if (annee.is_multiple_of(4) && !annee.is_multiple_of(100))
            || annee.is_multiple_of(400) =>
        {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl DatePartielle {
    /// The date as people read it: « 2014 », « septembre 2019 », « 12 mars 2024 ».
    pub fn en_toutes_lettres(&self) -> String {
        match (self.mois, self.jour) {
            (None, _) => self.annee.to_string(),
            (Some(m), None) => format!("{} {}", MOIS[usize::from(m - 1)], self.annee),
            (Some(m), Some(1)) => format!("1er {} {}", MOIS[usize::from(m - 1)], self.annee),
            (Some(m), Some(j)) => format!("{j} {} {}", MOIS[usize::from(m - 1)], self.annee),
        }
    }

    /// The date as a French form field shows it, read back by [`Self::lire_saisie`]:
    /// « 15/03/2022 », « 03/2022 », « 2022 ».
    pub fn en_saisie(&self) -> String {
        match (self.mois, self.jour) {
            (None, _) => self.annee.to_string(),
            (Some(m), None) => format!("{m:02}/{}", self.annee),
            (Some(m), Some(j)) => format!("{j:02}/{m:02}/{}", self.annee),
        }
    }
}

impl fmt::Display for DatePartielle {
    /// The ISO form, as stored.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.annee)?;
        if let Some(m) = self.mois {
            write!(f, "-{m:02}")?;
        }
        if let Some(j) = self.jour {
            write!(f, "-{j:02}")?;
        }
        Ok(())
    }
}

crate::texte::depuis_texte!(DatePartielle);

crate::schema_de_chaine!(
    DatePartielle,
    crate::schema_api::chaine(
        "Date, aussi précise qu'on la connaît : année, année et mois, ou jour (`AAAA`, `AAAA-MM`, `AAAA-MM-JJ`).",
        "2022-02",
        Some(r"^\d{4}(-\d{2}(-\d{2})?)?$"),
    )
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lit_les_trois_precisions() {
        assert_eq!(DatePartielle::parse("2014").unwrap().to_string(), "2014");
        assert_eq!(
            DatePartielle::parse("2019-09").unwrap().to_string(),
            "2019-09"
        );
        assert_eq!(
            DatePartielle::parse("2024-02-29").unwrap().to_string(),
            "2024-02-29"
        );
    }

    #[test]
    fn une_saisie_se_lit_a_la_francaise_comme_a_l_iso() {
        let lue = |s| DatePartielle::lire_saisie(s).map(|d| d.to_string());
        assert_eq!(lue("15/03/2022").unwrap(), "2022-03-15");
        assert_eq!(lue(" 1/3/2022 ").unwrap(), "2022-03-01");
        assert_eq!(lue("03/2022").unwrap(), "2022-03");
        assert_eq!(lue("2022-03-15").unwrap(), "2022-03-15");
        assert_eq!(lue("2022").unwrap(), "2022");
        for iso in ["2022-03-15", "2022-03", "2022"] {
            let date = DatePartielle::parse(iso).unwrap();
            assert_eq!(DatePartielle::lire_saisie(&date.en_saisie()).unwrap(), date);
        }
        assert_eq!(
            DatePartielle::parse("2022-03-05").unwrap().en_saisie(),
            "05/03/2022"
        );
        for (faux, raison) in [
            ("31/02/2022", "ce jour n'existe pas"),
            ("15/13/2022", "le mois doit"),
            ("15/03/22", "attendu AAAA"),
            ("2022/03/15", "attendu JJ/MM/AAAA"),
            ("15/03", "attendu AAAA"),
            ("a/b/c", "attendu JJ/MM/AAAA"),
        ] {
            let message = lue(faux).unwrap_err().to_string();
            assert!(
                message.contains(&format!("« {faux} »")) && message.contains(raison),
                "{faux} : {message}"
            );
        }
    }

    #[test]
    fn s_ecrit_en_francais() {
        let d = |s| DatePartielle::parse(s).unwrap().en_toutes_lettres();
        assert_eq!(d("2014"), "2014");
        assert_eq!(d("2019-09"), "septembre 2019");
        assert_eq!(d("2017-12-01"), "1er décembre 2017");
        assert_eq!(d("2024-08-15"), "15 août 2024");
    }

    #[test]
    fn refuse_les_dates_impossibles() {
        for s in [
            "",
            "19",
            "2019-13",
            "2019-00",
            "2023-02-29",
            "2019-9",
            "2019-09-1",
            "1850",
        ] {
            assert!(DatePartielle::parse(s).is_err(), "{s}");
        }
        assert!(
            DatePartielle::parse("2019-04-31")
                .unwrap_err()
                .to_string()
                .contains("2019-04-31")
        );
    }

    #[test]
    fn une_date_partielle_court_jusqu_a_son_dernier_jour() {
        let d = |s| DatePartielle::parse(s).unwrap();
        assert_eq!(d("2025").dernier_jour(), d("2025-12-31"));
        assert_eq!(d("2024-02").dernier_jour(), d("2024-02-29"));
        assert_eq!(d("2024-02-10").dernier_jour(), d("2024-02-10"));
        assert_eq!(DatePartielle::jour(2024, 2, 10).unwrap(), d("2024-02-10"));
        assert!(DatePartielle::jour(2023, 2, 29).is_err());
    }

    #[test]
    fn se_trie_chronologiquement() {
        let d = |s| DatePartielle::parse(s).unwrap();
        assert!(d("2019") < d("2019-01"));
        assert!(d("2019-09") < d("2019-09-12"));
        assert!(d("2019-12-31") < d("2020"));
    }
}
