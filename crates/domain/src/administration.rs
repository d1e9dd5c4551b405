//! Who manages whose account, as pure functions. Nobody grants more than they hold: an
//! administrator grants every role; an ARS agent grants the ARS roles of their scope or of a
//! part of it, and the roles on the contracts they may change; a coordinator grants the roles
//! on their contract (coordinator, partner, pilot). Acting on an account as a whole
//! (deactivating it, resetting its password, ending its sessions) takes the right to grant
//! every role it holds, so that a coordinator cannot lock out an ARS agent who happens to be a
//! partner of their contract.

use crate::autorisation::{Acteur, Operation, Perimetre, PorteeContrat, Role, peut};

/// What a role gives authority over, as the rule of delegation needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PorteeDuRole {
    /// The administrator's role: the whole platform.
    Plateforme,
    /// An ARS agent's scope; for a département, the région it lies in.
    Ars {
        perimetre: Perimetre,
        region_du_departement: Option<String>,
    },
    /// A role on a contract (coordinator, partner, pilot).
    Contrat(PorteeContrat),
}

/// Whether `acteur` may grant (or withdraw) a role whose scope is `portee`.
pub fn peut_attribuer(acteur: &Acteur, portee: &PorteeDuRole) -> bool {
    acteur.roles.iter().any(|tenu| match (tenu, portee) {
        (Role::Administrateur, _) => true,
        (_, PorteeDuRole::Plateforme) => false,
        (
            Role::AgentArs { perimetre: tenu },
            PorteeDuRole::Ars {
                perimetre,
                region_du_departement,
            },
        ) => contient(tenu, perimetre, region_du_departement.as_deref()),
        (_, PorteeDuRole::Ars { .. }) => false,
        (tenu, PorteeDuRole::Contrat(contrat)) => peut(
            &Acteur {
                roles: vec![tenu.clone()],
            },
            &Operation::Modifier,
            contrat,
        ),
    })
}

/// Whether scope `tenu` contains scope `accorde` (a département in région `region`).
fn contient(tenu: &Perimetre, accorde: &Perimetre, region: Option<&str>) -> bool {
    match (tenu, accorde) {
        (Perimetre::National, _) => true,
        (Perimetre::Region(r), Perimetre::Region(a)) => r == a,
        (Perimetre::Region(r), Perimetre::Departement(_)) => region == Some(r.as_str()),
        (Perimetre::Departement(d), Perimetre::Departement(a)) => d == a,
        _ => false,
    }
}

/// Whether `acteur` has an administration area of accounts at all: administrators, ARS agents
/// and coordinators, each for the accounts of what they hold.
pub fn gere_des_comptes(acteur: &Acteur) -> bool {
    acteur.roles.iter().any(|r| {
        matches!(
            r,
            Role::Administrateur | Role::AgentArs { .. } | Role::Coordinateur { .. }
        )
    })
}

/// Whether `acteur` sees an account whose roles have the scopes `portees`: an administrator
/// sees every account, the others those holding at least one role they could grant.
pub fn voit_le_compte(acteur: &Acteur, portees: &[PorteeDuRole]) -> bool {
    acteur.roles.contains(&Role::Administrateur)
        || portees.iter().any(|p| peut_attribuer(acteur, p))
}

/// Whether `acteur` acts on an account as a whole (deactivates it, resets its password, ends
/// its sessions): they must be able to grant every role it holds; an account holding none is
/// the administrators' alone.
pub fn gere_le_compte(acteur: &Acteur, portees: &[PorteeDuRole]) -> bool {
    acteur.roles.contains(&Role::Administrateur)
        || (!portees.is_empty() && portees.iter().all(|p| peut_attribuer(acteur, p)))
}

