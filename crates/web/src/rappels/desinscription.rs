//! The unsubscribe link every reminder carries (`/rappels/desinscription/{jeton}`): its page
//! names the address and asks to confirm (a mail client opening links to preview them
//! unsubscribes nobody); confirmed, that address receives no more reminders until its holder
//! turns them on again from « Mon compte ».

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::compte::Email;
use pilote_store::rappel;

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::Chemin;
use crate::noyau::page::Entete;
use crate::noyau::visiteur::Visiteur;

pub const CHEMIN: &str = "/rappels/desinscription/{jeton}";

#[derive(Template)]
#[template(path = "rappels/desinscription.html")]
struct Page {
    entete: Entete,
    jeton: String,
    email: Email,
    /// Whether the address still receives reminders.
    actif: bool,
    /// Just unsubscribed.
    fait: bool,
}

fn inconnu() -> AppError {
    AppError::NotFound(
        "Ce lien de désinscription n'existe pas : copiez-le en entier depuis le courriel, ou \
         réglez vos rappels depuis « Mon compte »."
            .to_owned(),
    )
}

/// `GET /rappels/desinscription/{jeton}`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(jeton): Chemin<String>,
) -> Result<Response, AppError> {
    let (email, actif) = rappel::par_jeton(&state.store, &jeton)
        .await?
        .ok_or_else(inconnu)?;
    let page = Page {
        entete: visiteur.entete(&state),
        jeton,
        email,
        actif,
        fait: false,
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /rappels/desinscription/{jeton}`
pub async fn desinscrire(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(jeton): Chemin<String>,
) -> Result<Response, AppError> {
    if rappel::par_jeton(&state.store, &jeton).await?.is_none() {
        return Err(inconnu());
    }
    let email = rappel::desinscrire(&state.store, &jeton, &visiteur.auteur.origine).await?;
    let page = Page {
        entete: visiteur.entete(&state),
        jeton,
        email,
        actif: false,
        fait: true,
    };
    Ok(Html(page.render()?).into_response())
}
