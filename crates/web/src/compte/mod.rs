//! Signing in and accounts: password and ProConnect sign-in, sign-out ([`connexion`], with the
//! OpenID Connect client in [`oidc`]), and the invitations a coordinator sends to the pilots of
//! their actions ([`invitation`]).

use axum::http::Method;
use axum::routing::{get, post};

use crate::noyau::route::{Politique, Routes, route};

pub mod connexion;
pub mod invitation;
pub mod oidc;

/// The routes of signing in and out, invitations, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::POST,
            "/contrats/{id}/invitations",
            ModifierContrat,
            post(invitation::inviter),
        ),
        route(
            Method::GET,
            "/invitations/{jeton}",
            Invitation,
            get(invitation::page),
        ),
        route(
            Method::POST,
            "/invitations/{jeton}",
            Invitation,
            post(invitation::accepter),
        ),
        route(Method::GET, "/connexion", Ouverte, get(connexion::page)),
        route(
            Method::POST,
            "/connexion",
            Ouverte,
            post(connexion::par_mot_de_passe),
        ),
        route(
            Method::POST,
            "/deconnexion",
            Ouverte,
            post(connexion::deconnexion),
        ),
        route(
            Method::GET,
            "/connexion/proconnect",
            Ouverte,
            get(connexion::proconnect),
        ),
        route(
            Method::GET,
            "/connexion/proconnect/retour",
            Ouverte,
            get(connexion::proconnect_retour),
        ),
    ]
}
