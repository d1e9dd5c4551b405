//! Signing in and out: by address and password, or through OpenID Connect (ProConnect).

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::compte::Email;
use pilote_store::connexion::{self, IdentiteFournie, Issue};
use pilote_store::session;
use serde::Deserialize;

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::{Champs, Parametres};
use crate::noyau::page::{Entete, rediriger, suite_locale};
use crate::noyau::visiteur::{Visiteur, cookie};

/// The sign-in page, then back to `chemin` (a path of this site).
pub(crate) fn vers_la_connexion(chemin: &str) -> Response {
    let suite: String =
        form_urlencoded::byte_serialize(suite_locale(Some(chemin)).as_bytes()).collect();
    rediriger(&format!("/connexion?suite={suite}"), [])
}

/// The middleware: the public, refused a page (a 403 to a `GET`: it needs an account), is sent
/// to sign in, then back to it; a signed-in person keeps the French 403, the API its JSON, and
/// the sign-in's own refusals (an identity ProConnect vouched for without an account) are
/// shown where they happen.
pub async fn inviter_le_public(requete: Request, next: Next) -> Response {
    let public = requete
        .extensions()
        .get::<Visiteur>()
        .is_none_or(|v| v.session.is_none());
    let lecture = matches!(*requete.method(), Method::GET | Method::HEAD);
    let demandee = requete
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let reponse = next.run(requete).await;
    if public
        && lecture
        && !demandee.starts_with("/api/")
        && !demandee.starts_with("/connexion")
        && reponse.status() == StatusCode::FORBIDDEN
    {
        return vers_la_connexion(&demandee);
    }
    reponse
}

#[derive(Template)]
#[template(path = "compte/connexion.html")]
struct PageConnexion {
    entete: Entete,
    email: String,
    suite: String,
    message: Option<String>,
    proconnect: bool,
}

#[derive(Deserialize)]
pub struct Suite {
    suite: Option<String>,
}

