//! The diagnostic local de santé: a dated, shared picture of the territory's health — how and
//! by whom it was made, its indicators compared with the wider levels, its findings and what
//! residents and professionals said, the documents that report it.

use serde::{Deserialize, Serialize};

use crate::DatePartielle;
use crate::fiche_action::Document;
use crate::referentiel::Thematique;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagnostic {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub titre: String,
    /// When it was made or last updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How it was made: statistics, interviews, questionnaires, walks through the territory…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methode: Option<String>,
    /// Who made it: an observatory, a consultancy, the coordination itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realise_par: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicateurs: Vec<IndicateurDiagnostic>,
    /// Findings (« constats »).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constats: Vec<String>,
    /// What residents and professionals said, in their words or summed up.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paroles: Vec<String>,
    /// The documents that report it (the study, its summary…), kept as files in the
    /// document storage like a fiche-action's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
}

/// One indicator of the territory, compared with the wider levels where known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicateurDiagnostic {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub libelle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thematique: Option<Thematique>,
    pub valeur: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unite: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annee: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departement: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub france: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}
