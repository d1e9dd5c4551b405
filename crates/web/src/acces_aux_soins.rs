//! Access to general practitioners in a contract's territory
//! (`/contrats/{id}/acces-aux-soins`): each commune's APL against its département, its région
//! and France, the under-served communes, and a what-if scenario — practitioners added or
//! removed at some communes — answered at once from the APL kept in memory.
//!
//! The APL is computed in the background from the reference data ([`Calculateur`]): the
//! first page that needs it after a load starts the computation and says where it stands;
//! the previous result serves meanwhile.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use askama::Template;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use pilote_access::Bilan;
use pilote_domain::donnees_de_reference::{JeuDeDonnees, Nature};
use pilote_rapport::graphique::nombre;
use pilote_store::acces_medical::{
    self, AccesMedical, CONSULTATIONS_PAR_MEDECIN, Etape, PARAMETRES,
};
use pilote_store::contrat::{self, ContratComplet};
use pilote_store::donnees_de_reference;
use pilote_store::{Store, StoreError};

use crate::AppState;
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

/// The APL kept in memory, the computation under way, and the reference files loaded as
/// last read (read again when the counter of changes moves, as every load moves it).
#[derive(Debug, Default)]
pub struct Calculateur {
    etat: Mutex<Etat>,
    jeux: Mutex<Option<(i64, Arc<Vec<JeuDeDonnees>>)>>,
}

#[derive(Debug, Default)]
struct Etat {
    pret: Option<Arc<AccesMedical>>,
    /// The inputs' key being computed, and its step.
    en_cours: Option<(String, Arc<Mutex<Etape>>)>,
    /// The inputs' key whose computation failed, and why.
    echec: Option<(String, String)>,
}

/// Where the APL stands for a page.
pub enum Situation {
    /// The reference data it needs is not loaded.
    Manque(Vec<Nature>),
    /// Being computed; the previous result, if any, meanwhile.
    EnCours {
        etape: Etape,
        precedent: Option<Arc<AccesMedical>>,
    },
    Pret(Arc<AccesMedical>),
    Echec(String),
}

impl Calculateur {
    /// Where the APL of the loaded data stands; starts computing it when nobody has.
    pub async fn situation(self: &Arc<Self>, store: &Store) -> Result<Situation, StoreError> {
        let entrees = match acces_medical::entrees_de(&self.jeux(store).await?) {
            Ok(entrees) => entrees,
            Err(manque) => return Ok(Situation::Manque(manque)),
        };
        let cle = entrees.cle();
        let mut etat = self.etat.lock().expect("état du calcul");
        if let Some(pret) = etat.pret.as_ref().filter(|p| p.entrees.cle() == cle) {
            return Ok(Situation::Pret(Arc::clone(pret)));
        }
        if let Some((_, etape)) = etat.en_cours.as_ref().filter(|(c, _)| *c == cle) {
            return Ok(Situation::EnCours {
                etape: *etape.lock().expect("étape"),
                precedent: etat.pret.clone(),
            });
        }
        if let Some((_, motif)) = etat.echec.as_ref().filter(|(c, _)| *c == cle) {
            return Ok(Situation::Echec(motif.clone()));
        }
        let etape = Arc::new(Mutex::new(Etape::Lecture));
        etat.en_cours = Some((cle.clone(), Arc::clone(&etape)));
        let (calculateur, store) = (Arc::clone(self), store.clone());
        tokio::spawn(async move {
            let suivie = Arc::clone(&etape);
            let issue = acces_medical::calculer(&store, entrees, move |e| {
                *suivie.lock().expect("étape") = e;
            })
            .await;
            let mut etat = calculateur.etat.lock().expect("état du calcul");
            etat.en_cours = None;
            match issue {
                Ok(acces) => {
                    tracing::info!(duree = ?acces.duree, communes = acces.scenario.communes().len(), "APL calculée");
                    etat.pret = Some(Arc::new(acces));
                }
                Err(erreur) => {
                    tracing::error!(%erreur, "calcul de l'APL");
                    etat.echec = Some((cle, erreur.to_string()));
                }
            }
        });
        Ok(Situation::EnCours {
            etape: Etape::Lecture,
            precedent: etat.pret.clone(),
        })
    }
}

impl Calculateur {
    /// The reference files loaded.
    pub async fn jeux(&self, store: &Store) -> Result<Arc<Vec<JeuDeDonnees>>, StoreError> {
        let generation = store.generation().await?;
        if let Some((lue, jeux)) = &*self.jeux.lock().expect("jeux lus")
            && *lue == generation
        {
            return Ok(Arc::clone(jeux));
        }
        let jeux = Arc::new(donnees_de_reference::jeux(store).await?);
        *self.jeux.lock().expect("jeux lus") = Some((generation, Arc::clone(&jeux)));
        Ok(jeux)
    }
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
    simulation: Simulation,
    parametres: &'static str,
}

impl Page {
    fn decimal(&self, v: &f64) -> String {
        format!("{v:.2}").replace('.', ",")
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
