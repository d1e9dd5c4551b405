//! Access to general practitioners in a contract's territory
//! (`/contrats/{id}/acces-aux-soins`): each commune's APL against its département, its région
//! and France, the under-served communes, and a what-if scenario — practitioners added or
//! removed at some communes — answered at once from the APL kept in memory.
//!
//! The APL comes from the kernel's [`crate::noyau::acces_medical::Calculateur`], which computes it in the background and
//! says where it stands meanwhile.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use askama::Template;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use pilote_access::Bilan;
use pilote_domain::besoins::apl_en_lettres;
use pilote_domain::donnees_de_reference::Nature;
use pilote_rapport::carte::{self, CREDIT, Classe, Dessin, NUANCIER, Point};
use pilote_rapport::graphique::nombre;
use pilote_store::acces_medical::{AccesMedical, CONSULTATIONS_PAR_MEDECIN, Etape, PARAMETRES};
use pilote_store::contrat::{self, ContratComplet};

use crate::AppState;
use crate::noyau::acces_medical::Situation;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::page::Entete;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::visiteur::Visiteur;

/// How many changes a scenario holds, and how many practitioners one change moves at most.
const CHANGEMENTS: usize = 3;
const MEDECINS_MAX: f64 = 1_000.0;
/// How many moved communes the scenario's table lists.
const EFFETS_MONTRES: usize = 40;

pub(crate) fn routes() -> Routes {
    vec![route(
        Method::GET,
        "/contrats/{id}/acces-aux-soins",
        Politique::LireContrat,
        get(page),
    )]
}

/// A line of a comparison: a territory's summary.
struct Comparaison {
    territoire: String,
    bilan: Bilan,
}

/// A commune of the contract, with its APL.
struct LigneCommune {
    code: String,
    nom: String,
    population: f64,
    apl: f64,
    sous_dense: bool,
}

/// A commune moved by the scenario.
struct LigneEffet {
    code: String,
    nom: String,
    avant: f64,
    apres: f64,
    /// « devient sous-dense », « sort de la sous-densité », or empty.
    bascule: &'static str,
}

/// The scenario asked for, and what it gave.
#[derive(Default)]
struct Simulation {
    /// What was typed: (commune, practitioners) per row.
    saisies: Vec<(String, String)>,
    erreur: Option<String>,
    effets: Vec<LigneEffet>,
    /// Communes moved, communes changing class, and the time the engine took.
    touchees: usize,
    bascules: usize,
    duree: String,
    joue: bool,
}

#[derive(Template)]
#[template(path = "acces_aux_soins/page.html")]
struct Page {
    entete: Entete,
    c: ContratComplet,
    manque: Vec<Nature>,
    en_cours: Option<Etape>,
    echec: Option<String>,
    acces: Option<Arc<AccesMedical>>,
    comparaisons: Vec<Comparaison>,
    communes: Vec<LigneCommune>,
    /// The contract's communes on a map, coloured by APL (none when none lies on the map),
    /// and how many lie off it (overseas).
    carte: Option<(String, usize)>,
    credit: &'static str,
    simulation: Simulation,
    parametres: &'static str,
}

impl Page {
    fn decimal(&self, v: &f64) -> String {
        apl_en_lettres(*v)
    }

    fn entier(&self, v: &f64) -> String {
        nombre(v.round())
    }

    fn pourcentage(&self, b: &Bilan) -> String {
        format!("{:.1} %", 100.0 * b.part_sous_dense()).replace('.', ",")
    }

    fn sous_denses(&self) -> usize {
        self.communes.iter().filter(|c| c.sous_dense).count()
    }

    fn total_etapes(&self) -> usize {
        Etape::TOTAL
    }

    /// What was typed in row `rang`.
    fn saisie(&self, rang: &usize) -> (String, String) {
        self.simulation
            .saisies
            .get(*rang)
            .cloned()
            .unwrap_or_default()
    }

    fn rangs(&self) -> std::ops::Range<usize> {
        0..CHANGEMENTS
    }
}

