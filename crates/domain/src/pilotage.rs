//! What the coordinator's home of a contract shows at a glance: what is late, what falls due
//! next (steps, ends of actions, meetings), and what is missing before the contract can be
//! published. Pure: the day is given.

use std::collections::BTreeSet;

use crate::DatePartielle;
use crate::contrat::Contrat;
use crate::fiche_action::{FicheAction, StatutAction};

/// Something due on a date, about a fiche-action or a governance body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echeance {
    pub date: DatePartielle,
    /// What is due, in words: « Étape « Recruter » de la fiche-action n°1.1 ».
    pub quoi: String,
    /// The fiche-action concerned, by number (`None` for a meeting).
    pub fiche: Option<String>,
}

/// Whether an action is over (done or abandoned): its steps and end no longer fall due.
pub(crate) fn close(statut: Option<StatutAction>) -> bool {
    matches!(
        statut,
        Some(StatutAction::Realisee | StatutAction::Abandonnee)
    )
}

/// Every date the contract's open actions must meet: their unfinished steps and their end.
fn echeances_des_actions(contrat: &Contrat) -> Vec<Echeance> {
    let mut echeances = Vec::new();
    for f in contrat.toutes_les_fiches() {
        if close(f.statut) {
            continue;
        }
        for e in f.etapes.iter().filter(|e| !e.faite) {
            if let Some(date) = e.echeance {
                echeances.push(Echeance {
                    date,
                    quoi: format!("Étape « {} » de la fiche-action n°{}", e.libelle, f.numero),
                    fiche: Some(f.numero.clone()),
                });
            }
        }
        if let Some(fin) = f.fin {
            echeances.push(Echeance {
                date: fin,
                quoi: format!("Fin prévue de la fiche-action n°{} — {}", f.numero, f.titre),
                fiche: Some(f.numero.clone()),
            });
        }
    }
    echeances
}

/// What is late on `aujourdhui`: unfinished steps and open actions whose date is past, the
/// oldest first.
pub fn en_retard(contrat: &Contrat, aujourdhui: DatePartielle) -> Vec<Echeance> {
    let mut retards: Vec<Echeance> = echeances_des_actions(contrat)
        .into_iter()
        .filter(|e| e.date.dernier_jour() < aujourdhui)
        .collect();
    retards.sort_by_key(|e| e.date.dernier_jour());
    retards
}

/// The next `combien` dates from `aujourdhui` on: steps, ends of actions and meetings of the
/// governance bodies, the nearest deadline first (a date known to the year falls due on its
/// 31 December).
pub fn prochaines_echeances(
    contrat: &Contrat,
    aujourdhui: DatePartielle,
    combien: usize,
) -> Vec<Echeance> {
    let mut echeances: Vec<Echeance> = echeances_des_actions(contrat)
        .into_iter()
        .filter(|e| e.date.dernier_jour() >= aujourdhui)
        .collect();
    let instances = contrat
        .gouvernance
        .iter()
        .chain(contrat.clsm.iter().flat_map(|c| &c.instances));
    for i in instances {
        for r in i
            .reunions
            .iter()
            .filter(|r| r.date.dernier_jour() >= aujourdhui)
        {
            let lieu = r
                .lieu
                .as_ref()
                .map(|l| format!(", {l}"))
                .unwrap_or_default();
            echeances.push(Echeance {
                date: r.date,
                quoi: format!("Réunion : {}{lieu}", i.nom),
                fiche: None,
            });
        }
    }
    echeances.sort_by_key(|e| e.date.dernier_jour());
    echeances.truncate(combien);
    echeances
}

/// How long a follow-up note stays recent, in days: past it, the action asks for a new one.
const NOTE_RECENTE: i64 = 90;

/// The days from 1 March of year 0 to the last day `date` covers (the civil calendar's day
/// count), for the distance between two dates.
pub(crate) fn jours(date: DatePartielle) -> i64 {
    let d = date.dernier_jour();
    let (a, m, j) = d.complete().unwrap_or((d.annee(), 12, 31));
    let (m, j) = (i64::from(m), i64::from(j));
    let a = i64::from(a) - i64::from(m <= 2);
    let jour_de_l_annee = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + j - 1;
    a * 365 + a / 4 - a / 100 + a / 400 + jour_de_l_annee
}

