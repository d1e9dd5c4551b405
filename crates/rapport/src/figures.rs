//! The charts of a contract's figures ([`TableauDeBord`]), as the dashboard shows them and the
//! reports print them: the actions by axis and status, the budget planned and realised by
//! year and by funder, each indicator over time.

use pilote_domain::Montant;
use pilote_domain::fiche_action::StatutAction;
use pilote_domain::tableau_de_bord::{Sommes, SuiviIndicateur, TableauDeBord};

use crate::graphique::{self, Serie, nombre};

/// How each status of an action is painted, in the order of [`StatutAction::TOUS`], then
/// the actions without one: lightness runs from light to dark, and the two that could be
/// mistaken in grey for another are hatched.
const STATUTS: [Serie; 6] = [
    Serie {
        libelle: "À venir",
        couleur: "#cacafb",
        hachuree: false,
    },
    Serie {
        libelle: "En cours",
        couleur: "#6a6af4",
        hachuree: false,
    },
    Serie {
        libelle: "Réalisée",
        couleur: "#000091",
        hachuree: false,
    },
    Serie {
        libelle: "Reportée",
        couleur: "#fc5d00",
        hachuree: true,
    },
    Serie {
        libelle: "Abandonnée",
        couleur: "#3a3a3a",
        hachuree: true,
    },
    Serie {
        libelle: "Non renseigné",
        couleur: "#e5e5e5",
        hachuree: false,
    },
];

/// Planned (light) and realised (dark) amounts.
const BUDGET: [Serie; 2] = [
    Serie {
        libelle: "Prévisionnel",
        couleur: "#cacafb",
        hachuree: false,
    },
    Serie {
        libelle: "Réalisé",
        couleur: "#000091",
        hachuree: false,
    },
];

/// An amount in euros as a chart writes it.
fn euros(v: f64) -> String {
    Montant::depuis_centimes((v * 100.0).round() as i64)
        .map(|m| m.en_euros())
        .unwrap_or_default()
}

fn en_euros(m: Montant) -> f64 {
    m.centimes() as f64 / 100.0
}

/// The budget compared, planned and realised, for each group of `groupes`.
fn comparaison(groupes: impl IntoIterator<Item = (String, Sommes)>) -> Vec<(String, [f64; 2])> {
    groupes
        .into_iter()
        .map(|(g, s)| (g, [en_euros(s.previsionnel), en_euros(s.realise)]))
        .collect()
}

/// The actions of each axis by status.
pub fn avancement(t: &TableauDeBord) -> String {
    let lignes: Vec<(String, Vec<usize>)> = t
        .axes
        .iter()
        .map(|a| {
            (
                a.libelle.clone(),
                a.par_statut.iter().map(|(_, n)| *n).collect(),
            )
        })
        .collect();
    graphique::barres_empilees(
        "axes",
        "Actions par axe et par statut",
        &format!(
            "{} fiches-actions, dont {} réalisées",
            t.ensemble.fiches,
            t.ensemble.compte(Some(StatutAction::Realisee))
        ),
        &STATUTS,
        &lignes,
    )
}

/// The actions' budget, planned and realised, by year.
pub fn budget_par_annee(t: &TableauDeBord) -> String {
    let b = &t.budget;
    graphique::barres_comparees(
        "annees",
        "Budget prévisionnel et réalisé par année",
        &format!(
            "Actions et coordination : {} prévus, {} réalisés",
            b.total.previsionnel.en_euros(),
            b.total.realise.en_euros()
        ),
        BUDGET,
        &comparaison(b.par_annee.iter().map(|(a, s)| (a.to_string(), *s))),
        euros,
    )
}

/// The budget, planned and realised, by funder, the coordinator post's included.
pub fn budget_par_financeur(t: &TableauDeBord) -> String {
    let b = &t.budget;
    graphique::barres_comparees(
        "financeurs",
        "Budget prévisionnel et réalisé par financeur",
        &format!("{} financeurs", b.par_financeur.len()),
        BUDGET,
        &comparaison(b.par_financeur.iter().cloned()),
        euros,
    )
}

/// Indicator `s` (the `n`-th of the page) over time, against its baseline and targets; empty
/// when it has neither a measurement nor a target.
pub fn indicateur(n: usize, s: &SuiviIndicateur) -> String {
    let i = &s.indicateur;
    let unite = i.unite.as_deref().unwrap_or("");
    let valeur = |v: f64| format!("{} {unite}", nombre(v)).trim_end().to_owned();
    let description = match s.serie.last() {
        Some((date, v)) => format!(
            "Dernière valeur : {} ({}){}",
            valeur(*v),
            date.en_toutes_lettres(),
            i.cibles
                .iter()
                .max_by_key(|c| c.annee)
                .map(|c| format!(" ; cible {} : {}", c.annee, valeur(c.valeur)))
                .unwrap_or_default()
        ),
        None => "Aucune valeur mesurée.".to_owned(),
    };
    let cibles: Vec<(u16, f64)> = i.cibles.iter().map(|c| (c.annee, c.valeur)).collect();
    graphique::courbe(
        &format!("indicateur-{n}"),
        &format!("{} (fiche-action n°{})", i.libelle, s.fiche),
        &description,
        &s.serie,
        i.valeur_initiale,
        &cibles,
        valeur,
    )
}
