//! The public portal, for residents: the home (`/`) — « Quel contrat local de santé pour ma
//! commune ? », the key figures and the map of the published contracts, what is new —, the
//! search of a commune by name, INSEE code or postal code (`/communes?q=`, with its
//! suggestions for the search field, `/communes/suggestions`), a commune's page
//! (`/communes/{code}`: the published contracts covering it, or whom to ask), and the pages
//! French public websites owe their readers: the accessibility statement (`/accessibilite`)
//! and the legal notices (`/mentions-legales`); each published contract's news as a feed
//! (`flux`), the sitemap for search engines (`plan_du_site`). Everything comes from
//! [`pilote_store::portail`]: published contracts only, the same for every visitor.

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use pilote_domain::montant::milliers;
use pilote_domain::portail::{Chiffres, LONGUEUR_MIN, Nouveaute, Portail};
use pilote_domain::portefeuille::{CommuneDuPortefeuille, ContratDuPortefeuille};
use pilote_rapport::carte::{self, CREDIT, Classe, Dessin, NUANCIER, Zone};
use pilote_store::portail;
use serde::Deserialize;

use crate::noyau::aujourdhui;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::visiteur::Visiteur;
use crate::{AppState, Editeur};

pub mod flux;
pub mod plan_du_site;

/// How many pieces of news the home shows.
const NOUVEAUTES: usize = 8;
/// How many communes a search lists, and how many suggestions the field offers.
const RESULTATS: usize = 20;
const SUGGESTIONS: usize = 8;
/// The longest search read: no commune's name is longer.
const RECHERCHE_MAX: usize = 100;

/// The portal's routes, each under [`Politique::Portail`].
pub(crate) fn routes() -> Routes {
    use Politique::Portail;
    vec![
        route(Method::GET, "/", Portail, get(accueil)),
        route(Method::GET, "/communes", Portail, get(recherche)),
        route(
            Method::GET,
            "/communes/suggestions",
            Portail,
            get(suggestions),
        ),
        route(Method::GET, "/communes/{code}", Portail, get(commune)),
        route(Method::GET, "/accessibilite", Portail, get(accessibilite)),
        route(
            Method::GET,
            "/mentions-legales",
            Portail,
            get(mentions_legales),
        ),
        route(
            Method::GET,
            "/contrats/{id}/actualites.xml",
            Portail,
            get(flux::actualites),
        ),
        route(
            Method::GET,
            "/sitemap.xml",
            Portail,
            get(plan_du_site::plan_du_site),
        ),
        route(
            Method::GET,
            "/robots.txt",
            Portail,
            get(plan_du_site::robots),
        ),
    ]
}

/// What a search asks: `q`, a commune's name, INSEE code or postal code.
#[derive(Debug, Default, Deserialize)]
pub struct Demande {
    #[serde(default)]
    q: String,
}

impl Demande {
    /// The text searched, trimmed; a suggestion chosen (« Caen (14118) ») gives its code;
    /// other words in brackets (« Saint-Denis (Réunion) ») are left aside.
    fn texte(&self) -> Result<&str, AppError> {
        let texte = self.q.trim();
        if texte.chars().count() > RECHERCHE_MAX {
            return Err(AppError::BadRequest(format!(
                "La recherche « q » dépasse {RECHERCHE_MAX} caractères : saisissez le nom \
                 d'une commune, son code postal ou son code INSEE."
            )));
        }
        let Some((nom, entre)) = texte.strip_suffix(')').and_then(|t| t.rsplit_once('(')) else {
            return Ok(texte);
        };
        let entre = entre.trim();
        let code = entre.len() == 5 && entre.chars().all(|c| c.is_ascii_alphanumeric());
        Ok(if code { entre } else { nom.trim() })
    }
}

/// A commune found, with what the portal says of it in a line.
struct Trouvee<'a> {
    commune: &'a CommuneDuPortefeuille,
    departement: String,
    codes_postaux: String,
    contrats: usize,
}

