//! Growing the strategy from the contract page: `POST /contrats/{id}/axes` adds an axis,
//! `POST /contrats/{id}/fiches` a fiche-action at the end of an axis. A refused form comes
//! back on the contract page with its message beside the field and what was typed.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_store::StoreError;
use pilote_store::contrat::{self, strategie};
use serde::Deserialize;

use super::pages::{Refus, afficher};
use crate::AppState;
use crate::error::{AppError, phrase};
use crate::page::rediriger;
use crate::visiteur::Visiteur;

#[derive(Deserialize)]
pub struct FormAxe {
    #[serde(default)]
    version: String,
    #[serde(default)]
    titre: String,
    transversal: Option<String>,
}

#[derive(Deserialize)]
pub struct FormFiche {
    #[serde(default)]
    version: String,
    #[serde(default)]
    axe: String,
    #[serde(default)]
    titre: String,
}

/// What every form of the contract page starts with: the contract named in the path, the
/// visitor's right to `operation` on it (checked before any input is looked at), and the
/// version the form was read at.
pub(super) async fn preambule(
    state: &AppState,
    visiteur: &Visiteur,
    id: &str,
    operation: &Operation,
    version: &str,
) -> Result<(IdContrat, i64), AppError> {
    let id = super::identifiant(id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &id, operation).await?;
    let lue = version.trim().parse().map_err(|_| {
        AppError::BadRequest("Version du contrat absente ou illisible : rechargez la page.".into())
    })?;
    Ok((id, lue))
}

/// The answer to a save of the contract page: back to the contract (`?fait=…`), or the page
/// again with `refus` and the store's message.
pub(super) async fn issue<T>(
    state: &AppState,
    visiteur: &Visiteur,
    id: &IdContrat,
    resultat: Result<T, StoreError>,
    fait: &str,
    refus: Refus,
) -> Result<Response, AppError> {
    let (statut, message) = match resultat {
        Ok(_) => return Ok(rediriger(&format!("/contrats/{id}?fait={fait}"), [])),
        Err(StoreError::Invalid(message)) => (StatusCode::BAD_REQUEST, message),
        Err(StoreError::Perime { message, .. }) => (StatusCode::CONFLICT, message),
        Err(autre) => return Err(autre.into()),
    };
    let refus = Refus {
        message: phrase(&message),
        ..refus
    };
    afficher(state, visiteur, id, None, Some(refus), statut).await
}

/// What a refusal of form `formulaire` shows: the message beside `champ`, `saisies` kept.
pub(super) fn refus(formulaire: &str, champ: &str, saisies: BTreeMap<String, String>) -> Refus {
    Refus {
        formulaire: formulaire.to_owned(),
        champ: champ.to_owned(),
        message: String::new(),
        saisies,
    }
}

/// `POST /contrats/{id}/axes`
pub async fn ajouter_axe(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Path(id): Path<String>,
    Form(f): Form<FormAxe>,
) -> Result<Response, AppError> {
    let (id, lue) = preambule(&state, &visiteur, &id, &Operation::Modifier, &f.version).await?;
    let transversal = f.transversal.as_deref() == Some("oui");
    let resultat = strategie::ajouter_axe(
        &state.store,
        &visiteur.auteur,
        &id,
        lue,
        &f.titre,
        transversal,
    )
    .await;
    let saisies = BTreeMap::from([("titre".to_owned(), f.titre)]);
    issue(
        &state,
        &visiteur,
        &id,
        resultat,
        "strategie#strategie",
        refus("axe", "axe-titre", saisies),
    )
    .await
}

/// `POST /contrats/{id}/fiches`
pub async fn ajouter_fiche(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Path(id): Path<String>,
    Form(f): Form<FormFiche>,
) -> Result<Response, AppError> {
    let (id, lue) = preambule(&state, &visiteur, &id, &Operation::Modifier, &f.version).await?;
    let Ok(axe) = f.axe.trim().parse::<i64>() else {
        let resultat: Result<(), _> = Err(StoreError::Invalid(format!(
            "axe « {} » : choisissez l'axe de la fiche-action",
            f.axe
        )));
        let saisies = BTreeMap::from([("titre".to_owned(), f.titre)]);
        return issue(
            &state,
            &visiteur,
            &id,
            resultat,
            "strategie#strategie",
            refus("fiche", "fiche-axe", saisies),
        )
        .await;
    };
    let resultat =
        strategie::ajouter_fiche(&state.store, &visiteur.auteur, &id, lue, axe, &f.titre).await;
    let saisies = BTreeMap::from([("titre".to_owned(), f.titre)]);
    issue(
        &state,
        &visiteur,
        &id,
        resultat,
        "strategie#strategie",
        refus("fiche", "fiche-titre", saisies),
    )
    .await
}
