//! Renewal: the next generation of a contract, started from an ended one. It keeps what
//! carries over (territory, publics and themes, parties, coordinator post, the strategy's axes
//! and objectives, the governance bodies and their members) and the actions chosen, each
//! starting afresh: no budget, steps, notes, documents or progress; its indicators keep their
//! definition and start from the last value measured.

use crate::contrat::{Contrat, StatutContrat};
use crate::fiche_action::{FicheAction, Indicateur};
use crate::strategie::{Axe, Objectif};
use crate::{IdContrat, Periode};

/// What the coordinator chooses for the next generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renouvellement {
    pub id: IdContrat,
    pub nom: String,
    pub periode: Option<Periode>,
    /// The numbers of the fiches-actions that carry over.
    pub reconduites: Vec<String>,
}

/// Whether a contract has ended, and may be renewed: in evaluation, or closed.
pub fn renouvelable(contrat: &Contrat) -> bool {
    matches!(
        contrat.statut,
        Some(StatutContrat::EnEvaluation | StatutContrat::Clos)
    )
}

/// An action as it starts again in the next generation.
fn reconduire(fiche: &FicheAction) -> FicheAction {
    FicheAction {
        id: None,
        etapes: Vec::new(),
        budget: Vec::new(),
        indicateurs: fiche.indicateurs.iter().map(repartir).collect(),
        statut: None,
        avancement: None,
        notes: Vec::new(),
        documents: Vec::new(),
        debut: None,
        fin: None,
        bilan: None,
        ..fiche.clone()
    }
}

/// An indicator starting from its last measured value, without the old targets.
fn repartir(indicateur: &Indicateur) -> Indicateur {
    let derniere = indicateur.valeurs.iter().max_by_key(|m| m.date);
    Indicateur {
        id: None,
        valeur_initiale: derniere.map(|m| m.valeur).or(indicateur.valeur_initiale),
        cibles: Vec::new(),
        valeurs: Vec::new(),
        ..indicateur.clone()
    }
}

fn garder(fiches: &[FicheAction], reconduites: &[String]) -> Vec<FicheAction> {
    fiches
        .iter()
        .filter(|f| reconduites.contains(&f.numero))
        .map(reconduire)
        .collect()
}

fn objectif(o: &Objectif, reconduites: &[String]) -> Objectif {
    Objectif {
        id: None,
        sous_objectifs: o
            .sous_objectifs
            .iter()
            .map(|s| objectif(s, reconduites))
            .collect(),
        fiches_actions: garder(&o.fiches_actions, reconduites),
        ..o.clone()
    }
}

impl Contrat {
    /// The fiches-actions the evaluation proposes to carry over: those assessed as partly
    /// done, not done or postponed; without an assessment, those neither done nor abandoned.
    pub fn a_reconduire(&self) -> Vec<String> {
        use crate::fiche_action::StatutAction::{Abandonnee, Realisee};
        self.toutes_les_fiches()
            .iter()
            .filter(|f| match &f.bilan {
                Some(bilan) => bilan.aboutissement.a_reconduire(),
                None => !matches!(f.statut, Some(Realisee | Abandonnee)),
            })
            .map(|f| f.numero.clone())
            .collect()
    }

