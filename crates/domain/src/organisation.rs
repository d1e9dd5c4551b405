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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub nom: String,
    pub nature: NatureOrganisation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siren: Option<Siren>,
}

/// A named person and, where known, their function (« vice-présidente de la Région »).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Personne {
    pub nom: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fonction: Option<String>,
}

impl Personne {
    /// « Cathy Hoareau, vice-présidente de la CCBA »: the person on one line, as a form lists
    /// several, read back by [`Personne::lire_ligne`].
    pub fn en_ligne(&self) -> String {
        match &self.fonction {
            Some(f) => format!("{}, {f}", self.nom),
            None => self.nom.clone(),
        }
    }

    /// Reads « Nom, fonction » (the function is what follows the first comma); `None` for a
    /// blank line.
    pub fn lire_ligne(ligne: &str) -> Option<Personne> {
        let (nom, fonction) = match ligne.split_once(',') {
            Some((nom, fonction)) => (nom.trim(), Some(fonction.trim())),
            None => (ligne.trim(), None),
        };
        (!nom.is_empty()).then(|| Personne {
            nom: nom.to_owned(),
            fonction: fonction.filter(|f| !f.is_empty()).map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn une_personne_s_ecrit_et_se_lit_sur_une_ligne() {
        let p =
            Personne::lire_ligne(" Cathy Hoareau , vice-présidente, chargée de la santé ").unwrap();
        assert_eq!(p.nom, "Cathy Hoareau");
        assert_eq!(
            p.fonction.as_deref(),
            Some("vice-présidente, chargée de la santé")
        );
        assert_eq!(Personne::lire_ligne(&p.en_ligne()), Some(p));
        assert_eq!(
            Personne::lire_ligne("Gérard Roujas,").unwrap().fonction,
            None
        );
        assert_eq!(Personne::lire_ligne("  "), None);
        assert_eq!(Personne::lire_ligne(", maire"), None);
    }
}
