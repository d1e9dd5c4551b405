//! What a report says, from the contract as its reader may see it: the annual report (bilan
//! annuel) of one year, or the evaluation report of the whole contract. Cover, the
//! coordinator's introduction, key figures, the dashboard's charts with their tables, one
//! section per axis with its actions, budget tables, indicators, governance, for the
//! evaluation the contract's evaluations and achievements, and the coordinator's conclusion.

use pilote_domain::DatePartielle;
use pilote_domain::contrat::Contrat;
use pilote_domain::fiche_action::{FicheAction, StatutAction};
use pilote_domain::tableau_de_bord::{Sommes, TableauDeBord};

use crate::Rapport;
use crate::document::{Bloc, Document, Tableau};
use crate::figures;
use crate::graphique::nombre;
use pilote_domain::rapport::TypeRapport as Genre;

/// Whether date `d` falls in the report's period.
fn dans(genre: Genre, d: DatePartielle) -> bool {
    match genre {
        Genre::Annuel(a) => d.annee() == a,
        Genre::Evaluation => true,
    }
}

fn tableau(legende: &str, entetes: &[&str], nombres: &[bool], lignes: Vec<Vec<String>>) -> Bloc {
    Bloc::Tableau(Tableau {
        legende: legende.to_owned(),
        entetes: entetes.iter().map(|e| (*e).to_owned()).collect(),
        lignes,
        nombres: nombres.to_vec(),
    })
}

fn ligne_budget(nom: String, s: &Sommes) -> Vec<String> {
    vec![
        nom,
        s.previsionnel.en_euros(),
        s.realise.en_euros(),
        s.taux_en_lettres(),
    ]
}

const ENTETES_BUDGET: [bool; 4] = [false, true, true, true];

/// The report `r`, block by block.
pub fn document(r: &Rapport) -> Document {
    let c = r.contrat;
    let t = TableauDeBord::de(c, r.jour);
    let titre = match r.genre {
        Genre::Annuel(a) => format!("Bilan annuel {a}"),
        Genre::Evaluation => "Rapport d'évaluation".to_owned(),
    };
    let mut mentions = Vec::new();
    if let Some(p) = c.periode {
        mentions.push(format!("Contrat {}", p.en_toutes_lettres()));
    }
    mentions.push(match c.generation {
        1 => "1re génération".to_owned(),
        n => format!("{n}e génération"),
    });
    if !r.territoire.is_empty() {
        mentions.push(r.territoire.clone());
    }
    mentions.push(format!(
        "Établi le {} à partir des données de Pilote",
        r.jour.en_toutes_lettres()
    ));
    let mut blocs = Vec::new();
    if let Some(intro) = r.introduction.as_deref().filter(|t| !t.trim().is_empty()) {
        blocs.push(Bloc::titre(1, "Introduction"));
        blocs.push(Bloc::paragraphe(intro));
    }
    synthese(r, &t, &mut blocs);
    axes(r, &mut blocs);
    budget(r, &t, &mut blocs);
    indicateurs(r, &t, &mut blocs);
    gouvernance(r, &mut blocs);
    if r.genre == Genre::Evaluation {
        evaluation(c, &mut blocs);
    }
    if let Some(conclusion) = r.conclusion.as_deref().filter(|t| !t.trim().is_empty()) {
        blocs.push(Bloc::titre(1, "Conclusion"));
        blocs.push(Bloc::paragraphe(conclusion));
    }
    Document {
        titre,
        contrat: c.nom.clone(),
        mentions,
        blocs,
    }
}