fn formulaire(
    state: &AppState,
    visiteur: &Visiteur,
    email: String,
    suite: String,
    message: Option<String>,
    statut: StatusCode,
) -> Result<Response, AppError> {
    let page = PageConnexion {
        entete: visiteur.entete(state),
        email,
        suite,
        message,
        proconnect: state.oidc.is_some(),
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// `GET /connexion`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(q): Parametres<Suite>,
) -> Result<Response, AppError> {
    let suite = suite_locale(q.suite.as_deref());
    formulaire(
        &state,
        &visiteur,
        String::new(),
        suite,
        None,
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct FormConnexion {
    #[serde(default)]
    email: String,
    #[serde(default)]
    mot_de_passe: String,
    suite: Option<String>,
}

/// `POST /connexion`: one message for an unknown address and a wrong password; after
/// [`connexion::ECHECS_PERMIS`] failures the address is locked for a while.
pub async fn par_mot_de_passe(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Champs(f): Champs<FormConnexion>,
) -> Result<Response, AppError> {
    let suite = suite_locale(f.suite.as_deref());
    if f.email.trim().is_empty() || f.mot_de_passe.is_empty() {
        let message = "Indiquez votre adresse électronique et votre mot de passe.".to_owned();
        return formulaire(
            &state,
            &visiteur,
            f.email,
            suite,
            Some(message),
            StatusCode::BAD_REQUEST,
        );
    }
    let issue = connexion::par_mot_de_passe(
        &state.store,
        &f.email,
        &f.mot_de_passe,
        &visiteur.auteur.origine,
    )
    .await?;
    let (message, statut) = match issue {
        Issue::Ouverte(jeton) => {
            let cookies = state.cookies;
            return Ok(rediriger(
                &suite,
                [cookies.poser(
                    &cookies.session(),
                    jeton.as_str(),
                    state.store.reglages().duree_session,
                )],
            ));
        }
        Issue::Refusee => (
            "Adresse électronique ou mot de passe incorrect.".to_owned(),
            StatusCode::UNAUTHORIZED,
        ),
        Issue::Bloquee { secondes } => (
            format!(
                "Trop de tentatives de connexion pour cette adresse : réessayez dans {} minute(s).",
                (secondes + 59) / 60
            ),
            StatusCode::TOO_MANY_REQUESTS,
        ),
    };
    formulaire(&state, &visiteur, f.email, suite, Some(message), statut)
}

/// `POST /deconnexion`: closes the session; after an OpenID Connect sign-in, goes on to the
/// provider's sign-out with the ID token as hint.
pub async fn deconnexion(
    State(state): State<AppState>,
    visiteur: Visiteur,
) -> Result<Response, AppError> {
    let cookies = state.cookies;
    let effacer = [cookies.effacer(&cookies.session())];
    let Some(jeton) = &visiteur.session else {
        return Ok(rediriger("/", effacer));
    };
    let id_token = session::fermer(&state.store, jeton, &visiteur.auteur).await?;
    if let (Some(id_token), Some(oidc)) = (id_token, &state.oidc) {
        let (etat, _) = connexion::demander_oidc(&state.store).await?;
        let retour = format!("{}/", state.url_publique);
        match oidc
            .adresse_deconnexion(&id_token, &retour, etat.as_str())
            .await
        {
            Ok(Some(adresse)) => return Ok(rediriger(&adresse, effacer)),
            Ok(None) => {}
            Err(e) => tracing::warn!(erreur = %e, "déconnexion auprès du fournisseur d'identité"),
        }
    }
    Ok(rediriger("/", effacer))
}

fn non_configure() -> AppError {
    AppError::NotFound(
        "La connexion par ProConnect n'est pas configurée sur ce serveur.".to_owned(),
    )
}

fn retour_oidc(state: &AppState) -> String {
    format!("{}/connexion/proconnect/retour", state.url_publique)
}

/// `GET /connexion/proconnect`: starts the authorization code flow.
pub async fn proconnect(State(state): State<AppState>) -> Result<Response, AppError> {
    let oidc = state.oidc.as_ref().ok_or_else(non_configure)?;
    let (etat, nonce) = connexion::demander_oidc(&state.store).await?;
    let adresse = oidc
        .adresse_autorisation(&retour_oidc(&state), etat.as_str(), nonce.as_str())
        .await
        .map_err(|e| {
            AppError::Unavailable(format!("Connexion par ProConnect impossible : {e}."))
        })?;
    let cookies = state.cookies;
    Ok(rediriger(
        &adresse,
        [cookies.poser(&cookies.oidc(), etat.as_str(), 600)],
    ))
}

#[derive(Deserialize)]
pub struct RetourOidc {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /connexion/proconnect/retour`: the provider sends the browser back with a code; the
/// `state` must be one this site issued, to this browser, not used yet.
pub async fn proconnect_retour(
    State(state): State<AppState>,
    visiteur: Visiteur,
    headers: axum::http::HeaderMap,
    Parametres(q): Parametres<RetourOidc>,
) -> Result<Response, AppError> {
    let oidc = state.oidc.as_ref().ok_or_else(non_configure)?;
    if let Some(erreur) = q.error {
        let erreur: String = erreur
            .chars()
            .filter(char::is_ascii_graphic)
            .take(64)
            .collect();
        return Err(AppError::BadRequest(format!(
            "ProConnect n'a pas accordé la connexion (« {erreur} »)."
        )));
    }
    let invalide = || {
        AppError::BadRequest(
            "Cette demande de connexion est inconnue, expirée ou déjà utilisée : recommencez la connexion."
                .to_owned(),
        )
    };
    let etat = q.state.ok_or_else(invalide)?;
    if cookie(&headers, &state.cookies.oidc()) != Some(etat.as_str()) {
        return Err(invalide());
    }
    let nonce = connexion::reprendre_oidc(&state.store, &etat)
        .await?
        .ok_or_else(invalide)?;
    let code = q.code.ok_or_else(invalide)?;
    let identite = oidc
        .echanger(&code, &retour_oidc(&state), &nonce)
        .await
        .map_err(|e| {
            AppError::BadRequest(format!("La connexion par ProConnect a échoué : {e}."))
        })?;
    let sans_compte = || {
        AppError::Forbidden(format!(
            "Aucun compte Pilote n'est ouvert pour {} : demandez une invitation au coordinateur \
             de votre contrat.",
            identite.email
        ))
    };
    let email = Email::parse(&identite.email).map_err(|_| sans_compte())?;
    let nom = match (&identite.prenom, &identite.nom) {
        (Some(prenom), Some(nom)) => Some(format!("{prenom} {nom}")),
        (prenom, nom) => prenom.clone().or_else(|| nom.clone()),
    };
    let fournie = IdentiteFournie {
        email: &email,
        sujet: &identite.sujet,
        nom: nom.as_deref(),
        acr: identite.acr.as_deref(),
        id_token: &identite.id_token,
    };
    let jeton = connexion::par_oidc(&state.store, fournie, &visiteur.auteur.origine)
        .await?
        .ok_or_else(sans_compte)?;
    let cookies = state.cookies;
    Ok(rediriger(
        "/",
        [
            cookies.poser(
                &cookies.session(),
                jeton.as_str(),
                state.store.reglages().duree_session,
            ),
            cookies.effacer(&cookies.oidc()),
        ],
    ))
}
