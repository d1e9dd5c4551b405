//! The portfolio of contracts (`/portefeuille`) of an ARS agent's scope — the nation, a
//! région, a département — or, for an administrator, of every contract: key figures, maps of
//! the départements and régions coloured by the share of their population a contract covers
//! or by their number of contracts (each with its table), every contract with its status,
//! period, territory, population, actions, funding and next renewal, filtered and sorted,
//! the totals by département and région, the communes no contract covers and, among them,
//! those where a contract is needed ([`besoins`]). The same as
//! XLSX, ODS or CSV (`/portefeuille.xlsx`…). A national or regional agent may narrow the
//! page to a région or a département of their scope.

mod besoins;

use std::borrow::Borrow;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use pilote_domain::Montant;
use pilote_domain::autorisation::Perimetre;
use pilote_domain::besoins::{Besoin, BesoinEpci, apl_en_lettres};
use pilote_domain::contrat::StatutContrat;
use pilote_domain::portefeuille::{
    Filtre, GeographieDuPortefeuille, LignePortefeuille, Portefeuille, Total, Tri, Vue,
};
use pilote_domain::referentiel::{Public, Thematique};
use pilote_rapport::carte::{self, CREDIT, Classe, Dessin, Etiquette, NUANCIER, Zone};
use pilote_rapport::graphique::nombre;
use pilote_store::export::{Case, Feuille};
use pilote_store::portefeuille;
use serde::Deserialize;

use crate::AppState;
use crate::noyau::cache::Fragment;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::Parametres;
use crate::noyau::liste::{code_territoire, encoder, rempli};
use crate::noyau::page::Entete;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::tableur::{self, Format};
use crate::noyau::visiteur::{Visiteur, sans_session};
use besoins::Donnees;

/// The page's address.
pub const CHEMIN: &str = "/portefeuille";

/// How many communes without a contract the page lists (the export has them all).
const NON_COUVERTES: usize = 50;

/// The page's and the exports' routes, with their policy.
pub(crate) fn routes() -> Routes {
    let mut routes = vec![route(
        Method::GET,
        CHEMIN,
        Politique::Portefeuille,
        get(page),
    )];
    for format in Format::TOUS {
        routes.push(route(
            Method::GET,
            match format {
                Format::Xlsx => "/portefeuille.xlsx",
                Format::Ods => "/portefeuille.ods",
                Format::Csv => "/portefeuille.csv",
            },
            Politique::Portefeuille,
            get(
                move |s: State<AppState>, v: Visiteur, p: Parametres<RequetePortefeuille>| {
                    export(s, v, p, format)
                },
            ),
        ));
    }
    routes
}

/// The query string: the scope narrowed, the filters, the sort, the map's measure and, for
/// a CSV, its sheet.
#[derive(Debug, Default, Deserialize)]
pub struct RequetePortefeuille {
    region: Option<String>,
    departement: Option<String>,
    statut: Option<String>,
    annee: Option<String>,
    thematique: Option<String>,
    public: Option<String>,
    generation: Option<String>,
    texte: Option<String>,
    tri: Option<String>,
    carte: Option<String>,
    feuille: Option<String>,
}

/// What the maps colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mesure {
    /// The share of the population in a contract's territory.
    Couverture,
    /// The number of contracts.
    Contrats,
}

/// The query string read: the scope asked for (within the visitor's), the filter, the map.
struct Demande {
    perimetre: Option<Perimetre>,
    filtre: Filtre,
    mesure: Mesure,
}