fn trouvee<'a>(portail: &'a Portail, commune: &'a CommuneDuPortefeuille) -> Trouvee<'a> {
    let geo = &portail.portefeuille.geographie;
    let indice = geo.indice(&commune.code).unwrap_or(usize::MAX);
    Trouvee {
        commune,
        departement: geo
            .departements
            .get(&commune.departement)
            .map_or_else(String::new, |(nom, _)| nom.clone()),
        codes_postaux: portail.codes_postaux.codes(indice).join(", "),
        contrats: portail.contrats_de(indice).len(),
    }
}

/// The classes of the map of published contracts by département.
fn classes() -> Vec<Classe> {
    [
        "Aucun contrat publié",
        "1 contrat",
        "2 ou 3 contrats",
        "De 4 à 9 contrats",
        "10 contrats et plus",
    ]
    .iter()
    .zip(NUANCIER)
    .map(|(libelle, couleur)| Classe {
        libelle: (*libelle).to_owned(),
        couleur,
    })
    .collect()
}

/// The map of the published contracts, by département.
fn carte_des_contrats(portail: &Portail) -> String {
    let zones: Vec<Zone> = portail
        .departements()
        .iter()
        .map(|t| Zone {
            code: t.code.clone(),
            classe: match t.contrats {
                0 => 0,
                1 => 1,
                2 | 3 => 2,
                4..=9 => 3,
                _ => 4,
            },
            titre: format!(
                "{} ({}) : {}",
                t.nom,
                t.code,
                match t.contrats {
                    0 => "aucun contrat publié".to_owned(),
                    1 => "1 contrat".to_owned(),
                    n => format!("{n} contrats"),
                }
            ),
        })
        .collect();
    carte::carte(
        "carte-contrats",
        "Contrats locaux de santé publiés, par département",
        "Carte des départements coloriés selon le nombre de contrats publiés qui les \
         touchent ; les chiffres de chaque département, outre-mer compris, sont dans le \
         tableau qui suit.",
        Dessin {
            zones: &zones,
            points: &[],
            etiquettes: &[],
            classes: &classes(),
        },
    )
}

#[derive(Template)]
#[template(path = "portail/accueil.html")]
struct Accueil<'a> {
    entete: Entete,
    chiffres: Chiffres,
    carte: String,
    credit: &'static str,
    portail: &'a Portail,
    nouveautes: Vec<&'a Nouveaute>,
}

impl Accueil<'_> {
    fn milliers(&self, n: &u64) -> String {
        milliers(*n)
    }
}

/// `GET /`: the portal's home.
pub async fn accueil(
    State(state): State<AppState>,
    visiteur: Visiteur,
) -> Result<Html<String>, AppError> {
    let portail = portail::lire(&state.store).await?;
    let page = Accueil {
        entete: visiteur.entete(&state),
        chiffres: portail.chiffres(),
        carte: carte_des_contrats(&portail),
        credit: CREDIT,
        portail: &portail,
        nouveautes: portail.nouveautes(aujourdhui(), NOUVEAUTES),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "portail/recherche.html")]
struct Recherche<'a> {
    entete: Entete,
    texte: &'a str,
    /// What to say instead of results: nothing typed, too short, nothing found.
    message: Option<String>,
    trouvees: Vec<Trouvee<'a>>,
    /// Whether more communes answer than are listed.
    tronquee: bool,
}

/// `GET /communes?q=`: the communes `q` names; a single one is opened at once.
pub async fn recherche(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(demande): Parametres<Demande>,
) -> Result<Response, AppError> {
    let texte = demande.texte()?;
    let portail = portail::lire(&state.store).await?;
    let communes = portail.chercher(texte, RESULTATS + 1);
    if let [seule] = communes.as_slice() {
        return Ok(rediriger(&format!("/communes/{}", seule.code), []));
    }
    let message = if texte.is_empty() {
        Some("Saisissez le nom d'une commune, son code postal ou son code INSEE.".to_owned())
    } else if communes.is_empty() && texte.chars().count() < LONGUEUR_MIN {
        Some(format!(
            "« {texte} » est trop court : saisissez au moins {LONGUEUR_MIN} lettres du nom \
             de la commune, ou son code postal."
        ))
    } else if communes.is_empty() {
        Some(format!(
            "Aucune commune ne correspond à « {texte} ». Vérifiez l'orthographe, ou \
             saisissez le code postal (5 chiffres) ou le code INSEE de la commune."
        ))
    } else {
        None
    };
    let page = Recherche {
        entete: visiteur.entete(&state),
        texte,
        message,
        tronquee: communes.len() > RESULTATS,
        trouvees: communes
            .into_iter()
            .take(RESULTATS)
            .map(|c| trouvee(&portail, c))
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "portail/suggestions.html")]
struct Suggestions<'a> {
    communes: Vec<Trouvee<'a>>,
}

