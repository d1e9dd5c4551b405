//! Invitations: a coordinator invites a person by e-mail to a role on their contract; the link
//! opens once, before it expires, and signs the person in.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::IdContrat;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::StoreError;
use pilote_store::invitation::{self, Acceptation, Invitation};
use serde::Deserialize;

use crate::AppState;
use crate::noyau::courriel::Courriel;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Chemin};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::visiteur::Visiteur;

#[derive(Deserialize)]
pub struct FormInvitation {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    fiche: Option<String>,
}

/// The role the form names on contract `id`.
fn role(f: &FormInvitation, id: IdContrat) -> Result<Role, AppError> {
    let fiche = f.fiche.as_deref().map(str::trim).filter(|n| !n.is_empty());
    match (f.role.as_str(), fiche) {
        ("coordinateur", _) => Ok(Role::Coordinateur { contrat: id }),
        ("partenaire", _) => Ok(Role::Partenaire { contrat: id }),
        ("pilote", Some(fiche)) => Ok(Role::PiloteAction {
            contrat: id,
            fiche: fiche.to_owned(),
        }),
        ("pilote", None) => Err(AppError::BadRequest(
            "Indiquez le numéro de la fiche-action que la personne pilotera.".to_owned(),
        )),
        (autre, _) => Err(AppError::BadRequest(format!(
            "Rôle « {autre} » inconnu : choisissez coordinateur, partenaire ou pilote."
        ))),
    }
}

/// `POST /contrats/{id}/invitations`
pub async fn inviter(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Champs(f): Champs<FormInvitation>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let email = Email::parse(&f.email)
        .map_err(|e| AppError::BadRequest(format!("Adresse de la personne invitée : {e}.")))?;
    let role = role(&f, id.clone())?;
    let jeton = invitation::inviter(&state.store, &visiteur.auteur, &email, &role).await?;
    let lien = format!("{}/invitations/{}", state.url_publique, jeton.as_str());
    let courriel = Courriel {
        a: email.to_string(),
        sujet: format!("Invitation sur {} : {}", state.titre, role.libelle()),
        corps: format!(
            "Bonjour,\n\n{} vous invite sur {} comme {}.\n\nPour accepter, ouvrez ce lien \
             (valable {} jours, une seule fois) :\n{lien}\n\nSi vous n'attendiez pas cette \
             invitation, ignorez ce message.\n",
            visiteur.auteur.qui,
            state.titre,
            role.libelle(),
            state.store.reglages().duree_invitation / 86_400
        ),
    };
    state.expediteur.envoyer(courriel).await.map_err(|e| {
        tracing::error!(erreur = %e, "envoi d'une invitation");
        AppError::Unavailable(format!(
            "L'invitation est enregistrée mais le courriel n'a pas pu partir ({e}). \
             Réessayez plus tard : une nouvelle invitation remplacera celle-ci."
        ))
    })?;
    Ok(rediriger(
        &format!("/contrats/{id}/pilotage?fait=invitation#invitations"),
        [],
    ))
}

#[derive(Template)]
#[template(path = "compte/invitation.html")]
struct PageInvitation {
    entete: Entete,
    jeton: String,
    invitation: Invitation,
    /// Whether the visitor is signed in as the invited address.
    connecte_comme_invite: bool,
    nom: String,
    message: Option<String>,
}

fn invalide() -> AppError {
    AppError::NotFound(
        "Cette invitation n'est pas valable : elle est inconnue, a expiré ou a déjà servi. \
         Demandez-en une nouvelle au coordinateur du contrat."
            .to_owned(),
    )
}

async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    jeton: String,
    nom: String,
    message: Option<String>,
    statut: StatusCode,
) -> Result<Response, AppError> {
    let invitation = invitation::consulter(&state.store, &jeton)
        .await?
        .ok_or_else(invalide)?;
    let page = PageInvitation {
        entete: visiteur.entete(state),
        connecte_comme_invite: visiteur.email.as_ref() == Some(&invitation.email),
        invitation,
        jeton,
        nom,
        message,
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// `GET /invitations/{jeton}`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(jeton): Chemin<String>,
) -> Result<Response, AppError> {
    afficher(
        &state,
        &visiteur,
        jeton,
        String::new(),
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct FormAcceptation {
    #[serde(default)]
    nom: String,
    #[serde(default)]
    mot_de_passe: String,
    #[serde(default)]
    confirmation: String,
}

/// `POST /invitations/{jeton}`: takes the invitation up, creating the account if need be.
pub async fn accepter(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(jeton): Chemin<String>,
    Champs(f): Champs<FormAcceptation>,
) -> Result<Response, AppError> {
    let acceptation = match (visiteur.auteur.compte, &visiteur.email) {
        (Some(compte), Some(email)) => Acceptation::Connecte { compte, email },
        _ if f.mot_de_passe != f.confirmation => {
            let message = "Les deux mots de passe saisis diffèrent.".to_owned();
            return afficher(
                &state,
                &visiteur,
                jeton,
                f.nom,
                Some(message),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
        _ => Acceptation::NouveauCompte {
            nom: Some(f.nom.as_str()),
            mot_de_passe: &f.mot_de_passe,
        },
    };
    match invitation::accepter(&state.store, &jeton, acceptation, &visiteur.auteur.origine).await {
        Ok(Some(session_ouverte)) => {
            let cookies = state.cookies;
            Ok(rediriger(
                "/",
                [cookies.poser(
                    &cookies.session(),
                    session_ouverte.as_str(),
                    state.store.reglages().duree_session,
                )],
            ))
        }
        Ok(None) => Err(invalide()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m) | StoreError::Refuse(m)) => {
            let message = phrase(&m);
            afficher(
                &state,
                &visiteur,
                jeton,
                f.nom,
                Some(message),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(autre) => Err(autre.into()),
    }
}
