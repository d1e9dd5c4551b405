//! Evaluation: per fiche-action, what was done against what was planned; per contract, the
//! mid-term and final evaluations with their findings, recommendations and the five usual
//! criteria. The next generation builds on it (`renouvellement`).

use serde::{Deserialize, Serialize};

use crate::{DatePartielle, referentiel};

referentiel! {
    /// What became of a fiche-action, against what was planned.
    Aboutissement, "aboutissement" {
        Realisee = "realisee", "Réalisée";
        Partiellement = "partiellement", "Partiellement réalisée";
        NonRealisee = "non-realisee", "Non réalisée";
        Abandonnee = "abandonnee", "Abandonnée";
        Reportee = "reportee", "Reportée";
    }
}

impl Aboutissement {
    /// Whether an action so assessed is worth carrying over to the next generation.
    pub fn a_reconduire(&self) -> bool {
        matches!(
            self,
            Aboutissement::Partiellement | Aboutissement::NonRealisee | Aboutissement::Reportee
        )
    }
}

/// A fiche-action's assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BilanFiche {
    pub aboutissement: Aboutissement,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commentaire: Option<String>,
}

referentiel! {
    /// When in the contract's life an evaluation is made.
    NatureEvaluation, "nature d'évaluation" {
        Intermediaire = "intermediaire", "Évaluation à mi-parcours";
        Finale = "finale", "Évaluation finale";
    }
}

referentiel! {
    /// The five usual criteria of a public policy's evaluation.
    Critere, "critère" {
        Pertinence = "pertinence", "Pertinence";
        Coherence = "coherence", "Cohérence";
        Efficacite = "efficacite", "Efficacité";
        Efficience = "efficience", "Efficience";
        Impact = "impact", "Impact";
    }
}

impl Critere {
    /// The question the criterion asks, as evaluators put it.
    pub fn question(&self) -> &'static str {
        match self {
            Critere::Pertinence => "Les objectifs répondent-ils aux besoins du territoire ?",
            Critere::Coherence => {
                "Les actions s'accordent-elles entre elles et avec les autres politiques ?"
            }
            Critere::Efficacite => "Les objectifs ont-ils été atteints ?",
            Critere::Efficience => "Les résultats sont-ils à la mesure des moyens engagés ?",
            Critere::Impact => "Quels effets sur la santé de la population et les inégalités ?",
        }
    }
}

referentiel! {
    /// The rating given to a criterion.
    Appreciation, "appréciation" {
        TresSatisfaisant = "tres-satisfaisant", "Très satisfaisant";
        Satisfaisant = "satisfaisant", "Satisfaisant";
        PeuSatisfaisant = "peu-satisfaisant", "Peu satisfaisant";
        Insatisfaisant = "insatisfaisant", "Insatisfaisant";
    }
}

/// One criterion's rating and comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Jugement {
    pub critere: Critere,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appreciation: Option<Appreciation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commentaire: Option<String>,
}

/// An evaluation of the whole contract, midway or at its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// Its identifier in the store, stable for its whole life (`None` until stored); forms
    /// name it by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub titre: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<NatureEvaluation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DatePartielle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synthese: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constats: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recommandations: Vec<String>,
    /// At most one per criterion, in the order of `Critere::TOUS`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteres: Vec<Jugement>,
}

impl Evaluation {
    /// The rating and comment given to `critere`, if any.
    pub fn jugement(&self, critere: Critere) -> Option<&Jugement> {
        self.criteres.iter().find(|j| j.critere == critere)
    }

    /// Refuses a criterion judged twice.
    pub fn verifier(&self) -> Result<(), String> {
        for (i, j) in self.criteres.iter().enumerate() {
            if self.criteres[..i].iter().any(|k| k.critere == j.critere) {
                return Err(format!(
                    "évaluation « {} » : le critère « {} » est apprécié deux fois",
                    self.titre,
                    j.critere.libelle()
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_critere_apprecie_deux_fois_est_refuse() {
        let jugement = Jugement {
            critere: Critere::Impact,
            appreciation: Some(Appreciation::Satisfaisant),
            commentaire: None,
        };
        let mut e = Evaluation {
            id: None,
            titre: "Évaluation finale".into(),
            nature: Some(NatureEvaluation::Finale),
            date: None,
            synthese: None,
            constats: vec![],
            recommandations: vec![],
            criteres: vec![jugement.clone()],
        };
        assert!(e.verifier().is_ok());
        assert_eq!(e.jugement(Critere::Impact), Some(&jugement));
        assert_eq!(e.jugement(Critere::Pertinence), None);
        e.criteres.push(jugement);
        assert_eq!(
            e.verifier().unwrap_err(),
            "évaluation « Évaluation finale » : le critère « Impact » est apprécié deux fois"
        );
    }

    #[test]
    fn les_actions_inachevees_sont_a_reconduire() {
        let a_reconduire: Vec<_> = Aboutissement::TOUS
            .iter()
            .filter(|a| a.a_reconduire())
            .map(|a| a.code())
            .collect();
        assert_eq!(a_reconduire, ["partiellement", "non-realisee", "reportee"]);
    }
}