/// `GET /communes/suggestions?q=`: the options of the search field's list, as the visitor
/// types (htmx).
pub async fn suggestions(
    State(state): State<AppState>,
    Parametres(demande): Parametres<Demande>,
) -> Result<Html<String>, AppError> {
    let texte = demande.texte()?;
    let portail = portail::lire(&state.store).await?;
    let page = Suggestions {
        communes: portail
            .chercher(texte, SUGGESTIONS)
            .into_iter()
            .map(|c| trouvee(&portail, c))
            .collect(),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "portail/commune.html")]
struct PageCommune<'a> {
    entete: Entete,
    trouvee: Trouvee<'a>,
    region: String,
    epci: Option<String>,
    contrats: Vec<(&'a ContratDuPortefeuille, u64)>,
    /// When none covers it: the published contracts of its département.
    voisins: Vec<&'a ContratDuPortefeuille>,
}

impl PageCommune<'_> {
    fn milliers(&self, n: &u64) -> String {
        milliers(*n)
    }
}

/// `GET /communes/{code}`: the published contracts covering a commune, or whom to ask.
pub async fn commune(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(code): Chemin<String>,
) -> Result<Html<String>, AppError> {
    let portail = portail::lire(&state.store).await?;
    let Some((indice, commune)) = portail.commune(&code.to_uppercase()) else {
        return Err(AppError::NotFound(format!(
            "Aucune commune n'a le code INSEE « {code} » : cherchez-la par son nom ou son \
             code postal depuis l'accueil."
        )));
    };
    let geo = &portail.portefeuille.geographie;
    let contrats = portail.contrats_de(indice);
    let voisins = if contrats.is_empty() {
        portail
            .portefeuille
            .contrats
            .iter()
            .filter(|c| c.resume.departements.contains(&commune.departement))
            .collect()
    } else {
        Vec::new()
    };
    let page = PageCommune {
        entete: visiteur.entete(&state),
        region: geo
            .regions
            .get(&commune.region)
            .cloned()
            .unwrap_or_default(),
        epci: commune.epci.as_ref().and_then(|e| geo.epci.get(e)).cloned(),
        trouvee: trouvee(&portail, commune),
        contrats,
        voisins,
    };
    Ok(Html(page.render()?))
}

/// What the site's legal pages say of who publishes it and of Pilote.
struct Legal {
    editeur: Editeur,
    url: String,
    version: &'static str,
}

impl Legal {
    fn new(state: &AppState) -> Self {
        Self {
            editeur: state.editeur.clone(),
            url: state.url_publique.clone(),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Template)]
#[template(path = "portail/accessibilite.html")]
struct Accessibilite {
    entete: Entete,
    legal: Legal,
}

/// `GET /accessibilite`: the accessibility statement (« Déclaration d'accessibilité »).
pub async fn accessibilite(
    State(state): State<AppState>,
    visiteur: Visiteur,
) -> Result<Html<String>, AppError> {
    let page = Accessibilite {
        entete: visiteur.entete(&state),
        legal: Legal::new(&state),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "portail/mentions_legales.html")]
struct MentionsLegales {
    entete: Entete,
    legal: Legal,
}

/// `GET /mentions-legales`: the legal notices.
pub async fn mentions_legales(
    State(state): State<AppState>,
    visiteur: Visiteur,
) -> Result<Html<String>, AppError> {
    let page = MentionsLegales {
        entete: visiteur.entete(&state),
        legal: Legal::new(&state),
    };
    Ok(Html(page.render()?))
}
