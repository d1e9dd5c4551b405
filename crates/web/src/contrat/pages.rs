//! The home page (the list of contracts) and the page of one contract.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use pilote_domain::contrat::{ContratResume, RolePartie};
use pilote_domain::montant::milliers;
use pilote_store::contrat::ContratComplet;

use crate::AppState;
use crate::acteur::Demandeur;
use crate::error::AppError;

#[derive(Template)]
#[template(path = "accueil.html")]
struct Accueil<'a> {
    titre: &'a str,
    contrats: Vec<ContratResume>,
}

#[derive(Template)]
#[template(path = "contrat.html")]
struct Detail<'a> {
    titre: &'a str,
    c: ContratComplet,
}

impl Accueil<'_> {
    fn nombre(&self, n: &u64) -> String {
        milliers(*n)
    }
}

impl Detail<'_> {
    fn nombre(&self, n: &u64) -> String {
        milliers(*n)
    }

    fn roles(&self, roles: &[RolePartie]) -> String {
        if roles.is_empty() {
            return "non précisé".to_owned();
        }
        roles
            .iter()
            .map(|r| r.libelle())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub async fn accueil(
    State(state): State<AppState>,
    Demandeur(acteur): Demandeur,
) -> Result<Html<String>, AppError> {
    let page = Accueil {
        titre: &state.titre,
        contrats: super::lisibles(&state.store, &acteur).await?,
    };
    Ok(Html(page.render()?))
}

pub async fn detail(
    State(state): State<AppState>,
    Demandeur(acteur): Demandeur,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let page = Detail {
        titre: &state.titre,
        c: super::lisible(&state.store, &acteur, &id).await?,
    };
    Ok(Html(page.render()?))
}
