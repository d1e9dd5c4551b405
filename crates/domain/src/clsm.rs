//! The Conseil Local de Santé Mentale: a council of elected officials, public psychiatry,
//! users and carers, inside or beside the CLS, with its own axes, bodies and events.

use serde::{Deserialize, Serialize};

use crate::gouvernance::Instance;
use crate::strategie::Axe;
use crate::{DatePartielle, referentiel};

referentiel! {
    /// What kind of event a council runs.
    NatureEvenement, "nature d'événement" {
        Sism = "sism", "Semaines d'information sur la santé mentale";
        Formation = "formation", "Formation";
        Rencontre = "rencontre", "Rencontre, conférence, forum";
        Autre = "autre", "Autre événement";
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Clsm {
    pub nom: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lancement: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub presentation: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub axes: Vec<Axe>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<Instance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evenements: Vec<Evenement>,
}

/// An event the council runs (Semaines d'information sur la santé mentale, a training…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evenement {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<NatureEvenement>,
    pub titre: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