/// `GET /contrats/{id}/acces-aux-soins[?commune=…&medecins=…]`
async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Parametres(requete): Parametres<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let c = contrat::lire(&state.store, &visiteur.auteur, &id).await?;
    let situation = state.acces.situation(&state.store).await?;
    let (manque, en_cours, echec, acces) = match situation {
        Situation::Manque(manque) => (manque, None, None, None),
        Situation::EnCours { etape, precedent } => (vec![], Some(etape), None, precedent),
        Situation::Pret(acces) => (vec![], None, None, Some(acces)),
        Situation::Echec(motif) => (vec![], None, Some(motif), None),
    };
    let mut page = Page {
        entete: visiteur.entete(&state),
        manque,
        en_cours,
        echec,
        comparaisons: vec![],
        communes: vec![],
        carte: None,
        credit: CREDIT,
        simulation: Simulation {
            saisies: saisies(&requete),
            ..Simulation::default()
        },
        parametres: PARAMETRES,
        acces: None,
        c,
    };
    let mut statut = StatusCode::OK;
    if let Some(acces) = acces {
        let indices = indices_du_contrat(&acces, &page.c);
        page.comparaisons = comparer(&acces, &page.c, &indices);
        page.communes = lignes(&acces, &indices);
        page.carte = carte_des_communes(&acces, &page.communes);
        if page
            .simulation
            .saisies
            .iter()
            .any(|(c, m)| !c.is_empty() || !m.is_empty())
        {
            page.simulation.joue = true;
            if let Err(message) = simuler(&acces, &mut page.simulation) {
                page.simulation.erreur = Some(phrase(&message));
                statut = StatusCode::BAD_REQUEST;
            }
        }
        page.acces = Some(acces);
    }
    Ok((statut, Html(page.render()?)).into_response())
}

/// The (commune, practitioners) pairs of the query string, in order, padded to the form's rows.
fn saisies(requete: &[(String, String)]) -> Vec<(String, String)> {
    let communes = requete
        .iter()
        .filter(|(k, _)| k == "commune")
        .map(|(_, v)| v);
    let medecins = requete
        .iter()
        .filter(|(k, _)| k == "medecins")
        .map(|(_, v)| v);
    communes
        .zip(medecins)
        .take(CHANGEMENTS)
        .map(|(c, m)| (c.trim().to_owned(), m.trim().to_owned()))
        .collect()
}

/// The situated communes standing for the contract's territory, each once.
fn indices_du_contrat(acces: &AccesMedical, c: &ContratComplet) -> Vec<usize> {
    let indices: BTreeSet<usize> = c
        .territoire_resolu
        .communes
        .iter()
        .flat_map(|commune| acces.communes_de(commune.code.as_str()))
        .collect();
    indices.into_iter().collect()
}

/// The contract's territory against its départements, its régions and France.
fn comparer(acces: &AccesMedical, c: &ContratComplet, indices: &[usize]) -> Vec<Comparaison> {
    let mut comparaisons = vec![Comparaison {
        territoire: "Territoire du contrat".to_owned(),
        bilan: acces.bilan(indices),
    }];
    let territoires = &c.territoire_resolu.communes;
    let departements: BTreeSet<&String> = territoires.iter().map(|t| &t.departement).collect();
    let regions: BTreeSet<&String> = territoires.iter().map(|t| &t.region).collect();
    for (codes, bilans, noms) in [
        (departements, &acces.departements, &acces.noms_departements),
        (regions, &acces.regions, &acces.noms_regions),
    ] {
        for code in codes {
            if let Some(bilan) = bilans.get(code.as_str()) {
                let nom = noms
                    .get(code.as_str())
                    .map_or(code.as_str(), String::as_str);
                comparaisons.push(Comparaison {
                    territoire: format!("{nom} ({code})"),
                    bilan: *bilan,
                });
            }
        }
    }
    comparaisons.push(Comparaison {
        territoire: "France".to_owned(),
        bilan: acces.france,
    });
    comparaisons
}

/// The contract's communes, least served first.
fn lignes(acces: &AccesMedical, indices: &[usize]) -> Vec<LigneCommune> {
    let communes = acces.scenario.communes();
    let apl = acces.scenario.apl().valeurs();
    let mut lignes: Vec<LigneCommune> = indices
        .iter()
        .map(|&i| LigneCommune {
            code: communes.code(i).to_owned(),
            nom: acces.noms[i].clone(),
            population: communes.populations()[i],
            apl: apl[i],
            sous_dense: acces.seuil.sous_dense(apl[i]),
        })
        .collect();
    lignes.sort_by(|a, b| a.apl.total_cmp(&b.apl).then_with(|| a.code.cmp(&b.code)));
    lignes
}

/// The classes of the map: under the threshold, then by steps of one consultation.
const CLASSES: [(&str, f64); 4] = [
    ("Sous-dense (moins de 2,5)", 0.0),
    ("De 2,5 à 3,5", 2.5),
    ("De 3,5 à 4,5", 3.5),
    ("4,5 et plus", 4.5),
];

