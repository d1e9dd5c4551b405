//! « Mes actions » (`/mes-actions`): every fiche-action the signed-in person pilots, across
//! contracts, with what is late, what falls due next and what to bring up to date (status,
//! follow-up note, spending of past years, indicators' measurements); and the contracts they
//! coordinate, with the way to their pilotage.

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use pilote_domain::IdContrat;
use pilote_domain::autorisation::Role;
use pilote_domain::fiche_action::FicheAction;
use pilote_domain::pilotage::{Echeance, a_mettre_a_jour, en_retard, prochaines_echeances};
use pilote_store::StoreError;
use pilote_store::contrat;

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::page::Entete;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::visiteur::{Visiteur, sans_session};

/// The page's address.
pub const CHEMIN: &str = "/mes-actions";

/// How many coming dates each action lists.
const PROCHAINES: usize = 3;

/// The page's route and its policy.
pub(crate) fn routes() -> Routes {
    vec![route(Method::GET, CHEMIN, Politique::Compte, get(page))]
}

/// One action piloted, and what it asks for.
struct Action {
    fiche: FicheAction,
    retards: Vec<Echeance>,
    prochaines: Vec<Echeance>,
    a_jour: Vec<String>,
}

/// The actions piloted in one contract.
struct Contrat {
    id: IdContrat,
    nom: String,
    actions: Vec<Action>,
    /// The numbers of the actions the person was given that the contract no longer has.
    disparues: Vec<String>,
}

/// A contract the person coordinates.
struct Coordonne {
    id: IdContrat,
    nom: String,
    retards: usize,
}

#[derive(Template)]
#[template(path = "mes_actions/page.html")]
struct Page {
    entete: Entete,
    contrats: Vec<Contrat>,
    coordonnes: Vec<Coordonne>,
}

impl Page {
    fn actions(&self) -> usize {
        self.contrats.iter().map(|c| c.actions.len()).sum()
    }

    fn en_retard(&self) -> usize {
        self.contrats
            .iter()
            .flat_map(|c| &c.actions)
            .filter(|a| !a.retards.is_empty())
            .count()
    }

    fn a_mettre_a_jour(&self) -> usize {
        self.contrats
            .iter()
            .flat_map(|c| &c.actions)
            .filter(|a| !a.a_jour.is_empty())
            .count()
    }
}

/// `GET /mes-actions`
async fn page(State(state): State<AppState>, visiteur: Visiteur) -> Result<Response, AppError> {
    if visiteur.session.is_none() {
        return Err(sans_session());
    }
    let jour = crate::noyau::aujourdhui();
    // The fiches piloted, by contract, in the order the roles were given.
    let mut pilotees: Vec<(IdContrat, Vec<String>)> = Vec::new();
    let mut coordination: Vec<IdContrat> = Vec::new();
    for role in &visiteur.auteur.acteur.roles {
        match role {
            Role::PiloteAction { contrat, fiche } => {
                match pilotees.iter_mut().find(|(id, _)| id == contrat) {
                    Some((_, fiches)) => fiches.push(fiche.clone()),
                    None => pilotees.push((contrat.clone(), vec![fiche.clone()])),
                }
            }
            Role::Coordinateur { contrat } => coordination.push(contrat.clone()),
            _ => {}
        }
    }
    let mut contrats = Vec::new();
    for (id, numeros) in pilotees {
        // A contract removed since the role was given is passed over.
        let c = match contrat::lire(&state.store, &visiteur.auteur, &id).await {
            Ok(c) => c.contrat,
            Err(StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        let retards = en_retard(&c, jour);
        let prochaines = prochaines_echeances(&c, jour, usize::MAX);
        let pour = |liste: &[Echeance], numero: &str, combien: usize| -> Vec<Echeance> {
            liste
                .iter()
                .filter(|e| e.fiche.as_deref() == Some(numero))
                .take(combien)
                .cloned()
                .collect()
        };
        let fiches = c.toutes_les_fiches();
        let mut actions = Vec::new();
        let mut disparues = Vec::new();
        for numero in numeros {
            match fiches.iter().find(|f| f.numero == numero) {
                Some(f) => actions.push(Action {
                    retards: pour(&retards, &numero, usize::MAX),
                    prochaines: pour(&prochaines, &numero, PROCHAINES),
                    a_jour: a_mettre_a_jour(f, jour),
                    fiche: (*f).clone(),
                }),
                None => disparues.push(numero),
            }
        }
        contrats.push(Contrat {
            id: c.id.clone(),
            nom: c.nom.clone(),
            actions,
            disparues,
        });
    }
    let mut coordonnes = Vec::new();
    for id in coordination {
        match contrat::lire(&state.store, &visiteur.auteur, &id).await {
            Ok(c) => coordonnes.push(Coordonne {
                retards: en_retard(&c.contrat, jour).len(),
                id: c.contrat.id,
                nom: c.contrat.nom,
            }),
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let page = Page {
        entete: visiteur.entete(&state),
        contrats,
        coordonnes,
    };
    Ok(Html(page.render()?).into_response())
}