impl RequetePortefeuille {
    /// The request, each faulty parameter named.
    fn lire(&self) -> Result<Demande, String> {
        let perimetre = match (
            code_territoire("région", &self.region)?,
            code_territoire("département", &self.departement)?,
        ) {
            (_, Some(d)) => Some(Perimetre::Departement(d)),
            (Some(r), None) => Some(Perimetre::Region(r)),
            (None, None) => None,
        };
        let annee = match rempli(&self.annee) {
            Some(a) => Some(
                a.parse::<u16>()
                    .ok()
                    .filter(|a| (1990..=2100).contains(a))
                    .ok_or_else(|| format!("« {a} » n'est pas une année (par exemple 2025)"))?,
            ),
            None => None,
        };
        let generation = match rempli(&self.generation) {
            Some(g) => Some(
                g.parse::<u8>()
                    .ok()
                    .filter(|g| *g >= 1)
                    .ok_or_else(|| format!("« {g} » n'est pas une génération (1, 2, 3…)"))?,
            ),
            None => None,
        };
        let referentiel = |quoi: &str, e: String| format!("{quoi} : {e}");
        let mesure = match rempli(&self.carte) {
            None | Some("couverture") => Mesure::Couverture,
            Some("contrats") => Mesure::Contrats,
            Some(autre) => {
                return Err(format!(
                    "carte inconnue « {autre} » : choisissez couverture ou contrats"
                ));
            }
        };
        Ok(Demande {
            perimetre,
            filtre: Filtre {
                statut: rempli(&self.statut)
                    .map(StatutContrat::parse)
                    .transpose()
                    .map_err(|e| referentiel("statut", e))?,
                annee,
                thematique: rempli(&self.thematique)
                    .map(Thematique::parse)
                    .transpose()
                    .map_err(|e| referentiel("thématique", e))?,
                public: rempli(&self.public)
                    .map(Public::parse)
                    .transpose()
                    .map_err(|e| referentiel("public", e))?,
                generation,
                texte: rempli(&self.texte).map(str::to_owned),
                tri: rempli(&self.tri)
                    .map(Tri::parse)
                    .transpose()?
                    .unwrap_or_default(),
            },
            mesure,
        })
    }
}

/// The portfolio read for a visitor: what they asked, and the scopes they are shown.
struct Lu {
    portefeuille: Arc<Portefeuille>,
    demande: Demande,
    perimetres: Vec<Perimetre>,
}

impl Lu {
    /// What `visiteur` sees of it (every contract they may read of its scopes that the filter
    /// keeps), unpublished contracts journaled.
    fn vue(&self, state: &AppState, visiteur: &Visiteur) -> Result<Vue<'_>, AppError> {
        Ok(portefeuille::vue(
            &state.store,
            &visiteur.auteur,
            &self.portefeuille,
            &self.perimetres,
            &self.demande.filtre,
        )?)
    }
}

/// The portfolio and what `visiteur` asked of it, after the checks: signed in, with a
/// portfolio, the query string well formed, the scope asked for within theirs.
async fn lire(
    state: &AppState,
    visiteur: &Visiteur,
    requete: &RequetePortefeuille,
) -> Result<Lu, AppError> {
    if visiteur.session.is_none() {
        return Err(sans_session());
    }
    portefeuille::perimetres_de(&visiteur.auteur)?;
    let demande = requete
        .lire()
        .map_err(|e| AppError::BadRequest(phrase(&e)))?;
    let p = portefeuille::lire(&state.store, &visiteur.auteur).await?;
    let perimetres =
        portefeuille::perimetres_vus(&visiteur.auteur, &p, demande.perimetre.as_ref())?;
    Ok(Lu {
        portefeuille: p,
        demande,
        perimetres,
    })
}

/// A map with its title, for the page.
struct Carte {
    titre: String,
    svg: String,
}

/// The page: the visitor's header around its content, kept for all who see the same.
#[derive(Template)]
#[template(path = "portefeuille/page.html")]
struct Page {
    entete: Entete,
    perimetre: String,
    fragment: Arc<Fragment>,
}

/// The page's content, the same for every visitor of the same scopes asking the same.
#[derive(Template)]
#[template(path = "portefeuille/contenu.html")]
struct Contenu<'a> {
    /// The scope shown, in words.
    perimetre: String,
    /// The régions and départements the visitor may narrow the page to.
    regions: Vec<(String, String)>,
    departements: Vec<(String, String)>,
    requete: &'a RequetePortefeuille,
    mesure: Mesure,
    vue: Vue<'a>,
    cartes: Vec<Carte>,
    /// Where the next contract is needed: the communes and their EPCI, their maps (by
    /// département, and the communes themselves when situated), and what the reference data
    /// says or lacks.
    besoins: (Vec<Besoin<'a>>, Vec<BesoinEpci>),
    carte_besoins: String,
    carte_besoins_communes: Option<String>,
    mentions: Vec<String>,
    /// The query string of the filters, for the exports' links.
    filtres: String,
    credit: &'static str,
}

