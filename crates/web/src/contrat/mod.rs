//! The contract itself: the list of contracts, a contract's page, its
//! coordinator's home (`pilotage`), the forms of its general facts and of its governance, its
//! creation. Reads and changes go through
//! the store, which asks the authorization policy; what the pages offer to change is asked of
//! the same policy.

use axum::http::Method;
use axum::routing::{get, post};

use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::montrer;

pub mod formulaire;
pub mod gouvernance;
pub mod pages;
pub mod pilotage;

/// The routes of the list of contracts, a contract's page, its general form and its governance, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(Method::GET, "/contrats", ListeContrats, get(pages::liste)),
        route(
            Method::GET,
            "/contrats/{id}/documents/{document}",
            Portail,
            get(pages::document_publie),
        ),
        route(
            Method::GET,
            "/contrats/nouveau",
            CreerContrat,
            get(formulaire::formulaire),
        ),
        route(
            Method::POST,
            "/contrats/nouveau/territoire",
            CreerContrat,
            post(formulaire::territoire_creation),
        ),
        route(
            Method::POST,
            "/contrats",
            CreerContrat,
            post(formulaire::creer),
        ),
        route(
            Method::GET,
            "/contrats/{id}",
            LireContrat,
            get(pages::detail),
        ),
        route(
            Method::GET,
            "/contrats/{id}/modifier",
            ModifierContrat,
            get(formulaire::formulaire_modification),
        ),
        route(
            Method::POST,
            "/contrats/{id}",
            ModifierContrat,
            post(formulaire::modifier),
        ),
        route(
            Method::POST,
            "/contrats/{id}/territoire",
            ModifierContrat,
            post(formulaire::territoire_modification),
        ),
        route(
            Method::GET,
            "/contrats/{id}/pilotage",
            ModifierContrat,
            get(pilotage::page),
        ),
        route(
            Method::GET,
            "/contrats/{id}/gouvernance",
            ModifierContrat,
            get(montrer::<gouvernance::PageGouvernance>),
        ),
        route(
            Method::POST,
            "/contrats/{id}/publication",
            ModifierContrat,
            post(pages::publier),
        ),
        route(
            Method::POST,
            "/contrats/{id}/instances",
            ModifierContrat,
            post(gouvernance::ajouter_instance),
        ),
        route(
            Method::POST,
            "/contrats/{id}/membres",
            ModifierContrat,
            post(gouvernance::ajouter_membre),
        ),
        route(
            Method::POST,
            "/contrats/{id}/gouvernance/retrait",
            ModifierContrat,
            post(gouvernance::retirer),
        ),
        route(
            Method::POST,
            "/contrats/{id}/reunions",
            ModifierContrat,
            post(gouvernance::ajouter_reunion),
        ),
    ]
}
