//! Governance bodies (COPIL, comité technique, groupes thématiques…), their members, meetings
//! and decisions.

use serde::{Deserialize, Serialize};

use crate::{DatePartielle, referentiel};

referentiel! {
    /// The kind of a governance body.
    NatureInstance, "nature d'instance" {
        ComiteDePilotage = "copil", "Comité de pilotage";
        ComiteTechnique = "cotech", "Comité technique";
        GroupeThematique = "groupe-thematique", "Groupe thématique";
        AssembleePleniere = "assemblee-pleniere", "Assemblée plénière";
        Autre = "autre", "Autre instance";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub nature: NatureInstance,
    pub nom: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who chairs it (« le Maire de Caen »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presidence: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub membres: Vec<Membre>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reunions: Vec<Reunion>,
}

/// A seat in a body: an organisation, and the person holding it where named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Membre {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub organisation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personne: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fonction: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reunion {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub date: DatePartielle,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lieu: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ordre_du_jour: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub presents: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compte_rendu: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
}

/// A decision, linked to the fiches-actions it concerns (by number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub texte: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fiches_actions: Vec<String>,
}