fn synthese(r: &Rapport, t: &TableauDeBord, blocs: &mut Vec<Bloc>) {
    let c = r.contrat;
    blocs.push(Bloc::titre(1, "Synthèse"));
    let realisees = t.ensemble.compte(Some(StatutAction::Realisee));
    let (budget, libelle_budget) = match r.genre {
        Genre::Annuel(a) => (
            t.budget
                .par_annee
                .iter()
                .find(|(annee, _)| *annee == a)
                .map(|(_, s)| *s)
                .unwrap_or_default(),
            format!("prévus pour {a} sur les actions"),
        ),
        Genre::Evaluation => (t.budget.total, "prévus sur la durée du contrat".to_owned()),
    };
    let reunions: usize = instances(c)
        .flat_map(|i| &i.reunions)
        .filter(|r_| dans(r.genre, r_.date) && r_.date <= r.jour)
        .count();
    blocs.push(Bloc::Chiffres(vec![
        (
            t.ensemble.fiches.to_string(),
            format!("fiches-actions, dont {realisees} réalisées"),
        ),
        (
            t.ensemble
                .avancement_moyen
                .map_or("—".to_owned(), |a| format!("{a} %")),
            "d'avancement moyen".to_owned(),
        ),
        (budget.previsionnel.en_euros(), libelle_budget),
        (
            budget.realise.en_euros(),
            format!("réalisés ({})", budget.taux_en_lettres()),
        ),
        (
            t.indicateurs.len().to_string(),
            "indicateurs suivis".to_owned(),
        ),
        (
            reunions.to_string(),
            match r.genre {
                Genre::Annuel(a) => format!("réunions des instances en {a}"),
                Genre::Evaluation => "réunions des instances".to_owned(),
            },
        ),
    ]));
    if t.ensemble.fiches > 0 {
        blocs.push(Bloc::Figure {
            svg: figures::avancement(t),
            alt: format!(
                "Barres empilées des fiches-actions de chaque axe par statut : {}.",
                t.axes
                    .iter()
                    .map(|a| format!("{}, {} fiches", a.libelle, a.fiches))
                    .collect::<Vec<_>>()
                    .join(" ; ")
            ),
            legende: format!(
                "Fiches-actions par axe et par statut, au {}",
                r.jour.en_toutes_lettres()
            ),
        });
        let mut entetes = vec!["Axe"];
        entetes.extend(
            StatutAction::TOUS
                .iter()
                .map(|s| s.libelle())
                .chain(["Non renseigné", "Total"]),
        );
        let nombres: Vec<bool> = entetes.iter().enumerate().map(|(i, _)| i > 0).collect();
        let lignes = t
            .axes
            .iter()
            .chain([&t.ensemble])
            .map(|a| {
                std::iter::once(a.libelle.clone())
                    .chain(a.par_statut.iter().map(|(_, n)| n.to_string()))
                    .chain([a.fiches.to_string()])
                    .collect()
            })
            .collect();
        blocs.push(tableau(
            "Fiches-actions par axe et par statut",
            &entetes,
            &nombres,
            lignes,
        ));
    }
}

/// The contract's bodies, the CLSM's included.
fn instances(c: &Contrat) -> impl Iterator<Item = &pilote_domain::gouvernance::Instance> {
    c.gouvernance
        .iter()
        .chain(c.clsm.iter().flat_map(|k| &k.instances))
}

fn axes(r: &Rapport, blocs: &mut Vec<Bloc>) {
    let c = r.contrat;
    if c.axes.is_empty() {
        return;
    }
    blocs.push(Bloc::titre(1, "Les actions, axe par axe"));
    for axe in &c.axes {
        blocs.push(Bloc::titre(
            2,
            format!("Axe {} — {}", axe.numero, axe.titre),
        ));
        if let Some(d) = &axe.description {
            blocs.push(Bloc::paragraphe(d));
        }
        let fiches = axe.toutes_les_fiches();
        if fiches.is_empty() {
            blocs.push(Bloc::paragraphe("Cet axe n'a pas encore de fiche-action."));
        }
        for f in fiches {
            action(r, f, blocs);
        }
    }
}

