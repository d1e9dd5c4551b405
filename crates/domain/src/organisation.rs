//! Organisations (ARS, préfecture, CPAM, collectivités, hospitals, associations…) and the
//! people who represent them.

use serde::{Deserialize, Serialize};

use crate::Siren;
use crate::referentiel;

referentiel! {
    /// What kind of organisation takes part in a contract.
    NatureOrganisation, "nature d'organisation" {
        Ars = "ars", "Agence régionale de santé";
        Prefecture = "prefecture", "Préfecture (État)";
        Cpam = "cpam", "Caisse primaire d'assurance maladie";
        Region = "region", "Région";
        Departement = "departement", "Département";
        Commune = "commune", "Commune";
        Epci = "epci", "Intercommunalité (EPCI)";
        Caf = "caf", "Caisse d'allocations familiales";
        Msa = "msa", "Mutualité sociale agricole";
        CentreHospitalier = "ch", "Centre hospitalier";
        Chu = "chu", "Centre hospitalier universitaire";
        Epsm = "epsm", "Établissement public de santé mentale";
        Cpts = "cpts", "Communauté professionnelle territoriale de santé";
        Msp = "msp", "Maison de santé pluriprofessionnelle";
        Urml = "urml", "Union régionale des médecins libéraux";
        Association = "association", "Association";
        Autre = "autre", "Autre";
    }
}

/// An organisation, as named in the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub nom: String,
    pub nature: NatureOrganisation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siren: Option<Siren>,
}

/// A named person and, where known, their function (« vice-présidente de la Région »).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Personne {
    pub nom: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fonction: Option<String>,
}
