//! The reports a contract gives: the annual report (bilan annuel) of one year, and the
//! evaluation report of the whole contract.

use std::fmt;

use crate::ErreurDomaine;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeRapport {
    /// The annual report of a year: its spending, meetings, notes and steps.
    Annuel(u16),
    /// The evaluation report: the whole contract, its evaluations and achievements.
    Evaluation,
}

impl TypeRapport {
    /// Its code, in addresses and in the store: `annuel-2025`, `evaluation`.
    pub fn code(&self) -> String {
        match self {
            TypeRapport::Annuel(a) => format!("annuel-{a}"),
            TypeRapport::Evaluation => "evaluation".to_owned(),
        }
    }

    /// Reads a code back; the error names what is expected.
    pub fn parse(code: &str) -> Result<Self, ErreurDomaine> {
        let annee = code
            .strip_prefix("annuel-")
            .and_then(|a| a.parse::<u16>().ok())
            .filter(|a| (1990..=2200).contains(a));
        match (code, annee) {
            ("evaluation", _) => Ok(TypeRapport::Evaluation),
            (_, Some(a)) => Ok(TypeRapport::Annuel(a)),
            _ => Err(ErreurDomaine::Rapport {
                valeur: code.to_owned(),
            }),
        }
    }
}

impl fmt::Display for TypeRapport {
    /// « bilan annuel 2025 », « rapport d'évaluation ».
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRapport::Annuel(a) => write!(f, "bilan annuel {a}"),
            TypeRapport::Evaluation => f.write_str("rapport d'évaluation"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_rapport_se_nomme_par_son_code() {
        for t in [TypeRapport::Annuel(2025), TypeRapport::Evaluation] {
            assert_eq!(TypeRapport::parse(&t.code()).unwrap(), t);
        }
        assert_eq!(TypeRapport::Annuel(2025).to_string(), "bilan annuel 2025");
        for faux in ["annuel-", "annuel-25", "annuel-3000", "bilan", ""] {
            assert!(TypeRapport::parse(faux).is_err(), "{faux}");
        }
    }
}