/// What the pilot of `fiche` should bring up to date on `aujourdhui`, in words: its status, a
/// follow-up note older than three months (or none), what was spent in a past year with a
/// planned amount, an indicator without a measurement in the last twelve months. An action
/// over (done or abandoned) asks for nothing.
pub fn a_mettre_a_jour(fiche: &FicheAction, aujourdhui: DatePartielle) -> Vec<String> {
    if close(fiche.statut) {
        return Vec::new();
    }
    let mut manques = Vec::new();
    if fiche.statut.is_none() {
        manques.push("Indiquez où en est l'action (son statut).".to_owned());
    }
    match fiche.notes.iter().map(|n| n.date).max() {
        None => manques.push("Aucune note de suivi : dites où en est l'action.".to_owned()),
        Some(d) if jours(aujourdhui) - jours(d) > NOTE_RECENTE => manques.push(format!(
            "Dernière note de suivi : {} ; ajoutez-en une.",
            d.en_toutes_lettres()
        )),
        Some(_) => {}
    }
    let annees: BTreeSet<u16> = fiche
        .budget
        .iter()
        .filter(|b| b.annee < aujourdhui.annee() && b.previsionnel.is_some() && b.realise.is_none())
        .map(|b| b.annee)
        .collect();
    for a in annees {
        manques.push(format!("Budget {a} : renseignez le réalisé."));
    }
    for i in &fiche.indicateurs {
        match i.valeurs.iter().map(|m| m.date).max() {
            None => manques.push(format!("Indicateur « {} » : aucune mesure.", i.libelle)),
            Some(d) if jours(aujourdhui) - jours(d) > 365 => manques.push(format!(
                "Indicateur « {} » : dernière mesure {} ; mesurez-le.",
                i.libelle,
                d.en_toutes_lettres()
            )),
            Some(_) => {}
        }
    }
    manques
}

