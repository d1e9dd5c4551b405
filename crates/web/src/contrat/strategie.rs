//! Growing the strategy from the contract page: `POST /contrats/{id}/axes` adds an axis,
//! `POST /contrats/{id}/fiches` a fiche-action at the end of an axis. A refused form comes
//! back on the contract page with its message beside the field and what was typed.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use pilote_domain::autorisation::Operation;
use pilote_store::StoreError;
use pilote_store::contrat::strategie;
use serde::Deserialize;

use super::saisie::{issue, preambule, refus};
use crate::AppState;
use crate::error::AppError;
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