impl Contenu<'_> {
    fn actions(&self) -> usize {
        self.vue.contrats.iter().map(|l| l.contrat.actions).sum()
    }

    fn realisees(&self) -> usize {
        self.vue
            .contrats
            .iter()
            .map(|l| l.contrat.actions_realisees)
            .sum()
    }

    fn population_non_couverte(&self) -> u64 {
        self.vue.non_couvertes.iter().map(|c| c.population).sum()
    }

    /// The communes in need shown, and the EPCI.
    fn besoins_montres(&self) -> &[Besoin<'_>] {
        &self.besoins.0[..self.besoins.0.len().min(NON_COUVERTES)]
    }

    fn besoins_epci(&self) -> &[BesoinEpci] {
        &self.besoins.1[..self.besoins.1.len().min(NON_COUVERTES)]
    }

    fn apl(&self, b: &Besoin) -> String {
        b.indices
            .apl
            .map_or("—".to_owned(), |(apl, _)| apl_en_lettres(apl))
    }

    fn non_couvertes(&self) -> &[&pilote_domain::portefeuille::CommuneDuPortefeuille] {
        &self.vue.non_couvertes[..self.vue.non_couvertes.len().min(NON_COUVERTES)]
    }

    fn milliers(&self, n: impl Borrow<u64>) -> String {
        pilote_domain::montant::milliers(*n.borrow())
    }

    fn pourcent(&self, part: impl Borrow<f64>) -> String {
        pourcent(*part.borrow())
    }

    fn choisi(&self, valeur: &Option<String>, code: &str) -> bool {
        rempli(valeur) == Some(code)
    }

    fn financeurs(&self, l: &LignePortefeuille) -> String {
        financeurs(l)
    }

    fn statuts(&self) -> &'static [StatutContrat] {
        StatutContrat::TOUS
    }

    fn thematiques(&self) -> &'static [Thematique] {
        Thematique::TOUS
    }

    fn publics(&self) -> &'static [Public] {
        Public::TOUS
    }

    fn tris(&self) -> [Tri; 5] {
        Tri::TOUS
    }
}

/// A share as « 42 % », « 0,4 % » below one percent but not nothing.
fn pourcent(part: f64) -> String {
    let p = part * 100.0;
    if p > 0.0 && p < 1.0 {
        format!("{} %", nombre((p * 10.0).round() / 10.0))
    } else {
        format!("{} %", nombre(p.round()))
    }
}

