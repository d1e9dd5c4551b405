//! Signing in and accounts: password and ProConnect sign-in, sign-out ([`connexion`], with the
//! OpenID Connect client in [`oidc`]), the invitations a coordinator sends to the pilots of
//! their actions ([`invitation`]), the signed-in person's own page ([`espace`]: their roles,
//! their sessions, what Pilote holds about them) and their password ([`mot_de_passe`]: changed
//! by them, and first of all when it was issued to them; [`lien`]: chosen through a one-time
//! link sent to them).

use axum::http::Method;
use axum::routing::{get, post};

use crate::noyau::route::{Politique, Routes, route};

pub mod connexion;
pub mod espace;
pub mod invitation;
pub mod lien;
pub mod mot_de_passe;
pub mod oidc;

/// The routes of signing in and out, invitations, one's account, each with its policy.
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
        route(Method::GET, espace::CHEMIN, Compte, get(espace::page)),
        route(
            Method::GET,
            espace::CHEMIN_MOT_DE_PASSE,
            Compte,
            get(espace::page_mot_de_passe),
        ),
        route(
            Method::POST,
            espace::CHEMIN_MOT_DE_PASSE,
            Compte,
            post(mot_de_passe::changer),
        ),
        route(
            Method::POST,
            "/compte/sessions",
            Compte,
            post(espace::fermer_toutes),
        ),
        route(
            Method::POST,
            espace::CHEMIN_RAPPELS,
            Compte,
            post(espace::regler_les_rappels),
        ),
        route(
            Method::GET,
            espace::CHEMIN_DONNEES,
            Compte,
            get(espace::donnees),
        ),
        route(Method::GET, "/mot-de-passe/{jeton}", Lien, get(lien::page)),
        route(
            Method::POST,
            "/mot-de-passe/{jeton}",
            Lien,
            post(lien::choisir),
        ),
    ]
}
