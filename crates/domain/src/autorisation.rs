//! The authorization policy, as pure functions: who may read or change what. Every route and
//! every query asks [`peut`]; nothing else decides.
//!
//! Roles carry their scope. An ARS agent reads and co-pilots every contract whose territory
//! touches their scope (the nation, a région, a département); a coordinator edits their
//! contracts entirely; an action pilot edits only the fiches-actions they pilot; a partner
//! member reads the contracts they are partner of, unpublished parts included; the anonymous
//! public reads only what a contract has published.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::IdContrat;
use crate::territoire::TerritoireResolu;

/// Where an ARS agent's authority runs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "niveau", content = "code", rename_all = "kebab-case")]
pub enum Perimetre {
    National,
    Region(String),
    Departement(String),
}

/// One role a person holds; a person may hold several.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "kebab-case")]
pub enum Role {
    Administrateur,
    AgentArs { perimetre: Perimetre },
    Coordinateur { contrat: IdContrat },
    PiloteAction { contrat: IdContrat, fiche: String },
    Partenaire { contrat: IdContrat },
}

impl Role {
    /// The role in words, for people.
    pub fn libelle(&self) -> String {
        match self {
            Role::Administrateur => "administrateur de la plateforme".to_owned(),
            Role::AgentArs {
                perimetre: Perimetre::National,
            } => "agent ARS, tout le territoire national".to_owned(),
            Role::AgentArs {
                perimetre: Perimetre::Region(c),
            } => format!("agent ARS, région {c}"),
            Role::AgentArs {
                perimetre: Perimetre::Departement(c),
            } => format!("agent ARS, département {c}"),
            Role::Coordinateur { contrat } => format!("coordinateur du contrat « {contrat} »"),
            Role::Partenaire { contrat } => format!("partenaire du contrat « {contrat} »"),
            Role::PiloteAction { contrat, fiche } => {
                format!("pilote de la fiche-action n°{fiche} du contrat « {contrat} »")
            }
        }
    }
}

/// Who is asking: the roles of a signed-in person, none for the anonymous public.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acteur {
    pub roles: Vec<Role>,
}

impl Acteur {
    /// The anonymous public.
    pub fn public() -> Self {
        Self::default()
    }
}

/// What the policy needs to know of a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PorteeContrat {
    pub id: IdContrat,
    pub publie: bool,
    /// The départements and régions its communes lie in.
    pub departements: BTreeSet<String>,
    pub regions: BTreeSet<String>,
}

impl PorteeContrat {
    /// The scope of a contract whose territory resolved to `territoire`.
    pub fn new(id: IdContrat, publie: bool, territoire: &TerritoireResolu) -> Self {
        Self {
            id,
            publie,
            departements: territoire
                .communes
                .iter()
                .map(|c| c.departement.clone())
                .collect(),
            regions: territoire
                .communes
                .iter()
                .map(|c| c.region.clone())
                .collect(),
        }
    }
}

/// What one wants to do with a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// Read what the contract has published.
    LirePublie,
    /// Read everything, unpublished parts included.
    LireTout,
    /// Change anything in the contract.
    Modifier,
    /// Change one fiche-action (by number) and its indicators.
    ModifierFiche(String),
    /// Create the contract (its scope is that of the territory chosen).
    Creer,
}

/// Whether `acteur` may perform `operation` on `contrat`.
pub fn peut(acteur: &Acteur, operation: &Operation, contrat: &PorteeContrat) -> bool {
    match operation {
        Operation::LirePublie => contrat.publie || peut(acteur, &Operation::LireTout, contrat),
        Operation::LireTout => acteur.roles.iter().any(|role| match role {
            Role::Partenaire { contrat: c } | Role::PiloteAction { contrat: c, .. } => {
                c == &contrat.id
            }
            autre => modifie_tout(autre, contrat),
        }),
        Operation::Modifier => acteur.roles.iter().any(|role| modifie_tout(role, contrat)),
        Operation::Creer => acteur.roles.iter().any(|role| match role {
            Role::Administrateur | Role::AgentArs { .. } => modifie_tout(role, contrat),
            _ => false,
        }),
        Operation::ModifierFiche(numero) => acteur.roles.iter().any(|role| match role {
            Role::PiloteAction { contrat: c, fiche } => c == &contrat.id && fiche == numero,
            autre => modifie_tout(autre, contrat),
        }),
    }
}

