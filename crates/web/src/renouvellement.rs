//! Renewing a contract (`/contrats/{id}/renouvellement`): from an ended contract, someone who
//! may change it and create a contract on its territory starts the next generation, choosing
//! its identifier, name and period and which fiches-actions carry over.

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use pilote_domain::autorisation::{Operation, peut};
use pilote_domain::renouvellement::Renouvellement;
use pilote_domain::{IdContrat, Periode};
use pilote_store::StoreError;
use pilote_store::contrat::{self, ContratComplet, renouvellement};

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Chemin};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::Refus;
use crate::noyau::saisie::{Faute, Saisies, saisies_de, valeur};
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "renouvellement/renouvellement.html")]
struct Page {
    entete: Entete,
    c: ContratComplet,
    csrf: String,
    refus: Refus,
}

impl Page {
    /// What a field shows: what was typed if the form was refused, `defaut` otherwise.
    fn champ<'a>(&'a self, nom: &str, defaut: &'a str) -> &'a str {
        self.refus.saisie_ou("renouvellement", nom, defaut)
    }

    /// Whether fiche-action `numero` is ticked: at first, those the evaluation proposes to
    /// carry over (`Contrat::a_reconduire`).
    fn reconduite(&self, numero: &str) -> bool {
        if self.refus.formulaire == "renouvellement" {
            self.refus
                .saisie("renouvellement", "fiches")
                .lines()
                .any(|l| l == numero)
        } else {
            self.c.contrat.a_reconduire().iter().any(|n| n == numero)
        }
    }

    /// The assessment of a fiche-action, in words, beside its box.
    fn libelle_fiche(&self, f: &pilote_domain::fiche_action::FicheAction) -> String {
        let etat = match (&f.bilan, f.statut) {
            (Some(b), _) => format!(" (bilan : {})", b.aboutissement.libelle().to_lowercase()),
            (None, Some(s)) => format!(" ({})", s.libelle().to_lowercase()),
            (None, None) => String::new(),
        };
        format!("n°{} — {}{etat}", f.numero, f.titre)
    }

    /// A suggested identifier: the old one with the next period's first year.
    fn identifiant_propose(&self) -> String {
        let id = self.c.contrat.id.as_str();
        let fin = self.c.contrat.periode.and_then(|p| p.fin()).map(|f| f + 1);
        match (id.rsplit_once('-'), fin) {
            (Some((base, annee)), Some(fin))
                if annee.len() == 4 && annee.bytes().all(|b| b.is_ascii_digit()) =>
            {
                format!("{base}-{fin}")
            }
            _ => format!("{id}-suite"),
        }
    }
}

/// The right to renew contract `id`: change it, and create a contract on its territory.
async fn autoriser(state: &AppState, visiteur: &Visiteur, id: &IdContrat) -> Result<(), AppError> {
    let portee =
        contrat::autorise(&state.store, &visiteur.auteur, id, &Operation::Modifier).await?;
    if peut(&visiteur.auteur.acteur, &Operation::Creer, &portee) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Vous n'avez pas le droit de créer un contrat sur ce territoire : demandez à l'ARS \
             de préparer la génération suivante."
                .to_owned(),
        ))
    }
}

async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    id: &IdContrat,
    refus: Refus,
    statut: StatusCode,
) -> Result<Response, AppError> {
    let page = Page {
        entete: visiteur.entete(state),
        c: contrat::lire(&state.store, &visiteur.auteur, id).await?,
        csrf: visiteur.csrf.clone(),
        refus,
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// `GET /contrats/{id}/renouvellement`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    autoriser(&state, &visiteur, &id).await?;
    afficher(&state, &visiteur, &id, Refus::default(), StatusCode::OK).await
}

fn renouvellement(s: &Saisies) -> Result<Renouvellement, Faute> {
    let id = IdContrat::parse(valeur(s, "identifiant"))
        .map_err(|e| ("identifiant", phrase(&e.to_string())))?;
    if valeur(s, "nom").is_empty() {
        return Err(("nom", "Indiquez le nom du nouveau contrat.".to_owned()));
    }
    let periode = match valeur(s, "periode") {
        "" => None,
        texte => Some(Periode::parse(texte).map_err(|e| ("periode", phrase(&e.to_string())))?),
    };
    Ok(Renouvellement {
        id,
        nom: valeur(s, "nom").to_owned(),
        periode,
        reconduites: valeur(s, "fiches")
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// `POST /contrats/{id}/renouvellement`: the next generation is created, then shown.
pub async fn renouveler(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Champs(paires): Champs<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    autoriser(&state, &visiteur, &id).await?;
    let saisies = saisies_de(paires);
    let (champ, message) = match renouvellement(&saisies) {
        Ok(choix) => {
            match renouvellement::renouveler(&state.store, &visiteur.auteur, &id, &choix).await {
                Ok(()) => {
                    return Ok(rediriger(
                        &format!("/contrats/{}/pilotage?fait=creation", choix.id),
                        [],
                    ));
                }
                Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => ("identifiant", m),
                Err(autre) => return Err(autre.into()),
            }
        }
        Err(faute) => faute,
    };
    let refus = Refus {
        formulaire: "renouvellement".to_owned(),
        champ: format!("renouvellement-{champ}"),
        message: phrase(&message),
        saisies,
    };
    afficher(&state, &visiteur, &id, refus, StatusCode::BAD_REQUEST).await
}

/// The routes of the next generation of a contract, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::GET,
            "/contrats/{id}/renouvellement",
            RenouvelerContrat,
            get(page),
        ),
        route(
            Method::POST,
            "/contrats/{id}/renouvellement",
            RenouvelerContrat,
            post(renouveler),
        ),
    ]
}
