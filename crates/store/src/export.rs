//! Contracts exported as spreadsheets: one sheet per subject ([`feuilles`]: the contracts,
//! their axes, objectives, fiches-actions with all their fields, budget lines, indicators and
//! their targets, measurements, steps, notes, governance bodies, meetings and decisions,
//! partners, the coordinator post's funding, history), written as XLSX ([`xlsx`]), ODS
//! ([`ods`]) or, one sheet at a time, CSV ([`csv`]). Cells are typed: numbers, amounts in
//! euros, dates known to the day as dates. The sheets of the plan keep the columns of the
//! import's template, so that a contract's export, imported again, gives the same plan.

pub mod csv;
mod feuilles;
pub mod ods;
pub mod schema;
pub mod xlsx;

use std::fmt;

use pilote_domain::{DatePartielle, Montant};

pub use crate::contrat::ContratExporte;
pub use feuilles::feuilles;

/// A cell, typed as a spreadsheet shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Case {
    Vide,
    Texte(String),
    Nombre(f64),
    Euros(Montant),
    /// A date: a date cell when known to the day, its text (« 03/2025 », « 2025 ») otherwise.
    Date(DatePartielle),
    /// A moment, in Unix seconds (UTC).
    Instant(i64),
}

impl Case {
    pub fn texte(t: impl Into<String>) -> Self {
        let t = t.into();
        if t.is_empty() {
            Case::Vide
        } else {
            Case::Texte(t)
        }
    }

    pub fn optionnel(t: &Option<String>) -> Self {
        t.as_ref().map_or(Case::Vide, |t| Case::texte(t.as_str()))
    }

    /// The items of a list, in one cell, as the import splits them (« a ; b »).
    pub fn liste<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> Self {
        let textes: Vec<String> = items.into_iter().map(|t| t.to_string()).collect();
        Case::texte(textes.join(" ; "))
    }

    pub fn nombre(n: Option<f64>) -> Self {
        n.map_or(Case::Vide, Case::Nombre)
    }

    pub fn euros(m: Option<Montant>) -> Self {
        m.map_or(Case::Vide, Case::Euros)
    }

    pub fn date(d: Option<DatePartielle>) -> Self {
        d.map_or(Case::Vide, Case::Date)
    }

    /// The cell as text, as a French spreadsheet reads it from CSV: decimal commas, amounts
    /// without their symbol, dates `JJ/MM/AAAA`, moments `JJ/MM/AAAA HH:MM` (UTC).
    pub fn en_texte(&self) -> String {
        match self {
            Case::Vide => String::new(),
            Case::Texte(t) => t.clone(),
            Case::Nombre(n) => n.to_string().replace('.', ","),
            Case::Euros(m) => {
                let c = m.centimes();
                format!("{},{:02}", c / 100, c % 100)
            }
            Case::Date(d) => d.en_saisie(),
            Case::Instant(s) => instant(*s).map_or_else(String::new, |((a, m, j), h, mi)| {
                format!("{j:02}/{m:02}/{a} {h:02}:{mi:02}")
            }),
        }
    }
}

/// The year, month and day, hour and minute of Unix second `s` (UTC).
fn instant(s: i64) -> Option<((u16, u8, u8), u8, u8)> {
    let t = time::OffsetDateTime::from_unix_timestamp(s).ok()?;
    let jour = (u16::try_from(t.year()).ok()?, u8::from(t.month()), t.day());
    Some((jour, t.hour(), t.minute()))
}

/// One sheet: its name, its name in an address (`fiches-actions`), its columns and lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Feuille {
    pub nom: &'static str,
    pub code: &'static str,
    pub colonnes: Vec<&'static str>,
    pub lignes: Vec<Vec<Case>>,
}

/// The sheets an export has, by code and name, in order.
pub const FEUILLES: &[(&str, &str)] = &[
    ("contrats", "Contrat"),
    ("axes", "Axes"),
    ("objectifs", "Objectifs"),
    ("fiches-actions", "Fiches-actions"),
    ("budget", "Budget"),
    ("indicateurs", "Indicateurs"),
    ("mesures", "Mesures"),
    ("etapes", "Étapes"),
    ("notes", "Notes de suivi"),
    ("instances", "Instances"),
    ("reunions", "Réunions"),
    ("decisions", "Décisions"),
    ("partenaires", "Partenaires"),
    ("coordination", "Coordination"),
    ("historique", "Historique"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn une_case_s_ecrit_comme_un_tableur_francais_la_lit() {
        assert_eq!(Case::Nombre(12.5).en_texte(), "12,5");
        assert_eq!(
            Case::Euros(Montant::parse("12 000,5").unwrap()).en_texte(),
            "12000,50"
        );
        let d = DatePartielle::parse("2025-03-01").unwrap();
        assert_eq!(Case::Date(d).en_texte(), "01/03/2025");
        assert_eq!(Case::Instant(1_764_582_660).en_texte(), "01/12/2025 09:51");
        assert_eq!(Case::texte(""), Case::Vide);
        assert_eq!(Case::liste(["a", "b"]), Case::Texte("a ; b".to_owned()));
    }
}