fn action(r: &Rapport, f: &FicheAction, blocs: &mut Vec<Bloc>) {
    blocs.push(Bloc::titre(
        3,
        format!("Fiche-action n°{} — {}", f.numero, f.titre),
    ));
    let mut faits = Vec::new();
    if let Some(p) = &f.pilote {
        faits.push(format!("Pilote : {}", p.organisation));
    }
    faits.push(format!(
        "Statut : {}{}",
        f.statut.map_or("non renseigné", |s| s.libelle()),
        f.avancement
            .map(|a| format!(", réalisée à {a} %"))
            .unwrap_or_default()
    ));
    match (f.debut, f.fin) {
        (Some(d), Some(fin)) => faits.push(format!(
            "Période : de {} à {}",
            d.en_toutes_lettres(),
            fin.en_toutes_lettres()
        )),
        (Some(d), None) => faits.push(format!("Début : {}", d.en_toutes_lettres())),
        (None, Some(fin)) => faits.push(format!("Fin prévue : {}", fin.en_toutes_lettres())),
        (None, None) => {}
    }
    if !f.partenaires.is_empty() {
        faits.push(format!("Partenaires : {}", f.partenaires.join(", ")));
    }
    if let Some(b) = &f.bilan {
        faits.push(format!(
            "Bilan : {}{}",
            b.aboutissement.libelle(),
            b.commentaire
                .as_ref()
                .map(|c| format!(" — {c}"))
                .unwrap_or_default()
        ));
    }
    blocs.push(Bloc::Liste(faits));
    let etapes: Vec<String> = f
        .etapes
        .iter()
        .filter(|e| e.echeance.is_none_or(|d| dans(r.genre, d)))
        .map(|e| {
            format!(
                "{} {}{}",
                if e.faite { "Fait :" } else { "À faire :" },
                e.libelle,
                e.echeance
                    .map(|d| format!(" ({})", d.en_toutes_lettres()))
                    .unwrap_or_default()
            )
        })
        .collect();
    if !etapes.is_empty() {
        blocs.push(Bloc::Liste(etapes));
    }
    let notes: Vec<String> = f
        .notes
        .iter()
        .filter(|n| dans(r.genre, n.date))
        .map(|n| format!("{} — {}", n.date.en_toutes_lettres(), n.texte))
        .collect();
    if !notes.is_empty() {
        blocs.push(Bloc::paragraphe("Suivi :"));
        blocs.push(Bloc::Liste(notes));
    }
}

