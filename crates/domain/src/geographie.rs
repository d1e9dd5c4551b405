//! The official geography (INSEE's code officiel géographique): régions, départements, EPCI
//! and communes, with their populations.

use serde::{Deserialize, Serialize};

use crate::referentiel;
use crate::{CodeInsee, Siren};

referentiel! {
    /// INSEE's kinds of commune. Only a `commune-actuelle` is a full commune; the others lie
    /// inside one (their `parent`) and their population is already counted in it.
    TypeCommune, "type de commune" {
        Actuelle = "commune-actuelle", "Commune";
        ArrondissementMunicipal = "arrondissement-municipal", "Arrondissement municipal";
        Deleguee = "commune-deleguee", "Commune déléguée";
        Associee = "commune-associee", "Commune associée";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub code: String,
    pub nom: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Departement {
    pub code: String,
    pub nom: String,
    pub region: String,
}

/// An établissement public de coopération intercommunale à fiscalité propre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Epci {
    pub code: Siren,
    pub nom: String,
    /// CC, CA, CU, METRO or MET69.
    pub nature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Commune {
    pub code: CodeInsee,
    pub nom: String,
    pub type_commune: TypeCommune,
    pub departement: String,
    pub region: String,
    pub epci: Option<Siren>,
    pub parent: Option<CodeInsee>,
    pub population: Option<u64>,
}
