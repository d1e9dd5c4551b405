//! The administration page of the reference data (`/administration/donnees`): each nature's
//! file in use (source, vintage, lines, who loaded it and when, the lines set aside) or where
//! to find it when none is, and a form to load a new one. The file is checked whole before
//! anything is written; a refused file comes back with its message (file, line, column) and
//! what was typed, the previous file still in use.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use pilote_domain::autorisation::charge_les_donnees_de_reference;
use pilote_domain::donnees_de_reference::{self, JeuDeDonnees, Nature};
use pilote_store::StoreError;
use pilote_store::donnees_de_reference::{Declaration, annee_courante, charger, jeux};
use pilote_store::geographie;

use crate::AppState;
use crate::noyau::document::{self, Envoi};
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::limites::en_octets;
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::{Fait, Faute, Refus, refus, valeur};
use crate::noyau::visiteur::{Visiteur, administrateur};

pub const CHEMIN: &str = "/administration/donnees";

/// The page's and its form's routes, with their policy.
pub(crate) fn routes() -> Routes {
    vec![
        route(Method::GET, CHEMIN, Politique::Administration, get(page)),
        route(
            Method::POST,
            "/administration/donnees/{nature}",
            Politique::Administration,
            post(envoyer),
        ),
    ]
}

#[derive(Template)]
#[template(path = "donnees_de_reference/page.html")]
struct Page {
    entete: Entete,
    csrf: String,
    natures: Vec<(Nature, Option<JeuDeDonnees>)>,
    fait: Option<String>,
    refus: Refus,
    maximum: String,
}

impl Page {
    /// Field `nom` of nature `nature`'s form, as typed if it was refused.
    fn saisie(&self, nature: &Nature, nom: &str) -> String {
        self.refus.saisie(nature.code(), nom).to_owned()
    }

    fn erreur(&self, nature: &Nature, champ: &str) -> Option<&str> {
        self.refus.erreur_de(format!("{}-{champ}", nature.code()))
    }
}

/// The page, `refus` shown in its form, answered with `statut`.
async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    fait: Option<String>,
    refus: Refus,
    statut: StatusCode,
) -> Result<Response, AppError> {
    let charges = jeux(&state.store).await?;
    let page = Page {
        entete: visiteur.entete(state),
        csrf: visiteur.csrf.clone(),
        natures: Nature::TOUS
            .iter()
            .map(|n| (*n, charges.iter().find(|j| j.nature == *n).cloned()))
            .collect(),
        fait,
        refus,
        maximum: en_octets(state.limites.document_max),
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// Signed in as an administrator, or refused.
fn autoriser(visiteur: &Visiteur) -> Result<(), AppError> {
    administrateur(
        visiteur,
        charge_les_donnees_de_reference,
        "charge les données de référence",
    )
}

/// `GET /administration/donnees`
async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(q): Parametres<Fait>,
) -> Result<Response, AppError> {
    autoriser(&visiteur)?;
    afficher(&state, &visiteur, q.fait, Refus::default(), StatusCode::OK).await
}

/// `POST /administration/donnees/{nature}`: a file of `nature` loaded in place of the one in
/// use, or the page again with what is wrong.
async fn envoyer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(nature): Chemin<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    autoriser(&visiteur)?;
    let nature = Nature::parse(&nature).map_err(|e| AppError::NotFound(phrase(&e)))?;
    let Envoi { saisies, fichier } = document::recevoir(&state, multipart).await?;
    let en_usage = state
        .acces
        .jeux(&state.store)
        .await?
        .iter()
        .find(|j| j.nature == nature)
        .map(|j| j.millesime);
    let resultat: Result<_, Faute> = async {
        let fichier = match fichier {
            Some(f) if f.depot.taille() > 0 => f,
            _ => return Err(("fichier", "Joignez le fichier à charger.".to_owned())),
        };
        let millesime =
            donnees_de_reference::millesime(valeur(&saisies, "millesime"), annee_courante())
                .map_err(|e| ("millesime", phrase(&e)))?;
        let declaration = Declaration {
            nature,
            source: valeur(&saisies, "source").to_owned(),
            millesime,
            fichier: fichier.nom.clone(),
            millesime_confirme: valeur(&saisies, "millesime_anterieur") == "oui",
            ecarter_lignes_fautives: valeur(&saisies, "ecarter") == "oui",
        };
        // What the store checks of the declaration, checked here first to be said beside its
        // field; the store's refusals are then the file's.
        if declaration.source.trim().is_empty() {
            return Err((
                "source",
                "Source manquante : nommez qui publie ces données.".to_owned(),
            ));
        }
        donnees_de_reference::verifier_millesime(
            nature,
            millesime,
            geographie::MILLESIME,
            en_usage,
            declaration.millesime_confirme,
        )
        .map_err(|m| ("millesime", phrase(&m)))?;
        let lecteur = fichier.depot.en_lecture().await.map_err(|e| {
            tracing::error!(erreur = %e, "fichier temporaire de données de référence");
            (
                "fichier",
                "Le serveur ne peut pas relire le fichier reçu : rien n'est chargé, réessayez."
                    .to_owned(),
            )
        })?;
        Ok(charger(&state.store, &visiteur.auteur, &declaration, lecteur).await)
    }
    .await;
    let (champ, message) = match resultat {
        Ok(Ok(_)) => {
            // The APL computed from the new data at once, in the background.
            state.acces.situation(&state.store).await?;
            let section = nature.code();
            return Ok(rediriger(&format!("{CHEMIN}?fait={section}#{section}"), []));
        }
        // The store's message names the file first: said as a whole sentence.
        Ok(Err(StoreError::Invalid(m))) => (
            "fichier",
            phrase(&format!("fichier refusé, rien n'est chargé : {m}")),
        ),
        Ok(Err(autre)) => return Err(autre.into()),
        Err(faute) => faute,
    };
    let refus = Refus {
        message,
        ..refus(
            nature.code(),
            &format!("{}-{champ}", nature.code()),
            saisies,
        )
    };
    afficher(&state, &visiteur, None, refus, StatusCode::BAD_REQUEST).await
}