/// Whether `acteur` reads the journal of the whole platform: administrators only (it names
/// every person and every contract).
pub fn lit_le_journal(acteur: &Acteur) -> bool {
    acteur.roles.contains(&Role::Administrateur)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::IdContrat;

    fn contrat(id: &str, departement: &str, region: &str) -> PorteeDuRole {
        PorteeDuRole::Contrat(PorteeContrat {
            id: IdContrat::parse(id).unwrap(),
            publie: false,
            departements: BTreeSet::from([departement.to_owned()]),
            regions: BTreeSet::from([region.to_owned()]),
        })
    }

    fn ars(perimetre: Perimetre, region: Option<&str>) -> PorteeDuRole {
        PorteeDuRole::Ars {
            perimetre,
            region_du_departement: region.map(str::to_owned),
        }
    }

    fn acteur(role: Role) -> Acteur {
        Acteur { roles: vec![role] }
    }

    fn region(code: &str) -> Perimetre {
        Perimetre::Region(code.to_owned())
    }

    fn departement(code: &str) -> Perimetre {
        Perimetre::Departement(code.to_owned())
    }

    #[test]
    fn l_administrateur_attribue_tout() {
        let admin = acteur(Role::Administrateur);
        for portee in [
            PorteeDuRole::Plateforme,
            ars(Perimetre::National, None),
            contrat("caen-2019", "14", "28"),
        ] {
            assert!(peut_attribuer(&admin, &portee), "{portee:?}");
        }
        assert!(gere_le_compte(&admin, &[]));
        assert!(lit_le_journal(&admin));
    }

    #[test]
    fn l_agent_ars_attribue_dans_son_perimetre_et_pas_au_dela() {
        let normandie = acteur(Role::AgentArs {
            perimetre: region("28"),
        });
        assert!(peut_attribuer(&normandie, &ars(region("28"), None)));
        assert!(peut_attribuer(
            &normandie,
            &ars(departement("14"), Some("28"))
        ));
        assert!(!peut_attribuer(
            &normandie,
            &ars(departement("02"), Some("32"))
        ));
        assert!(!peut_attribuer(&normandie, &ars(region("32"), None)));
        assert!(!peut_attribuer(&normandie, &ars(Perimetre::National, None)));
        assert!(!peut_attribuer(&normandie, &PorteeDuRole::Plateforme));
        assert!(peut_attribuer(
            &normandie,
            &contrat("caen-2019", "14", "28")
        ));
        assert!(!peut_attribuer(
            &normandie,
            &contrat("soissons-2019", "02", "32")
        ));
        let calvados = acteur(Role::AgentArs {
            perimetre: departement("14"),
        });
        assert!(peut_attribuer(
            &calvados,
            &ars(departement("14"), Some("28"))
        ));
        assert!(!peut_attribuer(&calvados, &ars(region("28"), None)));
        let national = acteur(Role::AgentArs {
            perimetre: Perimetre::National,
        });
        assert!(peut_attribuer(&national, &ars(Perimetre::National, None)));
        assert!(!peut_attribuer(&national, &PorteeDuRole::Plateforme));
        assert!(!lit_le_journal(&national));
    }

    #[test]
    fn le_coordinateur_attribue_les_roles_de_son_contrat_seulement() {
        let coordinateur = acteur(Role::Coordinateur {
            contrat: IdContrat::parse("caen-2019").unwrap(),
        });
        assert!(gere_des_comptes(&coordinateur));
        assert!(peut_attribuer(
            &coordinateur,
            &contrat("caen-2019", "14", "28")
        ));
        assert!(!peut_attribuer(
            &coordinateur,
            &contrat("lisieux-2020", "14", "28")
        ));
        assert!(!peut_attribuer(
            &coordinateur,
            &ars(departement("14"), Some("28"))
        ));
        for role in [
            Role::PiloteAction {
                contrat: IdContrat::parse("caen-2019").unwrap(),
                fiche: "1".into(),
            },
            Role::Partenaire {
                contrat: IdContrat::parse("caen-2019").unwrap(),
            },
        ] {
            let personne = acteur(role);
            assert!(!gere_des_comptes(&personne));
            assert!(!peut_attribuer(
                &personne,
                &contrat("caen-2019", "14", "28")
            ));
        }
    }

    #[test]
    fn gerer_un_compte_demande_de_pouvoir_attribuer_chacun_de_ses_roles() {
        let coordinateur = acteur(Role::Coordinateur {
            contrat: IdContrat::parse("caen-2019").unwrap(),
        });
        let du_contrat = contrat("caen-2019", "14", "28");
        let agent_national = ars(Perimetre::National, None);
        assert!(voit_le_compte(
            &coordinateur,
            std::slice::from_ref(&du_contrat)
        ));
        assert!(gere_le_compte(
            &coordinateur,
            std::slice::from_ref(&du_contrat)
        ));
        // A partner of the contract who is also an ARS agent: seen, not managed.
        let cumul = [du_contrat, agent_national];
        assert!(voit_le_compte(&coordinateur, &cumul));
        assert!(!gere_le_compte(&coordinateur, &cumul));
        // An account without any role: the administrators' alone.
        assert!(!voit_le_compte(&coordinateur, &[]));
        assert!(!gere_le_compte(&coordinateur, &[]));
        assert!(voit_le_compte(&acteur(Role::Administrateur), &[]));
    }
}