/// The funders and their planned amounts, the largest first.
fn financeurs(l: &LignePortefeuille) -> String {
    let mut f: Vec<(&String, Montant)> = l
        .contrat
        .financement
        .iter()
        .map(|(n, s)| (n, s.previsionnel))
        .collect();
    f.sort_by_key(|(_, m)| std::cmp::Reverse(m.centimes()));
    f.iter()
        .map(|(n, m)| format!("{n} : {}", m.en_euros()))
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// The classes of a measure, and the class of a total.
fn classes(mesure: Mesure) -> Vec<Classe> {
    let libelles: [&str; 5] = match mesure {
        Mesure::Couverture => [
            "Aucune commune couverte",
            "Moins de 25 % de la population couverte",
            "De 25 à 50 %",
            "De 50 à 75 %",
            "75 % et plus",
        ],
        Mesure::Contrats => [
            "Aucun contrat",
            "1 contrat",
            "2 ou 3 contrats",
            "De 4 à 9 contrats",
            "10 contrats et plus",
        ],
    };
    libelles
        .iter()
        .zip(NUANCIER)
        .map(|(l, couleur)| Classe {
            libelle: (*l).to_owned(),
            couleur,
        })
        .collect()
}

fn classe(mesure: Mesure, t: &Total) -> usize {
    match mesure {
        Mesure::Couverture if t.communes_couvertes == 0 => 0,
        Mesure::Couverture => match t.part() {
            p if p < 0.25 => 1,
            p if p < 0.5 => 2,
            p if p < 0.75 => 3,
            _ => 4,
        },
        Mesure::Contrats => match t.contrats {
            0 => 0,
            1 => 1,
            2 | 3 => 2,
            4..=9 => 3,
            _ => 4,
        },
    }
}

fn valeur(mesure: Mesure, t: &Total) -> String {
    match mesure {
        Mesure::Couverture => format!("{} de la population couverte", pourcent(t.part())),
        Mesure::Contrats => match t.contrats {
            0 => "aucun contrat".to_owned(),
            1 => "1 contrat".to_owned(),
            n => format!("{n} contrats"),
        },
    }
}

/// The maps of the départements and of the régions of `vue`.
fn cartes(geo: &GeographieDuPortefeuille, vue: &Vue, mesure: Mesure) -> Vec<Carte> {
    let classes = classes(mesure);
    let quoi = match mesure {
        Mesure::Couverture => "Part de la population couverte par un contrat local de santé",
        Mesure::Contrats => "Nombre de contrats locaux de santé",
    };
    let dessines: Vec<&str> = carte::departements_dessines().collect();
    let absents: Vec<String> = vue
        .departements
        .iter()
        .filter(|t| !dessines.contains(&t.code.as_str()))
        .map(|t| format!("{} ({})", t.nom, t.code))
        .collect();
    let outre_mer = if absents.is_empty() {
        String::new()
    } else {
        format!(
            " Hors de la carte, dans le tableau : {}.",
            absents.join(", ")
        )
    };
    let par_departement: Vec<Zone> = vue
        .departements
        .iter()
        .map(|t| Zone {
            code: t.code.clone(),
            classe: classe(mesure, t),
            titre: format!("{} ({}) : {}", t.nom, t.code, valeur(mesure, t)),
        })
        .collect();
    let region_de = |d: &str| geo.departements.get(d).map(|(_, r)| r.as_str());
    let par_region: Vec<Zone> = vue
        .departements
        .iter()
        .filter_map(|d| {
            let r = vue
                .regions
                .iter()
                .find(|r| Some(r.code.as_str()) == region_de(&d.code))?;
            Some(Zone {
                code: d.code.clone(),
                classe: classe(mesure, r),
                titre: format!("{} : {}", r.nom, valeur(mesure, r)),
            })
        })
        .collect();
    let etiquettes: Vec<Etiquette> = vue
        .regions
        .iter()
        .map(|r| Etiquette {
            texte: r.nom.clone(),
            departements: vue
                .departements
                .iter()
                .filter(|d| region_de(&d.code) == Some(r.code.as_str()))
                .map(|d| d.code.clone())
                .collect(),
        })
        .collect();
    let carte = |titre: &str, id, zones: &[Zone], coloriees, etiquettes: &[Etiquette]| Carte {
        titre: format!("Par {titre}"),
        svg: carte::carte(
            id,
            &format!("{quoi}, par {titre}"),
            &format!(
                "Carte des {titre}s {coloriees} en {} classes ; les chiffres sont dans le \
                 tableau qui suit.{outre_mer}",
                classes.len()
            ),
            Dessin {
                zones,
                points: &[],
                etiquettes,
                classes: &classes,
            },
        ),
    };
    vec![
        carte(
            "département",
            "carte-departements",
            &par_departement,
            "coloriés",
            &[],
        ),
        carte(
            "région",
            "carte-regions",
            &par_region,
            "coloriées",
            &etiquettes,
        ),
    ]
}

/// The query string of the filters asked for (the sheet aside), for the exports' links.
fn filtres(requete: &RequetePortefeuille) -> String {
    let mut parametres = Vec::new();
    for (nom, valeur) in [
        ("region", &requete.region),
        ("departement", &requete.departement),
        ("statut", &requete.statut),
        ("annee", &requete.annee),
        ("thematique", &requete.thematique),
        ("public", &requete.public),
        ("generation", &requete.generation),
        ("texte", &requete.texte),
        ("tri", &requete.tri),
    ] {
        if let Some(v) = rempli(valeur) {
            parametres.push(format!("{nom}={}", encoder(v)));
        }
    }
    parametres.join("&")
}

/// `GET /portefeuille`: its content made once for a scope and a query string, while nothing
/// changes, the reading of unpublished contracts journaled each time.
async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(requete): Parametres<RequetePortefeuille>,
) -> Result<Response, AppError> {
    // The counter before the data: what is kept under it is never older than it.
    let generation = state.store.generation().await?;
    let lu = lire(&state, &visiteur, &requete).await?;
    let geo = &lu.portefeuille.geographie;
    let perimetre = lu
        .perimetres
        .iter()
        .filter_map(|x| geo.libelle(x))
        .collect::<Vec<_>>()
        .join(", ");
    let siens = portefeuille::perimetres_de(&visiteur.auteur)?;
    // The state of the reference data too: an APL computed since is shown at once.
    let mut donnees = besoins::donnees(&state).await?;
    let cle = format!("{siens:?} {requete:?} {}", donnees.cle);
    let fragment = match state.fragments.lire(&cle, generation) {
        Some(f) => {
            portefeuille::consigner(&state.store, &visiteur.auteur, f.non_publie.as_deref());
            f
        }
        None => {
            donnees.lire_qpv(&state).await?;
            let vue = lu.vue(&state, &visiteur)?;
            let non_publie = portefeuille::non_publies(&vue);
            let mut contenu = Contenu {
                perimetre: perimetre.clone(),
                regions: geo
                    .regions
                    .iter()
                    .filter(|(r, _)| geo.contient(&siens, &Perimetre::Region((*r).clone())))
                    .map(|(r, n)| (r.clone(), n.clone()))
                    .collect(),
                departements: geo
                    .departements
                    .iter()
                    .filter(|(d, _)| geo.contient(&siens, &Perimetre::Departement((*d).clone())))
                    .map(|(d, (n, _))| (d.clone(), format!("{n} ({d})")))
                    .collect(),
                requete: &requete,
                mesure: lu.demande.mesure,
                cartes: cartes(geo, &vue, lu.demande.mesure),
                besoins: donnees.besoins(geo, &vue.non_couvertes),
                carte_besoins: String::new(),
                carte_besoins_communes: None,
                mentions: donnees.mentions.clone(),
                vue,
                filtres: filtres(&requete),
                credit: CREDIT,
            };
            let departements: Vec<(String, String)> = contenu
                .vue
                .departements
                .iter()
                .map(|t| (t.code.clone(), t.nom.clone()))
                .collect();
            contenu.carte_besoins = besoins::carte(&departements, &contenu.besoins.0);
            contenu.carte_besoins_communes = donnees.carte_des_communes(&contenu.besoins.0);
            let fragment = Arc::new(Fragment {
                html: contenu.render()?,
                non_publie,
            });
            state
                .fragments
                .garder(cle, generation, Arc::clone(&fragment));
            fragment
        }
    };
    let page = Page {
        entete: visiteur.entete(&state),
        perimetre,
        fragment,
    };
    Ok(Html(page.render()?).into_response())
}

