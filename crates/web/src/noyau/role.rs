//! A role as pages show it: what it is, over what (the names of the région, département,
//! contract or fiche-action it covers, when the reader may read them), and a link there. « Mon
//! compte » and the administration of accounts show roles alike.

use pilote_domain::autorisation::{Perimetre, Role};
use pilote_store::compte::RoleTenu;

/// A role as the page shows it: what it is, over what, and a link there.
pub struct RoleAffiche {
    pub nature: &'static str,
    pub portee: String,
    pub lien: Option<String>,
}

impl RoleAffiche {
    pub fn de(tenu: &RoleTenu) -> Self {
        let nom = |code: &str| match &tenu.portee {
            Some(nom) => format!("{nom} ({code})"),
            None => code.to_owned(),
        };
        let contrat = |id: &pilote_domain::IdContrat| match &tenu.portee {
            Some(nom) => format!("contrat « {nom} »"),
            None => format!("contrat « {id} »"),
        };
        match &tenu.role {
            Role::Administrateur => Self {
                nature: "Administrateur",
                portee: "toute la plateforme".to_owned(),
                lien: None,
            },
            Role::AgentArs { perimetre } => Self {
                nature: "Agent ARS",
                portee: match perimetre {
                    Perimetre::National => "tout le territoire national".to_owned(),
                    Perimetre::Region(code) => format!("région {}", nom(code)),
                    Perimetre::Departement(code) => format!("département {}", nom(code)),
                },
                lien: None,
            },
            Role::Coordinateur { contrat: id } => Self {
                nature: "Coordinateur",
                portee: contrat(id),
                lien: Some(format!("/contrats/{id}")),
            },
            Role::Partenaire { contrat: id } => Self {
                nature: "Partenaire",
                portee: contrat(id),
                lien: Some(format!("/contrats/{id}")),
            },
            Role::PiloteAction { contrat: id, fiche } => Self {
                nature: "Pilote d'action",
                portee: match &tenu.fiche {
                    Some(titre) => {
                        format!("fiche-action n°{fiche} « {titre} », {}", contrat(id))
                    }
                    None => format!("fiche-action n°{fiche}, {}", contrat(id)),
                },
                lien: Some(format!("/contrats/{id}/fiches/{fiche}")),
            },
        }
    }
}
