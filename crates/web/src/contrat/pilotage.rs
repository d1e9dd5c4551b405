//! The coordinator's home of a contract (`GET /contrats/{id}/pilotage`), apart from its public
//! reading: what is late, what falls due next (steps, ends of actions, meetings), what is
//! missing before publication, the latest changes, the way to every page that changes the
//! contract, its publication and the invitations.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::autorisation::{Operation, peut};
use pilote_domain::pilotage::{
    Echeance, en_retard, manques_avant_publication, prochaines_echeances,
};
use pilote_domain::renouvellement::renouvelable;
use pilote_store::contrat::{self, ContratComplet, historique};

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::{Chemin, Parametres};
use crate::noyau::page::Entete;
use crate::noyau::saisie::Fait;
use crate::noyau::visiteur::Visiteur;

/// How many changes and coming dates the page lists.
const RECENTES: usize = 8;
const PROCHAINES: usize = 8;

#[derive(Template)]
#[template(path = "contrat/pilotage.html")]
struct Page {
    entete: Entete,
    c: ContratComplet,
    csrf: String,
    /// The change just made, to confirm it.
    fait: Option<&'static str>,
    retards: Vec<Echeance>,
    prochaines: Vec<Echeance>,
    manques: Vec<&'static str>,
    recentes: Vec<historique::Entree>,
    /// Whether to offer to start the next generation: an ended contract, and the right to
    /// create one on its territory.
    renouveler: bool,
}

/// `GET /contrats/{id}/pilotage`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Parametres(q): Parametres<Fait>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &id, &Operation::Modifier).await?;
    let c = contrat::lire(&state.store, &visiteur.auteur, &id).await?;
    let mut recentes = contrat::historique(&state.store, &visiteur.auteur, &id).await?;
    recentes.truncate(RECENTES);
    let jour = crate::noyau::aujourdhui();
    let fait = match q.fait.as_deref() {
        Some("creation") => Some("Le contrat est créé, non publié."),
        Some("modification") => Some("Les modifications sont enregistrées."),
        Some("publication") => Some("La publication du contrat est enregistrée."),
        Some("invitation") => Some("L'invitation est envoyée."),
        _ => None,
    };
    let page = Page {
        entete: visiteur.entete(&state),
        retards: en_retard(&c.contrat, jour),
        prochaines: prochaines_echeances(&c.contrat, jour, PROCHAINES),
        manques: manques_avant_publication(&c.contrat),
        renouveler: renouvelable(&c.contrat)
            && peut(&visiteur.auteur.acteur, &Operation::Creer, &c.portee()),
        recentes,
        csrf: visiteur.csrf.clone(),
        fait,
        c,
    };
    Ok(Html(page.render()?).into_response())
}