/// Whether `acteur` may create contracts at all (somewhere in their scope): administrators and
/// ARS agents; a coordinator is named on a contract once it exists.
pub fn cree_des_contrats(acteur: &Acteur) -> bool {
    acteur
        .roles
        .iter()
        .any(|r| matches!(r, Role::Administrateur | Role::AgentArs { .. }))
}

/// Whether `acteur` keeps the partners directory shared by every contract (an entry corrected,
/// two duplicates merged): administrators and national ARS agents, whose scope covers every
/// contract that may name an entry.
pub fn tient_l_annuaire(acteur: &Acteur) -> bool {
    acteur.roles.iter().any(|r| {
        matches!(
            r,
            Role::Administrateur
                | Role::AgentArs {
                    perimetre: Perimetre::National
                }
        )
    })
}

/// Whether `acteur` loads the reference data every page relies on (centroids, the RPPS, the
/// QPV, indicators): administrators of the platform only.
pub fn charge_les_donnees_de_reference(acteur: &Acteur) -> bool {
    acteur.roles.contains(&Role::Administrateur)
}

/// The scopes whose portfolio `acteur` reads: the nation for an administrator, each scope of
/// their ARS roles for an agent (the nation alone when one of them is); none for the others.
pub fn portefeuille(acteur: &Acteur) -> Vec<Perimetre> {
    let mut perimetres = Vec::new();
    for role in &acteur.roles {
        match role {
            Role::Administrateur => return vec![Perimetre::National],
            Role::AgentArs { perimetre } if !perimetres.contains(perimetre) => {
                if *perimetre == Perimetre::National {
                    return vec![Perimetre::National];
                }
                perimetres.push(perimetre.clone());
            }
            _ => {}
        }
    }
    perimetres
}

/// The roles that may change the whole contract.
fn modifie_tout(role: &Role, contrat: &PorteeContrat) -> bool {
    match role {
        Role::Administrateur => true,
        Role::AgentArs { perimetre } => couvre(perimetre, contrat),
        Role::Coordinateur { contrat: c } => c == &contrat.id,
        Role::PiloteAction { .. } | Role::Partenaire { .. } => false,
    }
}