fn budget(r: &Rapport, t: &TableauDeBord, blocs: &mut Vec<Bloc>) {
    let c = r.contrat;
    let b = &t.budget;
    blocs.push(Bloc::titre(1, "Budget"));
    if b.par_annee.is_empty() && c.coordination.is_none() {
        blocs.push(Bloc::paragraphe("Aucune ligne de budget n'est renseignée."));
        return;
    }
    if let Genre::Annuel(a) = r.genre {
        let lignes: Vec<_> = c
            .toutes_les_fiches()
            .into_iter()
            .flat_map(|f| f.budget.iter().map(move |l| (f, l)))
            .filter(|(_, l)| l.annee == a)
            .collect();
        blocs.push(Bloc::titre(2, format!("Les dépenses de {a}")));
        if lignes.is_empty() {
            blocs.push(Bloc::paragraphe(format!(
                "Aucune ligne de budget pour {a}."
            )));
        } else {
            blocs.push(tableau(
                &format!("Lignes de budget de {a}"),
                &[
                    "Fiche-action",
                    "Financeur",
                    "Nature",
                    "Prévisionnel",
                    "Réalisé",
                ],
                &[false, false, false, true, true],
                lignes
                    .iter()
                    .map(|(f, l)| {
                        vec![
                            f.numero.clone(),
                            l.financeur.clone(),
                            l.nature.libelle().to_owned(),
                            l.previsionnel.map(|m| m.en_euros()).unwrap_or_default(),
                            l.realise.map(|m| m.en_euros()).unwrap_or_default(),
                        ]
                    })
                    .collect(),
            ));
        }
    }
    blocs.push(Bloc::titre(2, "Sur la durée du contrat"));
    if !b.par_annee.is_empty() {
        blocs.push(Bloc::Figure {
            svg: figures::budget_par_annee(t),
            alt: format!(
                "Barres du budget prévisionnel et réalisé par année : {}.",
                b.par_annee
                    .iter()
                    .map(|(a, s)| format!(
                        "{a}, {} prévus et {} réalisés",
                        s.previsionnel.en_euros(),
                        s.realise.en_euros()
                    ))
                    .collect::<Vec<_>>()
                    .join(" ; ")
            ),
            legende: "Budget des actions par année".to_owned(),
        });
        blocs.push(tableau(
            "Budget des actions par année",
            &["Année", "Prévisionnel", "Réalisé", "Taux"],
            &ENTETES_BUDGET,
            b.par_annee
                .iter()
                .map(|(a, s)| ligne_budget(a.to_string(), s))
                .collect(),
        ));
    }
    blocs.push(tableau(
        "Budget par financeur, poste de coordination compris",
        &["Financeur", "Prévisionnel", "Réalisé", "Taux"],
        &ENTETES_BUDGET,
        b.par_financeur
            .iter()
            .map(|(f, s)| ligne_budget(f.clone(), s))
            .collect(),
    ));
    let mut natures: Vec<Vec<String>> = b
        .par_nature
        .iter()
        .map(|(n, s)| ligne_budget((*n).to_owned(), s))
        .collect();
    natures.push(ligne_budget("Total".to_owned(), &b.total));
    blocs.push(tableau(
        "Budget par nature de dépense",
        &["Nature", "Prévisionnel", "Réalisé", "Taux"],
        &ENTETES_BUDGET,
        natures,
    ));
}

