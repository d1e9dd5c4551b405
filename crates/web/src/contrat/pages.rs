//! The home page (the list of contracts), the page of one contract, and the forms it offers to
//! those who may change it: publication, progress of the actions they pilot, invitations.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::IdContrat;
use pilote_domain::autorisation::{Operation, cree_des_contrats, peut};
use pilote_domain::contrat::{RolePartie, StatutContrat};
use pilote_domain::fiche_action::FicheAction;
use pilote_domain::gouvernance::NatureInstance;
use pilote_domain::montant::milliers;
use pilote_domain::renouvellement::renouvelable;
use pilote_store::contrat::{self, ContratComplet, Filtre, Liste, historique};
use serde::Deserialize;

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Chemin, Parametres};
use crate::noyau::liste::{RequeteListe, requete_de};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::saisie::{Ecran, Fait, Refus};
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "contrat/accueil.html")]
struct Accueil {
    entete: Entete,
    liste: Liste,
    filtre: Filtre,
    statuts: &'static [StatutContrat],
    /// Whether to offer « Nouveau contrat ».
    creer: bool,
}

/// What the visitor may change on the contract shown.
struct Gestion {
    csrf: String,
    modifier: bool,
    /// Whether to offer to start the next generation: an ended contract, and the right to
    /// create one on its territory.
    renouveler: bool,
    /// Who may read the whole contract sees its history.
    historique: Vec<historique::Entree>,
    /// The fiches-actions whose progress they may record.
    fiches: Vec<FicheAction>,
    /// A form refused, to show again; empty otherwise.
    refus: Refus,
}

#[derive(Template)]
#[template(path = "contrat/contrat.html")]
struct Detail {
    entete: Entete,
    c: ContratComplet,
    gestion: Option<Gestion>,
    /// The change just made, to confirm it.
    fait: Option<&'static str>,
    natures_instance: &'static [NatureInstance],
}

impl Accueil {
    fn nombre(&self, n: &u64) -> String {
        milliers(*n)
    }

    /// The address of page `page` of the list, with the same filters.
    fn lien_page(&self, page: usize) -> String {
        format!("/?{}", requete_de(&self.filtre, page))
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

    /// The governance bodies, by identifier, as choices.
    fn instances(&self) -> Vec<(String, String)> {
        let instances = self.c.contrat.gouvernance.iter();
        instances
            .filter_map(|i| Some((i.id?.to_string(), i.nom.clone())))
            .collect()
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

/// `GET /`: the contracts the visitor may read, filtered and paged as the query string says.
pub async fn accueil(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(requete): Parametres<RequeteListe>,
) -> Result<Html<String>, AppError> {
    let filtre = requete
        .filtre()
        .map_err(|e| AppError::BadRequest(phrase(&e)))?;
    let page = Accueil {
        entete: visiteur.entete(&state),
        liste: contrat::chercher(&state.store, &visiteur.auteur, &filtre).await?,
        filtre,
        statuts: StatutContrat::TOUS,
        creer: cree_des_contrats(&visiteur.auteur.acteur),
    };
    Ok(Html(page.render()?))
}

pub async fn detail(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Parametres(q): Parametres<Fait>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let fait = match q.fait.as_deref() {
        Some("creation") => Some("Le contrat est créé, non publié."),
        Some("modification") => Some("Les modifications sont enregistrées."),
        Some("publication") => Some("La publication du contrat est enregistrée."),
        Some("invitation") => Some("L'invitation est envoyée."),
        Some("gouvernance") => Some("La gouvernance du contrat est enregistrée."),
        _ => None,
    };
    afficher(&state, &visiteur, &id, fait, None, StatusCode::OK).await
}

/// The contract page, where the forms of its general facts and governance go back.
pub struct PageContrat;

impl Ecran for PageContrat {
    fn chemin(&self, id: &IdContrat) -> String {
        format!("/contrats/{id}")
    }

    async fn afficher(
        &self,
        state: &AppState,
        visiteur: &Visiteur,
        id: &IdContrat,
        refus: Refus,
        statut: StatusCode,
    ) -> Result<Response, AppError> {
        afficher(state, visiteur, id, None, Some(refus), statut).await
    }
}

/// The contract page, with the forms the visitor may use.
pub(crate) async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    id: &IdContrat,
    fait: Option<&'static str>,
    refus: Option<Refus>,
    statut: StatusCode,
) -> Result<Response, AppError> {
    let c = contrat::lire(&state.store, &visiteur.auteur, id).await?;
    let portee = c.portee();
    let acteur = &visiteur.auteur.acteur;
    let fiches: Vec<FicheAction> = c
        .contrat
        .toutes_les_fiches()
        .into_iter()
        .filter(|f| peut(acteur, &Operation::ModifierFiche(f.numero.clone()), &portee))
        .cloned()
        .collect();
    let modifier = peut(acteur, &Operation::Modifier, &portee);
    let historique = if peut(acteur, &Operation::LireTout, &portee) {
        contrat::historique(&state.store, &visiteur.auteur, id).await?
    } else {
        Vec::new()
    };
    let page = Detail {
        entete: visiteur.entete(state),
        gestion: peut(acteur, &Operation::LireTout, &portee).then(|| Gestion {
            csrf: visiteur.csrf.clone(),
            modifier,
            renouveler: modifier
                && renouvelable(&c.contrat)
                && peut(acteur, &Operation::Creer, &portee),
            historique,
            fiches,
            refus: refus.unwrap_or_default(),
        }),
        c,
        fait,
        natures_instance: NatureInstance::TOUS,
    };
    Ok((statut, Html(page.render()?)).into_response())
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
    Ok(rediriger(&format!("/contrats/{id}?fait=publication"), []))
}
