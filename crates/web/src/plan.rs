//! A contract's plan and the spreadsheets coordinators keep: the template to fill in
//! (`/modele-plan.xlsx`; a contract's export has the same sheets and columns),
//! and a plan imported
//! (`/contrats/{id}/plan`): the workbook sent is read against the contract and shown — its
//! axes, objectives and fiches-actions, or each fault by sheet, line and column — before
//! anything is saved; confirmed, the whole plan is added in one change, or nothing. The
//! confirmation carries the workbook itself (base64) and reads it again: the server keeps
//! nothing between the two steps, and what is saved is what the same reading previewed.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_domain::strategie::{Axe, Objectif};
use pilote_store::StoreError;
use pilote_store::contrat::{self, ContratComplet, strategie};
use pilote_store::import::tableur::{self, ErreurTableur};

use crate::AppState;
use crate::noyau::document::{TYPE_XLSX, fichier};
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::Chemin;
use crate::noyau::limites::en_octets;
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::{Formulaire, SurContrat, valeur};
use crate::noyau::visiteur::Visiteur;

/// The largest workbook read: a plan of a few dozen fiches-actions weighs some tens of
/// kilobytes; carried back in base64, it stays within a form's limit.
const CLASSEUR_MAX: usize = 512 << 10;

/// The routes of the template, the export and the import, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(Method::GET, "/modele-plan.xlsx", Ouverte, get(modele)),
        route(
            Method::GET,
            "/contrats/{id}/plan",
            ModifierContrat,
            get(page),
        ),
        route(
            Method::POST,
            "/contrats/{id}/plan/apercu",
            ModifierContrat,
            post(apercu),
        ),
        route(
            Method::POST,
            "/contrats/{id}/plan",
            ModifierContrat,
            post(importer),
        ),
    ]
}

/// `GET /modele-plan.xlsx`: the workbook to fill in, an example line in each sheet.
async fn modele() -> Result<Response, AppError> {
    fichier("modele-plan-cls.xlsx", TYPE_XLSX, tableur::modele())
}

/// Where the import stands.
enum Etape {
    /// Nothing sent yet.
    Depot,
    /// The workbook `nom` refused, with its faults.
    Fautes {
        nom: String,
        fautes: Vec<ErreurTableur>,
    },
    /// The workbook `nom` read: its plan, and the workbook to send back to confirm.
    Apercu {
        nom: String,
        axes: Vec<Axe>,
        classeur: String,
    },
}

#[derive(Template)]
#[template(path = "plan/import.html")]
struct Page {
    entete: Entete,
    c: ContratComplet,
    csrf: String,
    etape: Etape,
    maximum: String,
}

/// One objective of the preview, with its depth in the axis' tree.
struct LigneObjectif<'a> {
    profondeur: usize,
    objectif: &'a Objectif,
}