/// The contract's communes as discs by population, coloured by their APL's class, and how
/// many lie off the map; none for a single commune (the table says it all).
fn carte_des_communes(acces: &AccesMedical, lignes: &[LigneCommune]) -> Option<(String, usize)> {
    let communes = acces.scenario.communes();
    let points: Vec<Point> = lignes
        .iter()
        .filter_map(|l| {
            let i = communes.indice(&l.code)?;
            Some(Point {
                latitude: communes.latitudes()[i],
                longitude: communes.longitudes()[i],
                population: l.population,
                classe: if l.sous_dense {
                    0
                } else {
                    CLASSES
                        .iter()
                        .rposition(|(_, bas)| l.apl >= *bas)
                        .unwrap_or(0)
                },
                titre: format!("{} ({}) : APL {}", l.nom, l.code, apl_en_lettres(l.apl)),
            })
        })
        .filter(|p| carte::sur_la_carte(p.latitude, p.longitude))
        .collect();
    let classes: Vec<Classe> = CLASSES
        .iter()
        .zip([NUANCIER[0], NUANCIER[1], NUANCIER[2], NUANCIER[4]])
        .map(|((libelle, _), couleur)| Classe {
            libelle: (*libelle).to_owned(),
            couleur,
        })
        .collect();
    (points.len() > 1).then(|| {
        let svg = carte::carte(
            "carte-apl",
            "APL des communes du contrat",
            "Les communes du contrat en disques proportionnels à leur population, coloriés \
             selon leur APL en 4 classes ; les valeurs sont dans le tableau qui suit.",
            Dessin {
                zones: &[],
                points: &points,
                etiquettes: &[],
                classes: &classes,
            },
        );
        (svg, lignes.len() - points.len())
    })
}

/// Plays the scenario typed: every row checked, then the engine asked once.
fn simuler(acces: &AccesMedical, simulation: &mut Simulation) -> Result<(), String> {
    let mut changements = Vec::new();
    for (rang, (commune, medecins)) in simulation.saisies.iter().enumerate() {
        if commune.is_empty() && medecins.is_empty() {
            continue;
        }
        let ligne = rang + 1;
        if commune.is_empty() {
            return Err(format!("ligne {ligne} : choisissez la commune"));
        }
        let nombre = medecins
            .replace(',', ".")
            .trim_start_matches('+')
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && n.abs() <= MEDECINS_MAX && *n != 0.0)
            .ok_or_else(|| {
                format!(
                    "ligne {ligne} : « {medecins} » n'est pas un nombre de médecins de -1 000 à \
                     1 000, autre que 0 (par exemple 2 pour deux médecins de plus, -1 pour un \
                     départ)"
                )
            })?;
        let changement = acces
            .scenario
            .changement(&format!("{commune}={nombre}"))
            .map_err(|_| {
                format!(
                    "ligne {ligne} : la commune « {commune} » n'est pas située (centroïde absent)"
                )
            })?;
        changements.push(changement);
    }
    let debut = Instant::now();
    let effets = acces
        .scenario
        .simuler(&changements)
        .map_err(|e| e.to_string())?;
    let secondes = debut.elapsed().as_secs_f64();
    simulation.duree = if secondes < 1e-3 {
        format!("{:.0} µs", secondes * 1e6)
    } else {
        format!("{:.1} ms", secondes * 1e3).replace('.', ",")
    };
    let communes = acces.scenario.communes();
    let seuil = acces.seuil;
    let mut lignes: Vec<LigneEffet> = effets
        .iter()
        .filter(|e| (e.apres - e.avant).abs() > 1e-9)
        .map(|e| LigneEffet {
            code: communes.code(e.commune).to_owned(),
            nom: acces.noms[e.commune].clone(),
            avant: e.avant,
            apres: e.apres,
            bascule: match (seuil.sous_dense(e.avant), seuil.sous_dense(e.apres)) {
                (false, true) => "devient sous-dense",
                (true, false) => "sort de la sous-densité",
                _ => "",
            },
        })
        .collect();
    simulation.touchees = lignes.len();
    simulation.bascules = lignes.iter().filter(|l| !l.bascule.is_empty()).count();
    // Class changes first, then the largest moves.
    lignes.sort_by(|a, b| {
        (a.bascule.is_empty().cmp(&b.bascule.is_empty())).then_with(|| {
            (b.apres - b.avant)
                .abs()
                .total_cmp(&(a.apres - a.avant).abs())
        })
    });
    lignes.truncate(EFFETS_MONTRES);
    simulation.effets = lignes;
    Ok(())
}

/// Consultations a year for one practitioner, as the page says it.
pub(crate) fn consultations_par_medecin() -> String {
    nombre(CONSULTATIONS_PAR_MEDECIN)
}