    /// The next generation of this contract, as `choix` describes it: unpublished, being
    /// drawn up, pointing back at this one.
    pub fn generation_suivante(&self, choix: &Renouvellement) -> Contrat {
        let r = &choix.reconduites;
        Contrat {
            id: choix.id.clone(),
            nom: choix.nom.clone(),
            generation: self.generation.saturating_add(1),
            publie: false,
            precedent: Some(self.id.clone()),
            statut: Some(StatutContrat::EnElaboration),
            periode: choix.periode,
            duree_annees: None,
            demarche_lancee: None,
            signature: None,
            fiches_actions_annoncees: None,
            avenants: Vec::new(),
            diagnostics: Vec::new(),
            evaluations: Vec::new(),
            realisations: Vec::new(),
            clsm: None,
            source: None,
            axes: self
                .axes
                .iter()
                .map(|a| Axe {
                    id: None,
                    objectifs: a.objectifs.iter().map(|o| objectif(o, r)).collect(),
                    fiches_actions: garder(&a.fiches_actions, r),
                    ..a.clone()
                })
                .collect(),
            gouvernance: self
                .gouvernance
                .iter()
                .map(|i| crate::gouvernance::Instance {
                    id: None,
                    reunions: Vec::new(),
                    ..i.clone()
                })
                .collect(),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DatePartielle;
    use crate::fiche_action::{Mesure, TypeIndicateur};

    fn ancien() -> Contrat {
        let mut c: Contrat = toml::from_str(
            r#"
            id = "caen-2019"
            nom = "CLS de Caen 2019-2023"
            generation = 1
            publie = true
            statut = "clos"
            territoire = { communes = ["14118"] }
            [[axes]]
            numero = 1
            titre = "Accès aux soins"
            [[axes.objectifs]]
            niveau = "general"
            libelle = "Renforcer l'offre"
            [[axes.objectifs.fiches_actions]]
            numero = "1.1"
            titre = "Internes"
            statut = "realisee"
            avancement = 100
            [[axes.fiches_actions]]
            numero = "1.2"
            titre = "Maison de santé"
            [[gouvernance]]
            nature = "copil"
            nom = "COPIL"
            [[gouvernance.membres]]
            organisation = "ARS"
            [[gouvernance.reunions]]
            date = "2020-01-10"
            "#,
        )
        .unwrap();
        c.axes[0].objectifs[0].fiches_actions[0]
            .indicateurs
            .push(Indicateur {
                id: None,
                libelle: "Internes accueillis".into(),
                type_indicateur: TypeIndicateur::Resultat,
                unite: None,
                valeur_initiale: Some(0.0),
                cibles: vec![],
                valeurs: vec![
                    Mesure {
                        id: None,
                        date: DatePartielle::parse("2021").unwrap(),
                        valeur: 4.0,
                        source: None,
                    },
                    Mesure {
                        id: None,
                        date: DatePartielle::parse("2023-06").unwrap(),
                        valeur: 9.0,
                        source: None,
                    },
                ],
            });
        c
    }

    #[test]
    fn la_generation_suivante_reprend_ce_qui_est_choisi_et_repart_de_zero() {
        let ancien = ancien();
        assert!(renouvelable(&ancien));
        let choix = Renouvellement {
            id: IdContrat::parse("caen-2025").unwrap(),
            nom: "CLS de Caen 2025-2029".into(),
            periode: Some(Periode::new(2025, Some(2029)).unwrap()),
            reconduites: vec!["1.1".into()],
        };
        let suivant = ancien.generation_suivante(&choix);
        assert_eq!(suivant.generation, 2);
        assert_eq!(
            suivant.precedent.as_ref().map(|p| p.as_str()),
            Some("caen-2019")
        );
        assert!(!suivant.publie);
        assert_eq!(suivant.statut, Some(StatutContrat::EnElaboration));
        assert!(suivant.verifier().is_ok());
        let fiches = suivant.toutes_les_fiches();
        assert_eq!(fiches.len(), 1, "seule la 1.1 est reconduite");
        assert_eq!(fiches[0].numero, "1.1");
        assert_eq!(fiches[0].statut, None);
        assert_eq!(fiches[0].avancement, None);
        let indicateur = &fiches[0].indicateurs[0];
        assert_eq!(
            indicateur.valeur_initiale,
            Some(9.0),
            "repart de la dernière mesure"
        );
        assert!(indicateur.valeurs.is_empty());
        assert_eq!(suivant.axes[0].objectifs[0].libelle, "Renforcer l'offre");
        assert_eq!(suivant.gouvernance[0].membres.len(), 1);
        assert!(suivant.gouvernance[0].reunions.is_empty());
        assert_eq!(suivant.territoire, ancien.territoire);
    }

    #[test]
    fn l_evaluation_propose_les_actions_inachevees() {
        use crate::evaluation::{Aboutissement, BilanFiche};
        let mut ancien = ancien();
        assert_eq!(ancien.a_reconduire(), ["1.2"], "la 1.1 est réalisée");
        ancien.axes[0].objectifs[0].fiches_actions[0].bilan = Some(BilanFiche {
            aboutissement: Aboutissement::Partiellement,
            commentaire: Some("Deux internes au lieu de cinq".into()),
        });
        ancien.axes[0].fiches_actions[0].bilan = Some(BilanFiche {
            aboutissement: Aboutissement::Abandonnee,
            commentaire: None,
        });
        assert_eq!(ancien.a_reconduire(), ["1.1"]);
    }
}