fn indicateurs(r: &Rapport, t: &TableauDeBord, blocs: &mut Vec<Bloc>) {
    if t.indicateurs.is_empty() {
        return;
    }
    blocs.push(Bloc::titre(1, "Indicateurs"));
    let fin = match r.genre {
        Genre::Annuel(a) => DatePartielle::parse(&format!("{a}-12-31")).ok(),
        Genre::Evaluation => None,
    };
    let mut lignes = Vec::new();
    for (n, s) in t.indicateurs.iter().enumerate() {
        let i = &s.indicateur;
        let unite = i
            .unite
            .as_deref()
            .map(|u| format!(" {u}"))
            .unwrap_or_default();
        let derniere = s.serie.iter().rfind(|(d, _)| fin.is_none_or(|f| *d <= f));
        let cible = i.cibles.iter().max_by_key(|c| c.annee);
        lignes.push(vec![
            format!("{} (n°{})", i.libelle, s.fiche),
            i.valeur_initiale
                .map(|v| format!("{}{unite}", nombre(v)))
                .unwrap_or_default(),
            derniere
                .map(|(d, v)| format!("{}{unite} ({})", nombre(*v), d.en_toutes_lettres()))
                .unwrap_or_else(|| "—".to_owned()),
            cible
                .map(|c| format!("{}{unite} en {}", nombre(c.valeur), c.annee))
                .unwrap_or_default(),
            s.atteinte.map(|a| format!("{a} %")).unwrap_or_default(),
        ]);
        let svg = figures::indicateur(n, s);
        if !svg.is_empty() {
            blocs.push(Bloc::Figure {
                svg,
                alt: format!(
                    "Courbe de l'indicateur « {} » : {}.",
                    i.libelle,
                    s.serie
                        .iter()
                        .map(|(d, v)| format!("{} en {}", nombre(*v), d.en_toutes_lettres()))
                        .chain(i.cibles.iter().map(|c| format!(
                            "cible {} en {}",
                            nombre(c.valeur),
                            c.annee
                        )))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                legende: format!("{} (fiche-action n°{})", i.libelle, s.fiche),
            });
        }
    }
    blocs.push(tableau(
        "Les indicateurs, de leur valeur initiale à leur cible",
        &[
            "Indicateur",
            "Initiale",
            "Dernière mesure",
            "Cible",
            "Chemin parcouru",
        ],
        &[false, true, true, true, true],
        lignes,
    ));
}

fn gouvernance(r: &Rapport, blocs: &mut Vec<Bloc>) {
    let c = r.contrat;
    let reunions: Vec<_> = instances(c)
        .flat_map(|i| i.reunions.iter().map(move |re| (i, re)))
        .filter(|(_, re)| dans(r.genre, re.date) && re.date <= r.jour)
        .collect();
    blocs.push(Bloc::titre(1, "Gouvernance"));
    if reunions.is_empty() {
        blocs.push(Bloc::paragraphe(match r.genre {
            Genre::Annuel(a) => format!("Aucune réunion des instances n'est enregistrée en {a}."),
            Genre::Evaluation => "Aucune réunion des instances n'est enregistrée.".to_owned(),
        }));
        return;
    }
    blocs.push(tableau(
        "Réunions des instances",
        &["Instance", "Date", "Lieu", "Décisions"],
        &[false, false, false, true],
        reunions
            .iter()
            .map(|(i, re)| {
                vec![
                    i.nom.clone(),
                    re.date.en_toutes_lettres(),
                    re.lieu.clone().unwrap_or_default(),
                    re.decisions.len().to_string(),
                ]
            })
            .collect(),
    ));
    let decisions: Vec<String> = reunions
        .iter()
        .flat_map(|(i, re)| {
            re.decisions
                .iter()
                .map(move |d| format!("{} ({}) : {}", i.nom, re.date.en_toutes_lettres(), d.texte))
        })
        .collect();
    if !decisions.is_empty() {
        blocs.push(Bloc::titre(2, "Décisions"));
        blocs.push(Bloc::Liste(decisions));
    }
}

fn evaluation(c: &Contrat, blocs: &mut Vec<Bloc>) {
    blocs.push(Bloc::titre(1, "Évaluation"));
    if c.evaluations.is_empty() {
        blocs.push(Bloc::paragraphe(
            "Le contrat n'a pas encore d'évaluation enregistrée.",
        ));
    }
    for e in &c.evaluations {
        let quand = e
            .date
            .map(|d| format!(" ({})", d.en_toutes_lettres()))
            .unwrap_or_default();
        blocs.push(Bloc::titre(2, format!("{}{quand}", e.titre)));
        if let Some(s) = &e.synthese {
            blocs.push(Bloc::paragraphe(s));
        }
        if !e.criteres.is_empty() {
            blocs.push(tableau(
                &format!("Critères de l'évaluation « {} »", e.titre),
                &["Critère", "Appréciation", "Commentaire"],
                &[false, false, false],
                e.criteres
                    .iter()
                    .map(|j| {
                        vec![
                            j.critere.libelle().to_owned(),
                            j.appreciation
                                .map_or("non appréciée".to_owned(), |a| a.libelle().to_owned()),
                            j.commentaire.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            ));
        }
        if !e.constats.is_empty() {
            blocs.push(Bloc::paragraphe("Constats :"));
            blocs.push(Bloc::Liste(e.constats.clone()));
        }
        if !e.recommandations.is_empty() {
            blocs.push(Bloc::paragraphe("Recommandations :"));
            blocs.push(Bloc::Liste(e.recommandations.clone()));
        }
    }
    if !c.realisations.is_empty() {
        blocs.push(Bloc::titre(2, "Réalisations"));
        blocs.push(Bloc::Liste(
            c.realisations
                .iter()
                .map(|re| {
                    let quand = re
                        .date
                        .map(|d| format!(" ({})", d.en_toutes_lettres()))
                        .unwrap_or_default();
                    match &re.description {
                        Some(d) => format!("{}{quand} : {d}", re.titre),
                        None => format!("{}{quand}", re.titre),
                    }
                })
                .collect(),
        ));
    }
}