/// What a reader of the published contract would miss, in the words of the page that fills
/// it: the period, the presentation, a diagnostic, the axes and their actions, the signatories,
/// the coordination, a steering body.
pub fn manques_avant_publication(contrat: &Contrat) -> Vec<&'static str> {
    let fiches = contrat.toutes_les_fiches();
    [
        (contrat.periode.is_none(), "la période du contrat"),
        (
            contrat.presentation.is_empty(),
            "la présentation du contrat",
        ),
        (
            contrat.diagnostics.is_empty(),
            "le diagnostic local de santé",
        ),
        (contrat.axes.is_empty(), "les axes stratégiques"),
        (
            !contrat.axes.is_empty() && fiches.is_empty(),
            "les fiches-actions",
        ),
        (contrat.parties.is_empty(), "les signataires et partenaires"),
        (contrat.coordination.is_none(), "le poste de coordination"),
        (
            contrat.gouvernance.is_empty(),
            "les instances de gouvernance",
        ),
    ]
    .into_iter()
    .filter_map(|(manque, quoi)| manque.then_some(quoi))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contrat() -> Contrat {
        toml::from_str(
            r#"
            id = "caen-2025"
            nom = "CLS de Caen"
            generation = 1
            periode = "2025-2029"
            territoire = { communes = ["14118"] }
            [[axes]]
            numero = 1
            titre = "Accès aux soins"
            [[axes.fiches_actions]]
            numero = "1.1"
            titre = "Internes"
            fin = "2025-06"
            [[axes.fiches_actions.etapes]]
            libelle = "Convention signée"
            echeance = "2025-03-01"
            faite = true
            [[axes.fiches_actions.etapes]]
            libelle = "Logements trouvés"
            echeance = "2025-05"
            [[axes.fiches_actions.etapes]]
            libelle = "Accueil"
            echeance = "2025"
            [[axes.fiches_actions]]
            numero = "1.2"
            titre = "Maison de santé"
            statut = "realisee"
            fin = "2024"
            [[gouvernance]]
            nature = "copil"
            nom = "COPIL"
            [[gouvernance.reunions]]
            date = "2025-09-15"
            lieu = "Mairie"
            [[gouvernance.reunions]]
            date = "2025-01-10"
            "#,
        )
        .unwrap()
    }

    #[test]
    fn le_retard_et_les_echeances_se_lisent_au_jour_donne() {
        let c = contrat();
        let jour = DatePartielle::jour(2025, 7, 1).unwrap();
        let retards: Vec<String> = en_retard(&c, jour).into_iter().map(|e| e.quoi).collect();
        assert_eq!(
            retards,
            [
                "Étape « Logements trouvés » de la fiche-action n°1.1",
                "Fin prévue de la fiche-action n°1.1 — Internes"
            ],
            "la 1.2 est réalisée, l'étape faite ne compte pas, « 2025 » n'est pas échu"
        );
        let prochaines: Vec<String> = prochaines_echeances(&c, jour, 5)
            .into_iter()
            .map(|e| e.quoi)
            .collect();
        assert_eq!(
            prochaines,
            [
                "Réunion : COPIL, Mairie",
                "Étape « Accueil » de la fiche-action n°1.1"
            ],
            "la réunion de septembre avant la fin de l'année ; celle de janvier est passée"
        );
        assert_eq!(prochaines_echeances(&c, jour, 1).len(), 1);
    }

    #[test]
    fn ce_que_le_pilote_doit_mettre_a_jour_est_nomme() {
        let mut fiche: FicheAction = toml::from_str(
            r#"
            numero = "1.1"
            titre = "Internes"
            [[notes]]
            date = "2025-02-01"
            texte = "Convention signée"
            [[budget]]
            annee = 2024
            financeur = "ARS"
            nature = "fonctionnement"
            previsionnel = "1000"
            [[budget]]
            annee = 2025
            financeur = "ARS"
            nature = "fonctionnement"
            previsionnel = "1000"
            [[indicateurs]]
            libelle = "Internes accueillis"
            type = "resultat"
            valeurs = [{ date = "2024-03", valeur = 2 }]
            "#,
        )
        .unwrap();
        let jour = DatePartielle::jour(2025, 7, 1).unwrap();
        assert_eq!(
            a_mettre_a_jour(&fiche, jour),
            [
                "Indiquez où en est l'action (son statut).",
                "Dernière note de suivi : 1er février 2025 ; ajoutez-en une.",
                "Budget 2024 : renseignez le réalisé.",
                "Indicateur « Internes accueillis » : dernière mesure mars 2024 ; mesurez-le."
            ]
        );
        let recent = DatePartielle::jour(2025, 3, 1).unwrap();
        assert_eq!(
            a_mettre_a_jour(&fiche, recent).len(),
            2,
            "la note a un mois, la mesure moins d'un an"
        );
        let d = |s| jours(DatePartielle::parse(s).unwrap());
        assert_eq!(d("2024-03-01") - d("2024-02-28"), 2, "2024 est bissextile");
        assert_eq!(d("2025-01-01") - d("2024-01-01"), 366);
        fiche.statut = Some(StatutAction::Realisee);
        assert!(
            a_mettre_a_jour(&fiche, jour).is_empty(),
            "une action réalisée"
        );
    }

    #[test]
    fn ce_qui_manque_avant_publication_est_nomme() {
        let mut c = contrat();
        assert_eq!(
            manques_avant_publication(&c),
            [
                "la présentation du contrat",
                "le diagnostic local de santé",
                "les signataires et partenaires",
                "le poste de coordination"
            ]
        );
        c.axes.clear();
        c.periode = None;
        assert!(manques_avant_publication(&c).contains(&"les axes stratégiques"));
        assert!(manques_avant_publication(&c).contains(&"la période du contrat"));
        assert!(!manques_avant_publication(&c).contains(&"les fiches-actions"));
    }
}
