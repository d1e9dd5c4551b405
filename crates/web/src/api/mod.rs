//! The JSON API under `/api/v1`: the same facts as the pages, read with the same rights, and
//! the OpenAPI document that describes it ([`documentation`]).

mod documentation;

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::http::{HeaderName, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::get;
use pilote_domain::contrat::ContratResume;
use pilote_store::contrat::{self, ContratComplet};

use crate::AppState;
use crate::noyau::erreur::{ApiError, AppError, CorpsErreur, phrase};
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::liste::{RequeteListe, requete_de};
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::visiteur::Visiteur;

/// `GET /api/v1/contrats`: one page of the contracts the caller may read (`page`, `par_page`,
/// 50 by default), filtered by `region`, `departement`, `statut` and `texte`; the total is in
/// `X-Total-Count`, the next page in a `Link` header.
#[utoipa::path(
    get,
    path = "/api/v1/contrats",
    tag = "contrats",
    summary = "Liste des contrats",
    description = "Une page des contrats que l'appelant peut lire (les contrats publiés pour \
                   tous), filtrée par région, département, statut ou texte. Le nombre total de contrats trouvés est dans l'en-tête \
                   `X-Total-Count`, l'adresse de la page suivante dans l'en-tête `Link`.",
    params(
        ("region" = Option<String>, Query, description = "Code INSEE de la région (par exemple 28).", example = "28"),
        ("departement" = Option<String>, Query, description = "Code INSEE du département (par exemple 14 ou 2A).", example = "14"),
        ("statut" = Option<pilote_domain::contrat::StatutContrat>, Query, description = "Statut du contrat."),
        ("texte" = Option<String>, Query, description = "Texte cherché dans le nom et l'identifiant du contrat, sans tenir compte des accents ni des majuscules."),
        ("page" = Option<u32>, Query, minimum = 1, description = "Numéro de la page, à partir de 1 (1 par défaut)."),
        ("par_page" = Option<u32>, Query, minimum = 1, maximum = 500, description = "Contrats par page (50 par défaut, 500 au plus)."),
    ),
    responses(
        (status = 200, description = "Les contrats de la page.", body = Vec<ContratResume>,
            headers(
                ("X-Total-Count" = u64, description = "Nombre de contrats trouvés, toutes pages confondues."),
                ("Link" = String, description = "`</api/v1/contrats?page=N…>; rel=\"next\"` tant qu'il reste une page."),
            )),
        (status = 400, description = "Un paramètre est mal formé ; le message le nomme.", body = CorpsErreur),
    ),
    security((), ("session" = [])),
)]
pub async fn liste(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(requete): Parametres<RequeteListe>,
) -> Result<Response, ApiError> {
    let filtre = requete
        .filtre()
        .map_err(|e| ApiError(AppError::BadRequest(phrase(&e))))?;
    let liste = contrat::chercher(&state.store, &visiteur.auteur, &filtre).await?;
    let mut entetes = vec![(
        HeaderName::from_static("x-total-count"),
        liste.total.to_string(),
    )];
    if liste.page < liste.pages() {
        entetes.push((
            header::LINK,
            format!(
                "</api/v1/contrats?{}>; rel=\"next\"",
                requete_de(&filtre, liste.page + 1)
            ),
        ));
    }
    let corps: Vec<ContratResume> = liste.contrats;
    Ok((AppendHeaders(entetes), Json(corps)).into_response())
}

/// `GET /api/v1/contrats/{id}`: a whole contract, as far as the caller may read it.
#[utoipa::path(
    get,
    path = "/api/v1/contrats/{id}",
    tag = "contrats",
    summary = "Un contrat",
    description = "Tout ce que l'appelant peut lire d'un contrat : pour le public, ce que le \
                   contrat publie (sa projection publique) ; pour les personnes connectées, ce \
                   que leur rôle leur ouvre. Avec son territoire résolu (communes, \
                   intercommunalités, population), ses générations précédente et suivantes et \
                   sa version (qui change à chaque modification).",
    params(("id" = pilote_domain::IdContrat, Path, description = "Identifiant du contrat.")),
    responses(
        (status = 200, description = "Le contrat.", body = ContratComplet),
        (status = 404, description = "Aucun contrat lisible par l'appelant ne porte cet identifiant, ou l'identifiant est mal formé ; le message dit lequel (un contrat non publié n'existe pas pour le public).", body = CorpsErreur),
    ),
    security((), ("session" = [])),
)]
pub async fn detail(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
) -> Result<Json<ContratComplet>, ApiError> {
    let id = crate::noyau::identifiant(&id)?;
    Ok(Json(
        contrat::lire(&state.store, &visiteur.auteur, &id).await?,
    ))
}

/// The routes of the JSON API and of its description, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(Method::GET, "/api/v1/contrats", ListeContrats, get(liste)),
        route(
            Method::GET,
            "/api/v1/contrats/{id}",
            LireContrat,
            get(detail),
        ),
        route(
            Method::GET,
            "/api/v1/openapi.json",
            Portail,
            get(documentation::document),
        ),
        route(Method::GET, "/api", Portail, get(documentation::page)),
    ]
}
