//! Changing one's password (`POST /compte/mot-de-passe`), and the rule that a provisional one
//! (issued by `pilote user add`, `serve --admin-email` or `pilote user reset`) is changed
//! before anything else: [`exiger_le_changement`] sends its holder to the change page from
//! every other page, then back where they were going.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pilote_domain::compte::mot_de_passe_admis;
use pilote_store::StoreError;
use pilote_store::mot_de_passe::{self, Changement};

use super::espace::{self, CHEMIN, CHEMIN_MOT_DE_PASSE};
use crate::AppState;
use crate::noyau::erreur::{ApiError, AppError, phrase};
use crate::noyau::extraction::Champs;
use crate::noyau::page::{rediriger, suite_locale};
use crate::noyau::saisie::{Faute, Refus, Saisies, saisies_de};
use crate::noyau::visiteur::Visiteur;

/// Field `nom` exactly as typed: a password is never trimmed.
fn brut<'a>(saisies: &'a Saisies, nom: &str) -> &'a str {
    saisies.get(nom).map_or("", String::as_str)
}

/// The first fault of the form, before the store is asked.
fn faute(actuel: &str, nouveau: &str, confirmation: &str) -> Option<Faute> {
    if actuel.is_empty() {
        return Some(("actuel", "Indiquez votre mot de passe actuel.".to_owned()));
    }
    if let Err(e) = mot_de_passe_admis(nouveau) {
        return Some(("nouveau", phrase(&e.to_string())));
    }
    if nouveau == actuel {
        return Some((
            "nouveau",
            "Choisissez un mot de passe différent de l'actuel.".to_owned(),
        ));
    }
    if confirmation != nouveau {
        return Some((
            "confirmation",
            "Les deux saisies du nouveau mot de passe sont différentes : tapez-le deux fois à \
             l'identique."
                .to_owned(),
        ));
    }
    None
}

/// `POST /compte/mot-de-passe`: the current password, the new one twice. Refused, the page it
/// came from shows again with the message beside the faulty field (nothing typed is sent
/// back); done, the account's other sessions are closed and the person goes on to `suite`
/// (the change page) or back to their account page.
pub async fn changer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Champs(paires): Champs<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let Some(jeton) = visiteur.session.clone() else {
        return Err(crate::noyau::visiteur::sans_session());
    };
    let saisies = saisies_de(paires);
    let suite = saisies.get("suite").map(|s| suite_locale(Some(s)));
    let (actuel, nouveau, confirmation) = (
        brut(&saisies, "actuel"),
        brut(&saisies, "nouveau"),
        brut(&saisies, "confirmation"),
    );
    let refuser = |(champ, message): Faute| {
        let refus = Refus {
            formulaire: "mot-de-passe".to_owned(),
            champ: format!("mot-de-passe-{champ}"),
            message,
            saisies: Saisies::new(),
        };
        espace::afficher(
            &state,
            &visiteur,
            suite.clone(),
            refus,
            StatusCode::BAD_REQUEST,
        )
    };
    if let Some(faute) = faute(actuel, nouveau, confirmation) {
        return refuser(faute).await;
    }
    match mot_de_passe::changer(&state.store, &visiteur.auteur, &jeton, actuel, nouveau).await {
        Ok(Changement::Fait { .. }) => {
            let vers = suite.unwrap_or_else(|| format!("{CHEMIN}?fait=mot-de-passe"));
            Ok(rediriger(&vers, []))
        }
        Ok(Changement::ActuelIncorrect) => {
            refuser(("actuel", "Mot de passe actuel incorrect.".to_owned())).await
        }
        Err(StoreError::Invalid(message)) => refuser(("nouveau", phrase(&message))).await,
        Err(autre) => Err(autre.into()),
    }
}

/// What a person whose password is provisional may still reach: the change page, sign-out,
/// and what holds no page (assets, the health check).
fn permis_avant_changement(methode: &Method, chemin: &str) -> bool {
    chemin == CHEMIN_MOT_DE_PASSE
        || (chemin == "/deconnexion" && methode == Method::POST)
        || chemin.starts_with("/assets/")
        || chemin == "/sante"
        || chemin == "/favicon.ico"
}

/// The middleware: a session whose password is provisional goes to the change page (303)
/// from every page but those [`permis_avant_changement`], the page it asked for kept as
/// `suite` (a form sent meanwhile is not processed); the API answers 403.
pub async fn exiger_le_changement(requete: Request, next: Next) -> Response {
    let a_changer = requete
        .extensions()
        .get::<Visiteur>()
        .is_some_and(|v| v.session.is_some() && v.mot_de_passe_a_changer);
    let chemin = requete.uri().path();
    if !a_changer || permis_avant_changement(requete.method(), chemin) {
        return next.run(requete).await;
    }
    if chemin.starts_with("/api/") {
        return ApiError(AppError::Forbidden(format!(
            "Votre mot de passe est provisoire : changez-le d'abord sur {CHEMIN_MOT_DE_PASSE}."
        )))
        .into_response();
    }
    let demandee = match requete.method() {
        &Method::GET | &Method::HEAD => requete
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned(),
        _ => "/".to_owned(),
    };
    let suite: String =
        form_urlencoded::byte_serialize(suite_locale(Some(&demandee)).as_bytes()).collect();
    rediriger(&format!("{CHEMIN_MOT_DE_PASSE}?suite={suite}"), [])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn la_premiere_faute_est_celle_du_premier_champ_fautif() {
        let long = "un nouveau mot de passe";
        assert_eq!(faute("", long, long).map(|f| f.0), Some("actuel"));
        assert_eq!(
            faute("ancien", "court", "court").map(|f| f.0),
            Some("nouveau")
        );
        assert_eq!(faute(long, long, long).map(|f| f.0), Some("nouveau"));
        assert_eq!(
            faute("ancien", long, "autre chose").map(|f| f.0),
            Some("confirmation")
        );
        assert_eq!(faute("ancien", long, long), None);
    }

    #[test]
    fn seuls_le_changement_la_deconnexion_et_les_ressources_restent_permis() {
        assert!(permis_avant_changement(
            &Method::GET,
            "/compte/mot-de-passe"
        ));
        assert!(permis_avant_changement(
            &Method::POST,
            "/compte/mot-de-passe"
        ));
        assert!(permis_avant_changement(&Method::POST, "/deconnexion"));
        assert!(permis_avant_changement(
            &Method::GET,
            "/assets/dsfr/dsfr.min.css"
        ));
        assert!(!permis_avant_changement(&Method::GET, "/"));
        assert!(!permis_avant_changement(&Method::GET, "/compte"));
        assert!(!permis_avant_changement(&Method::POST, "/compte/sessions"));
        assert!(!permis_avant_changement(&Method::GET, "/deconnexion"));
    }
}
