//! The strategy tree: axes stratégiques → objectifs (général, spécifique, opérationnel) →
//! fiches-actions. A CLSM holds axes of the same shape.

use serde::{Deserialize, Serialize};

use crate::fiche_action::FicheAction;
use crate::referentiel;

referentiel! {
    /// The level of an objective.
    NiveauObjectif, "niveau d'objectif" {
        General = "general", "Objectif général";
        Specifique = "specifique", "Objectif spécifique";
        Operationnel = "operationnel", "Objectif opérationnel";
    }
}

/// A strategic axis (« orientation »), numbered in display order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Axe {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// and addresses name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub numero: u16,
    pub titre: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A cross-cutting axis (mobility, coordination…) that serves the others.
    #[serde(default)]
    pub transversal: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectifs: Vec<Objectif>,
    /// Actions attached to the axis directly, when the contract names no objective for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fiches_actions: Vec<FicheAction>,
}

/// An objective; a general one may be broken down into specific then operational ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Objectif {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// and addresses name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub niveau: NiveauObjectif,
    pub libelle: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    pub sous_objectifs: Vec<Objectif>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fiches_actions: Vec<FicheAction>,
}

impl Axe {
    /// Every fiche-action under this axis, at any depth, in display order.
    pub fn toutes_les_fiches(&self) -> Vec<&FicheAction> {
        let mut fiches: Vec<&FicheAction> = self.fiches_actions.iter().collect();
        for objectif in &self.objectifs {
            objectif.collecter_fiches(&mut fiches);
        }
        fiches
    }

    /// Applies `f` to every fiche-action under this axis, at any depth.
    pub fn pour_chaque_fiche(&mut self, f: &mut impl FnMut(&mut FicheAction)) {
        fn parcourir(objectifs: &mut [Objectif], f: &mut impl FnMut(&mut FicheAction)) {
            for objectif in objectifs {
                objectif.fiches_actions.iter_mut().for_each(&mut *f);
                parcourir(&mut objectif.sous_objectifs, f);
            }
        }
        self.fiches_actions.iter_mut().for_each(&mut *f);
        parcourir(&mut self.objectifs, f);
    }
}

impl Axe {
    /// The objective tree, depth first, each objective with its depth (0 for the top level).
    pub fn objectifs_en_profondeur(&self) -> Vec<(usize, &Objectif)> {
        fn parcourir<'a>(
            objectifs: &'a [Objectif],
            profondeur: usize,
            vue: &mut Vec<(usize, &'a Objectif)>,
        ) {
            for objectif in objectifs {
                vue.push((profondeur, objectif));
                parcourir(&objectif.sous_objectifs, profondeur + 1, vue);
            }
        }
        let mut vue = Vec::new();
        parcourir(&self.objectifs, 0, &mut vue);
        vue
    }
}

impl Objectif {
    fn collecter_fiches<'a>(&'a self, fiches: &mut Vec<&'a FicheAction>) {
        fiches.extend(&self.fiches_actions);
        for sous in &self.sous_objectifs {
            sous.collecter_fiches(fiches);
        }
    }
}