fn couvre(perimetre: &Perimetre, contrat: &PorteeContrat) -> bool {
    match perimetre {
        Perimetre::National => true,
        Perimetre::Region(code) => contrat.regions.contains(code),
        Perimetre::Departement(code) => contrat.departements.contains(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> IdContrat {
        IdContrat::parse(s).unwrap()
    }

    fn contrat(publie: bool) -> PorteeContrat {
        PorteeContrat {
            id: id("caen-2019"),
            publie,
            departements: BTreeSet::from(["14".to_owned()]),
            regions: BTreeSet::from(["28".to_owned()]),
        }
    }

    fn acteur(roles: Vec<Role>) -> Acteur {
        Acteur { roles }
    }

    #[test]
    fn le_portefeuille_est_celui_des_perimetres_ars() {
        let region = Perimetre::Region("28".into());
        let dep = Perimetre::Departement("49".into());
        let agent = |p: &Perimetre| Role::AgentArs {
            perimetre: p.clone(),
        };
        assert_eq!(
            portefeuille(&acteur(vec![agent(&region), agent(&dep), agent(&region)])),
            [region.clone(), dep.clone()]
        );
        assert_eq!(
            portefeuille(&acteur(vec![agent(&region), agent(&Perimetre::National)])),
            [Perimetre::National]
        );
        assert_eq!(
            portefeuille(&acteur(vec![Role::Administrateur])),
            [Perimetre::National]
        );
        let coordinateur = acteur(vec![Role::Coordinateur {
            contrat: id("caen-2019"),
        }]);
        assert!(portefeuille(&coordinateur).is_empty());
        assert!(portefeuille(&Acteur::public()).is_empty());
    }

    #[test]
    fn seuls_l_administrateur_et_l_ars_du_territoire_creent() {
        let agent = |perimetre| acteur(vec![Role::AgentArs { perimetre }]);
        assert!(peut(
            &acteur(vec![Role::Administrateur]),
            &Operation::Creer,
            &contrat(false)
        ));
        assert!(peut(
            &agent(Perimetre::Departement("14".into())),
            &Operation::Creer,
            &contrat(false)
        ));
        let ailleurs = agent(Perimetre::Region("32".into()));
        assert!(cree_des_contrats(&ailleurs));
        assert!(!peut(&ailleurs, &Operation::Creer, &contrat(false)));
        let coordinateur = acteur(vec![Role::Coordinateur {
            contrat: id("caen-2019"),
        }]);
        assert!(!cree_des_contrats(&coordinateur));
        assert!(!peut(&coordinateur, &Operation::Creer, &contrat(false)));
        assert!(!cree_des_contrats(&Acteur::public()));
    }

    #[expect(non_snake_case, reason = "reads as the constant list it stands for")]
    fn TOUTES() -> [Operation; 4] {
        [
            Operation::LirePublie,
            Operation::LireTout,
            Operation::Modifier,
            Operation::ModifierFiche("1".into()),
        ]
    }

    #[test]
    fn le_public_ne_lit_que_ce_qui_est_publie() {
        let public = Acteur::public();
        assert!(peut(&public, &Operation::LirePublie, &contrat(true)));
        assert!(!peut(&public, &Operation::LirePublie, &contrat(false)));
        for operation in &TOUTES()[1..] {
            assert!(!peut(&public, operation, &contrat(true)), "{operation:?}");
        }
    }

    #[test]
    fn l_agent_ars_lit_et_copilote_dans_son_perimetre_seulement() {
        for perimetre in [
            Perimetre::National,
            Perimetre::Region("28".into()),
            Perimetre::Departement("14".into()),
        ] {
            let agent = acteur(vec![Role::AgentArs {
                perimetre: perimetre.clone(),
            }]);
            for operation in TOUTES() {
                assert!(
                    peut(&agent, &operation, &contrat(false)),
                    "{perimetre:?} {operation:?}"
                );
            }
        }
        for perimetre in [
            Perimetre::Region("32".into()),
            Perimetre::Departement("02".into()),
        ] {
            let agent = acteur(vec![Role::AgentArs { perimetre }]);
            assert!(!peut(&agent, &Operation::LireTout, &contrat(false)));
            assert!(!peut(&agent, &Operation::Modifier, &contrat(false)));
            assert!(peut(&agent, &Operation::LirePublie, &contrat(true)));
        }
    }

    #[test]
    fn le_coordinateur_modifie_ses_contrats_et_pas_les_autres() {
        let coordinateur = acteur(vec![Role::Coordinateur {
            contrat: id("caen-2019"),
        }]);
        for operation in TOUTES() {
            assert!(peut(&coordinateur, &operation, &contrat(false)));
        }
        let ailleurs = acteur(vec![Role::Coordinateur {
            contrat: id("soissons-2019"),
        }]);
        assert!(!peut(&ailleurs, &Operation::LireTout, &contrat(false)));
        assert!(!peut(
            &ailleurs,
            &Operation::ModifierFiche("1".into()),
            &contrat(false)
        ));
    }

    #[test]
    fn le_pilote_modifie_ce_qu_il_pilote_et_rien_d_autre() {
        let pilote = acteur(vec![Role::PiloteAction {
            contrat: id("caen-2019"),
            fiche: "1".into(),
        }]);
        assert!(peut(
            &pilote,
            &Operation::ModifierFiche("1".into()),
            &contrat(false)
        ));
        assert!(!peut(
            &pilote,
            &Operation::ModifierFiche("2".into()),
            &contrat(false)
        ));
        assert!(!peut(&pilote, &Operation::Modifier, &contrat(false)));
        assert!(peut(&pilote, &Operation::LireTout, &contrat(false)));
    }

    #[test]
    fn le_partenaire_lit_tout_sans_rien_modifier() {
        let partenaire = acteur(vec![Role::Partenaire {
            contrat: id("caen-2019"),
        }]);
        assert!(peut(&partenaire, &Operation::LireTout, &contrat(false)));
        assert!(!peut(&partenaire, &Operation::Modifier, &contrat(false)));
        assert!(!peut(
            &partenaire,
            &Operation::ModifierFiche("1".into()),
            &contrat(false)
        ));
        let autre = acteur(vec![Role::Partenaire {
            contrat: id("soissons-2019"),
        }]);
        assert!(!peut(&autre, &Operation::LirePublie, &contrat(false)));
    }

    #[test]
    fn les_roles_s_additionnent() {
        let cumul = acteur(vec![
            Role::Partenaire {
                contrat: id("caen-2019"),
            },
            Role::PiloteAction {
                contrat: id("caen-2019"),
                fiche: "3".into(),
            },
        ]);
        assert!(peut(
            &cumul,
            &Operation::ModifierFiche("3".into()),
            &contrat(false)
        ));
        assert!(!peut(&cumul, &Operation::Modifier, &contrat(false)));
        let admin = acteur(vec![Role::Administrateur]);
        for operation in TOUTES() {
            assert!(peut(&admin, &operation, &contrat(false)));
        }
    }
}
