//! The period a contract covers, in years (« 2019–2023 »), possibly open-ended when a text
//! gives only its start (« existant depuis 2013 »).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ErreurDomaine;

/// From `debut` to `fin` inclusive; `fin` is never before `debut`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Periode {
    debut: u16,
    fin: Option<u16>,
}

impl Periode {
    pub fn new(debut: u16, fin: Option<u16>) -> Result<Self, ErreurDomaine> {
        let texte = match fin {
            Some(f) => format!("{debut}-{f}"),
            None => format!("{debut}-"),
        };
        let erreur = |raison: String| ErreurDomaine::Periode {
            valeur: texte.clone(),
            raison,
        };
        for annee in std::iter::once(debut).chain(fin) {
            if !(1900..=2200).contains(&annee) {
                return Err(erreur(format!("l'année {annee} est hors de 1900–2200")));
            }
        }
        if let Some(f) = fin
            && f < debut
        {
            return Err(erreur(format!(
                "elle se termine ({f}) avant de commencer ({debut})"
            )));
        }
        Ok(Self { debut, fin })
    }

    /// Parses `2019-2023` (also with an en dash) or `2013-` for an open end.
    pub fn parse(valeur: &str) -> Result<Self, ErreurDomaine> {
        let erreur = || ErreurDomaine::Periode {
            valeur: valeur.to_owned(),
            raison: "attendu « AAAA-AAAA » (ou « AAAA- » si la fin n'est pas connue)".to_owned(),
        };
        let normalisee = valeur.trim().replace(['–', '—'], "-");
        let (debut, fin) = normalisee.split_once('-').ok_or_else(erreur)?;
        let annee = |s: &str| -> Result<u16, ErreurDomaine> {
            let s = s.trim();
            if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| erreur())
            } else {
                Err(erreur())
            }
        };
        let debut = annee(debut)?;
        let fin = if fin.trim().is_empty() {
            None
        } else {
            Some(annee(fin)?)
        };
        Self::new(debut, fin)
    }

    pub fn debut(&self) -> u16 {
        self.debut
    }

    pub fn fin(&self) -> Option<u16> {
        self.fin
    }

    /// The period as people read it: « 2019–2023 », or « depuis 2013 ».
    pub fn en_toutes_lettres(&self) -> String {
        match self.fin {
            Some(f) if f == self.debut => self.debut.to_string(),
            Some(f) => format!("{}–{f}", self.debut),
            None => format!("depuis {}", self.debut),
        }
    }
}

impl fmt::Display for Periode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fin {
            Some(fin) => write!(f, "{}-{fin}", self.debut),
            None => write!(f, "{}-", self.debut),
        }
    }
}

crate::texte::depuis_texte!(Periode);

crate::schema_de_chaine!(
    Periode,
    crate::schema_api::chaine(
        "Période en années, bornes comprises ; sans fin quand elle reste ouverte (`2019-2023`, `2013-`).",
        "2019-2023",
        Some(r"^\d{4}-(\d{4})?$"),
    )
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lit_une_periode_fermee_ou_ouverte() {
        let p = Periode::parse("2019-2023").unwrap();
        assert_eq!((p.debut(), p.fin()), (2019, Some(2023)));
        assert_eq!(Periode::parse("2019 – 2023").unwrap(), p);
        assert_eq!(Periode::parse("2013-").unwrap().fin(), None);
        assert_eq!(p.to_string(), "2019-2023");
        assert_eq!(p.en_toutes_lettres(), "2019–2023");
        assert_eq!(
            Periode::parse("2013-").unwrap().en_toutes_lettres(),
            "depuis 2013"
        );
    }

    #[test]
    fn refuse_une_fin_avant_le_debut() {
        let erreur = Periode::parse("2023-2019").unwrap_err().to_string();
        assert!(
            erreur.contains("2023-2019") && erreur.contains("avant de commencer"),
            "{erreur}"
        );
    }

    #[test]
    fn refuse_les_formes_inconnues() {
        for s in ["", "2019", "19-23", "2019-23", "abcd-efgh", "1800-1805"] {
            assert!(Periode::parse(s).is_err(), "{s}");
        }
    }
}
