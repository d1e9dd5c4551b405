//! The diagnostic local de santé (a dated, shared picture of the territory's health) and the
//! évaluation that closes a generation and feeds the next one's diagnostic.

use serde::{Deserialize, Serialize};

use crate::DatePartielle;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagnostic {
    pub titre: String,
    /// When it was made or last updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicateurs: Vec<IndicateurDiagnostic>,
    /// Findings (« constats »), including what residents and professionals said.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constats: Vec<String>,
}

/// One indicator of the territory, compared with the wider levels where known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicateurDiagnostic {
    pub libelle: String,
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

/// What was done against what was planned, at the end of a generation (or midway).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    pub titre: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synthese: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constats: Vec<String>,
}