/// The sheets of the portfolio: its contracts, départements, régions, the communes no
/// contract covers, and those of them in need with their EPCI.
const FEUILLES: [&str; 6] = [
    "contrats",
    "departements",
    "regions",
    "communes-sans-contrat",
    "besoins-communes",
    "besoins-epci",
];

fn feuilles(geo: &GeographieDuPortefeuille, vue: &Vue, donnees: &Donnees) -> Vec<Feuille> {
    let entier = |n: u64| Case::Nombre(n as f64);
    let part = |p: f64| Case::Nombre((p * 1000.0).round() / 10.0);
    let contrats = Feuille {
        nom: "Contrats",
        code: FEUILLES[0],
        colonnes: vec![
            "Identifiant",
            "Contrat",
            "Génération",
            "Statut",
            "Publié",
            "Début",
            "Fin",
            "Départements",
            "Régions",
            "Communes",
            "Population couverte dans le périmètre",
            "Part de la population du périmètre (%)",
            "Fiches-actions",
            "Fiches-actions réalisées",
            "Avancement moyen (%)",
            "Budget prévu",
            "Budget réalisé",
            "Financement prévu par financeur",
            "Renouvellement",
            "Thématiques",
            "Publics",
        ],
        lignes: vue
            .contrats
            .iter()
            .map(|l| {
                let c = l.contrat;
                let r = &c.resume;
                let budget = c.budget();
                vec![
                    Case::texte(r.id.as_str()),
                    Case::texte(r.nom.as_str()),
                    entier(r.generation.into()),
                    Case::texte(r.statut.map(|s| s.libelle()).unwrap_or_default()),
                    Case::texte(if r.publie { "oui" } else { "non" }),
                    Case::nombre(r.periode.as_ref().map(|p| f64::from(p.debut()))),
                    Case::nombre(r.periode.as_ref().and_then(|p| p.fin()).map(f64::from)),
                    Case::liste(&r.departements),
                    Case::liste(&r.regions),
                    entier(r.communes),
                    entier(l.population),
                    part(l.part),
                    entier(c.actions as u64),
                    entier(c.actions_realisees as u64),
                    Case::nombre(c.avancement_moyen.map(f64::from)),
                    Case::Euros(budget.previsionnel),
                    Case::Euros(budget.realise),
                    Case::texte(financeurs(l)),
                    Case::nombre(c.renouvellement().map(f64::from)),
                    Case::liste(c.thematiques.iter().map(|t| t.libelle())),
                    Case::liste(c.publics.iter().map(|p| p.libelle())),
                ]
            })
            .collect(),
    };
    let totaux = |nom, code, totaux: &[Total], avec_region: bool| {
        let mut colonnes = vec!["Code", "Nom"];
        if avec_region {
            colonnes.push("Région");
        }
        colonnes.extend([
            "Contrats",
            "Population",
            "Population couverte",
            "Part couverte (%)",
            "Communes",
            "Communes couvertes",
        ]);
        Feuille {
            nom,
            code,
            colonnes,
            lignes: totaux
                .iter()
                .map(|t| {
                    let mut ligne = vec![Case::texte(t.code.as_str()), Case::texte(t.nom.as_str())];
                    if avec_region {
                        let region = geo
                            .departements
                            .get(&t.code)
                            .and_then(|(_, r)| geo.regions.get(r))
                            .map_or("", String::as_str);
                        ligne.push(Case::texte(region));
                    }
                    ligne.extend([
                        entier(t.contrats as u64),
                        entier(t.population),
                        entier(t.population_couverte),
                        part(t.part()),
                        entier(t.communes as u64),
                        entier(t.communes_couvertes as u64),
                    ]);
                    ligne
                })
                .collect(),
        }
    };
    let communes = Feuille {
        nom: "Communes sans contrat",
        code: FEUILLES[3],
        colonnes: vec![
            "Code INSEE",
            "Commune",
            "Département",
            "Région",
            "Population",
        ],
        lignes: vue
            .non_couvertes
            .iter()
            .map(|c| {
                vec![
                    Case::texte(c.code.as_str()),
                    Case::texte(c.nom.as_str()),
                    Case::texte(c.departement.as_str()),
                    Case::texte(c.region.as_str()),
                    entier(c.population),
                ]
            })
            .collect(),
    };
    let (besoins, epci) = donnees.besoins(geo, &vue.non_couvertes);
    let [besoins, epci] = besoins::feuilles(&besoins, &epci, [FEUILLES[4], FEUILLES[5]]);
    vec![
        contrats,
        totaux("Départements", FEUILLES[1], &vue.departements, true),
        totaux("Régions", FEUILLES[2], &vue.regions, false),
        communes,
        besoins,
        epci,
    ]
}

/// `GET /portefeuille.{xlsx,ods,csv}`
async fn export(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(requete): Parametres<RequetePortefeuille>,
    format: Format,
) -> Result<Response, AppError> {
    let code = format.feuille(requete.feuille.as_deref(), &FEUILLES, FEUILLES[0])?;
    let lu = lire(&state, &visiteur, &requete).await?;
    let vue = lu.vue(&state, &visiteur)?;
    let mut donnees = besoins::donnees(&state).await?;
    donnees.lire_qpv(&state).await?;
    tableur::ecrire(
        feuilles(&lu.portefeuille.geographie, &vue, &donnees),
        format,
        code,
        "portefeuille",
    )
}
