//! A one-time link to choose one's password (`/mot-de-passe/{jeton}`), sent by e-mail to a
//! person whose account was just created or whose password was reset: its page asks the new
//! password twice; once chosen, the link is used up and the person is signed in.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use pilote_store::StoreError;
use pilote_store::mot_de_passe::{self, LienOuvert, Motif};
use serde::Deserialize;

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Chemin};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::saisie::Refus;
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "compte/lien.html")]
struct Page {
    entete: Entete,
    jeton: String,
    lien: LienOuvert,
    refus: Refus,
}

impl Page {
    fn bienvenue(&self) -> bool {
        self.lien.motif == Motif::Bienvenue
    }
}

fn invalide() -> AppError {
    AppError::NotFound(
        "Ce lien n'est pas valable : il est inconnu, a expiré ou a déjà servi. Demandez-en un \
         nouveau à la personne qui gère votre compte."
            .to_owned(),
    )
}

async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    jeton: String,
    refus: Refus,
    statut: StatusCode,
) -> Result<Response, AppError> {
    let lien = mot_de_passe::consulter_lien(&state.store, &jeton)
        .await?
        .ok_or_else(invalide)?;
    let page = Page {
        entete: visiteur.entete(state),
        jeton,
        lien,
        refus,
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// `GET /mot-de-passe/{jeton}`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(jeton): Chemin<String>,
) -> Result<Response, AppError> {
    afficher(&state, &visiteur, jeton, Refus::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct FormLien {
    #[serde(default)]
    nouveau: String,
    #[serde(default)]
    confirmation: String,
}

/// `POST /mot-de-passe/{jeton}`: the password chosen, the person signed in.
pub async fn choisir(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(jeton): Chemin<String>,
    Champs(f): Champs<FormLien>,
) -> Result<Response, AppError> {
    // The link first: an unknown one is said so, whatever was typed.
    if mot_de_passe::consulter_lien(&state.store, &jeton)
        .await?
        .is_none()
    {
        return Err(invalide());
    }
    let refuser = |champ: &str, message: String| Refus {
        champ: champ.to_owned(),
        message,
        ..Refus::default()
    };
    if f.nouveau != f.confirmation {
        let refus = refuser(
            "mot-de-passe-confirmation",
            "Les deux mots de passe saisis diffèrent.".to_owned(),
        );
        return afficher(&state, &visiteur, jeton, refus, StatusCode::BAD_REQUEST).await;
    }
    match mot_de_passe::choisir_par_lien(&state.store, &jeton, &f.nouveau, &visiteur.auteur.origine)
        .await
    {
        Ok(Some(session)) => {
            let cookies = state.cookies;
            Ok(rediriger(
                "/compte?fait=mot-de-passe-choisi",
                [cookies.poser(
                    &cookies.session(),
                    session.as_str(),
                    state.store.reglages().duree_session,
                )],
            ))
        }
        Ok(None) => Err(invalide()),
        Err(StoreError::Invalid(m)) => {
            let refus = refuser("mot-de-passe-nouveau", phrase(&m));
            afficher(&state, &visiteur, jeton, refus, StatusCode::BAD_REQUEST).await
        }
        Err(autre) => Err(autre.into()),
    }
}
