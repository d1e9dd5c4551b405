//! An achievement of the contract (« un médecin généraliste salarié au centre de santé », « un
//! cabinet de télémédecine »): something the territory gained, dated, linked to the
//! fiche-action that brought it where there is one.

use serde::{Deserialize, Serialize};

use crate::DatePartielle;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Realisation {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub titre: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The number of the fiche-action it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiche: Option<String>,
}