impl Page {
    fn objectifs<'a>(&self, axe: &'a Axe) -> Vec<LigneObjectif<'a>> {
        axe.objectifs_en_profondeur()
            .into_iter()
            .map(|(profondeur, objectif)| LigneObjectif {
                profondeur,
                objectif,
            })
            .collect()
    }

    /// « 2 axes, 3 objectifs, 5 fiches-actions, 4 lignes de budget, 2 indicateurs ».
    fn resume(&self, axes: &[Axe]) -> String {
        let fiches: Vec<_> = axes.iter().flat_map(Axe::toutes_les_fiches).collect();
        let objectifs: usize = axes.iter().map(|a| a.objectifs_en_profondeur().len()).sum();
        let budget: usize = fiches.iter().map(|f| f.budget.len()).sum();
        let indicateurs: usize = fiches.iter().map(|f| f.indicateurs.len()).sum();
        [
            (axes.len(), "axe", "axes"),
            (objectifs, "objectif", "objectifs"),
            (fiches.len(), "fiche-action", "fiches-actions"),
            (budget, "ligne de budget", "lignes de budget"),
            (indicateurs, "indicateur", "indicateurs"),
        ]
        .iter()
        .map(|(n, un, plusieurs)| format!("{n} {}", if *n > 1 { plusieurs } else { un }))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// The page of contract `id` at `etape`, answered with `statut`.
async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    id: &IdContrat,
    etape: impl FnOnce(&ContratComplet) -> (Etape, StatusCode),
) -> Result<Response, AppError> {
    let c = contrat::lire(&state.store, &visiteur.auteur, id).await?;
    let (etape, statut) = etape(&c);
    let page = Page {
        entete: visiteur.entete(state),
        csrf: visiteur.csrf.clone(),
        etape,
        maximum: en_octets(CLASSEUR_MAX),
        c,
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// The workbook `octets` read against contract `c`: its preview, or its faults.
fn lire(c: &ContratComplet, nom: String, octets: Vec<u8>) -> (Etape, StatusCode) {
    let classeur = STANDARD.encode(&octets);
    match tableur::lire_plan(octets, &c.contrat) {
        Ok(axes) => (
            Etape::Apercu {
                nom,
                axes,
                classeur,
            },
            StatusCode::OK,
        ),
        Err(fautes) => (
            Etape::Fautes { nom, fautes },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// The workbook `nom` refused for `message`, answered with `statut`.
fn refus(
    nom: String,
    statut: StatusCode,
    message: String,
) -> impl FnOnce(&ContratComplet) -> (Etape, StatusCode) {
    let fautes = vec![ErreurTableur::du_classeur(message)];
    move |_| (Etape::Fautes { nom, fautes }, statut)
}

/// `GET /contrats/{id}/plan`
async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &id, &Operation::Modifier).await?;
    afficher(&state, &visiteur, &id, |_| (Etape::Depot, StatusCode::OK)).await
}

/// `POST /contrats/{id}/plan/apercu` (multipart): the workbook read and shown, nothing saved.
async fn apercu(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    // The right first, before anything sent is looked at.
    let id = crate::noyau::identifiant(&id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &id, &Operation::Modifier).await?;
    let illisible = || {
        AppError::BadRequest(
            "Envoi illisible ou interrompu : déposez le classeur à nouveau par le formulaire."
                .to_owned(),
        )
    };
    let trop_gros = || {
        AppError::PayloadTooLarge(format!(
            "Le classeur dépasse {} : un plan tient dans un classeur plus léger (retirez les \
             images et les feuilles qui ne sont pas celles du modèle). Rien n'est enregistré.",
            en_octets(CLASSEUR_MAX)
        ))
    };
    let mut multipart = multipart.map_err(|_| illisible())?;
    let mut fichier = None;
    while let Some(mut champ) = multipart.next_field().await.map_err(|_| illisible())? {
        if champ.name() != Some("fichier") {
            continue;
        }
        let nom = champ.file_name().unwrap_or_default().to_owned();
        let mut octets = Vec::new();
        while let Some(morceau) = champ.chunk().await.map_err(|_| illisible())? {
            if octets.len() + morceau.len() > CLASSEUR_MAX {
                return Err(trop_gros());
            }
            octets.extend_from_slice(&morceau);
        }
        fichier = Some((nom, octets));
    }
    match fichier {
        Some((nom, octets)) if !octets.is_empty() => {
            afficher(&state, &visiteur, &id, |c| lire(c, nom, octets)).await
        }
        _ => {
            let message = "choisissez le classeur à importer (il est vide ou absent)".to_owned();
            let refus = refus(String::new(), StatusCode::BAD_REQUEST, message);
            afficher(&state, &visiteur, &id, refus).await
        }
    }
}

/// `POST /contrats/{id}/plan`: the workbook of the preview read again against the contract as
/// it is now and, faultless, its whole plan added based on the version previewed.
async fn importer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    let Formulaire {
        id, lue, saisies, ..
    } = formulaire;
    let nom = valeur(&saisies, "nom").to_owned();
    let octets = STANDARD.decode(valeur(&saisies, "classeur")).map_err(|_| {
        AppError::BadRequest(
            "Le classeur de l'aperçu est illisible : déposez-le à nouveau.".to_owned(),
        )
    })?;
    let change = "le contrat a changé depuis l'aperçu : rien n'est importé, déposez le classeur \
                  à nouveau pour le lire contre le contrat tel qu'il est";
    let c = contrat::lire(&state.store, &visiteur.auteur, &id).await?;
    if c.version != lue {
        let refus = refus(nom, StatusCode::CONFLICT, change.to_owned());
        return afficher(&state, &visiteur, &id, refus).await;
    }
    let axes = match tableur::lire_plan(octets, &c.contrat) {
        Ok(axes) => axes,
        Err(fautes) => {
            let etape = Etape::Fautes { nom, fautes };
            let refus = move |_: &ContratComplet| (etape, StatusCode::UNPROCESSABLE_ENTITY);
            return afficher(&state, &visiteur, &id, refus).await;
        }
    };
    let (statut, message) =
        match strategie::plan::ajouter(&state.store, &visiteur.auteur, &id, lue, &axes).await {
            Ok(()) => {
                let vers = format!("/contrats/{id}/strategie?fait=import#import");
                return Ok(rediriger(&vers, []));
            }
            Err(StoreError::Perime { .. } | StoreError::Conflict(_)) => {
                (StatusCode::CONFLICT, change.to_owned())
            }
            Err(StoreError::Invalid(message)) => (StatusCode::BAD_REQUEST, message),
            Err(autre) => return Err(autre.into()),
        };
    afficher(&state, &visiteur, &id, refus(nom, statut, message)).await
}
