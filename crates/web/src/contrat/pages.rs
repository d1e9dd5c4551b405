//! The list of contracts (`/contrats`) and the page of one contract: its public reading, with
//! for those who read it whole its history, the fiches-actions they pilot, and for its
//! coordinators the way to the contract's pilotage (`pilotage`).

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::autorisation::{Operation, cree_des_contrats, peut, tient_l_annuaire};
use pilote_domain::contrat::{RolePartie, StatutContrat};
use pilote_domain::fiche_action::FicheAction;
use pilote_domain::montant::milliers;
use pilote_store::contrat::{self, ContratComplet, Filtre, Liste, historique};
use serde::Deserialize;

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Chemin, Parametres};
use crate::noyau::liste::{RequeteListe, requete_de};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "contrat/liste.html")]
struct PageListe {
    entete: Entete,
    liste: Liste,
    filtre: Filtre,
    statuts: &'static [StatutContrat],
    /// Whether to offer « Nouveau contrat ».
    creer: bool,
    /// Whether to offer the partners directory's page.
    annuaire: bool,
}

/// What a visitor who reads the whole contract finds beside its reading.
struct Gestion {
    /// Whether they change it whole: the way to its pilotage is offered.
    modifier: bool,
    historique: Vec<historique::Entree>,
    /// The fiches-actions whose progress they may record.
    fiches: Vec<FicheAction>,
}

#[derive(Template)]
#[template(path = "contrat/contrat.html")]
struct Detail {
    entete: Entete,
    c: ContratComplet,
    gestion: Option<Gestion>,
}

impl PageListe {
    fn nombre(&self, n: &u64) -> String {
        milliers(*n)
    }

    /// The address of the export of the whole list as `extension`, with the same filters.
    fn lien_export(&self, extension: &str) -> String {
        format!("/export.{extension}?{}", requete_de(&self.filtre, 1))
    }

    /// The address of page `page` of the list, with the same filters.
    fn lien_page(&self, page: usize) -> String {
        format!("/contrats?{}", requete_de(&self.filtre, page))
    }
}

impl Detail {
    fn nombre(&self, n: &u64) -> String {
        milliers(*n)
    }

    /// « Caen (14118) », or the code alone for a commune outside the territory.
    fn nom_commune(&self, code: &pilote_domain::CodeInsee) -> String {
        let communes = &self.c.territoire_resolu.communes;
        match communes.iter().find(|c| &c.code == code) {
            Some(c) => format!("{} ({code})", c.nom),
            None => code.to_string(),
        }
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

/// `GET /contrats`: the contracts the visitor may read, filtered and paged as the query
/// string says.
pub async fn liste(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(requete): Parametres<RequeteListe>,
) -> Result<Html<String>, AppError> {
    let filtre = requete
        .filtre()
        .map_err(|e| AppError::BadRequest(phrase(&e)))?;
    let page = PageListe {
        entete: visiteur.entete(&state),
        liste: contrat::chercher(&state.store, &visiteur.auteur, &filtre).await?,
        filtre,
        statuts: StatutContrat::TOUS,
        creer: cree_des_contrats(&visiteur.auteur.acteur),
        annuaire: tient_l_annuaire(&visiteur.auteur.acteur),
    };
    Ok(Html(page.render()?))
}

/// `GET /contrats/{id}`
pub async fn detail(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let c = contrat::lire(&state.store, &visiteur.auteur, &id).await?;
    let portee = c.portee();
    let acteur = &visiteur.auteur.acteur;
    let gestion = if peut(acteur, &Operation::LireTout, &portee) {
        Some(Gestion {
            modifier: peut(acteur, &Operation::Modifier, &portee),
            historique: contrat::historique(&state.store, &visiteur.auteur, &id).await?,
            fiches: c
                .contrat
                .toutes_les_fiches()
                .into_iter()
                .filter(|f| peut(acteur, &Operation::ModifierFiche(f.numero.clone()), &portee))
                .cloned()
                .collect(),
        })
    } else {
        None
    };
    let page = Detail {
        entete: visiteur.entete(&state),
        c,
        gestion,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct FormPublication {
    publie: Option<String>,
}

/// `POST /contrats/{id}/publication`: `publie=oui` publishes, `publie=non` withdraws.
pub async fn publier(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Champs(f): Champs<FormPublication>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let publie = match f.publie.as_deref() {
        Some("oui") => true,
        Some("non") => false,
        _ => {
            return Err(AppError::BadRequest(
                "Indiquez si le contrat est publié : publie=oui ou publie=non.".to_owned(),
            ));
        }
    };
    contrat::publier(&state.store, &visiteur.auteur, &id, publie).await?;
    Ok(rediriger(
        &format!("/contrats/{id}/pilotage?fait=publication#publication"),
        [],
    ))
}
