//! A contract's reminders (`/contrats/{id}/rappels`), for who may change the contract: on or
//! off, how many days ahead deadlines and meetings are announced, how often a missed deadline
//! is recalled, the coordination's weekly digest; and what Pilote would send today.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::autorisation::Operation;
use pilote_domain::rappel::{self, Destinataires, Reglage};
use pilote_store::StoreError;
use pilote_store::contrat::{self, ContratComplet};
use pilote_store::rappel::{self as file_de_rappels, relance_en_mots};

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Chemin, Parametres};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::saisie::{Fait, Faute, Saisies, saisies_de, valeur};
use crate::noyau::visiteur::Visiteur;

pub const CHEMIN: &str = "/contrats/{id}/rappels";

/// The delays a form offers, in days.
const JOURS_AVANT: [u16; 8] = [1, 2, 3, 5, 7, 10, 14, 30];

/// One reminder Pilote would send today.
pub struct Apercu {
    pub sujet: String,
    pub pour: &'static str,
}

#[derive(Template)]
#[template(path = "rappels/reglage.html")]
struct Page {
    entete: Entete,
    c: ContratComplet,
    csrf: String,
    reglage: Reglage,
    apercu: Vec<Apercu>,
    fait: bool,
    erreur: Option<Faute>,
}

impl Page {
    fn jours_avant(&self) -> Vec<(String, String)> {
        JOURS_AVANT
            .iter()
            .map(|j| {
                let jours = if *j == 1 { "jour" } else { "jours" };
                (j.to_string(), format!("{j} {jours} avant"))
            })
            .collect()
    }

    fn relances(&self) -> Vec<(String, String)> {
        Reglage::RELANCES_PROPOSEES
            .iter()
            .map(|j| (j.to_string(), relance_en_mots(*j)))
            .collect()
    }

    fn erreur_de(&self, champ: &str) -> Option<&str> {
        self.erreur
            .as_ref()
            .filter(|(c, _)| *c == champ)
            .map(|(_, m)| m.as_str())
    }
}

/// What the contract calls for today, as `reglage` sets it.
fn apercu(c: &ContratComplet, reglage: &Reglage) -> Vec<Apercu> {
    let jour = crate::noyau::aujourdhui();
    rappel::dus(&c.contrat, jour, reglage)
        .into_iter()
        .chain(rappel::resume(&c.contrat, jour, reglage, &[]))
        .map(|r| Apercu {
            pour: match r.destinataires {
                Destinataires::Pilotes(_) => "aux pilotes de la fiche-action",
                Destinataires::Coordination => "à la coordination",
                Destinataires::Equipe => "à toutes les personnes du contrat",
            },
            sujet: r.sujet,
        })
        .collect()
}

async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    id: &str,
    saisi: Option<Reglage>,
    erreur: Option<Faute>,
    fait: bool,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &id, &Operation::Modifier).await?;
    let c = contrat::lire(&state.store, &visiteur.auteur, &id).await?;
    let reglage = match saisi {
        Some(r) => r,
        None => file_de_rappels::reglage(&state.store, &visiteur.auteur, &id).await?,
    };
    let statut = if erreur.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = Page {
        entete: visiteur.entete(state),
        apercu: apercu(&c, &reglage),
        c,
        csrf: visiteur.csrf.clone(),
        reglage,
        fait,
        erreur,
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// `GET /contrats/{id}/rappels`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Parametres(q): Parametres<Fait>,
) -> Result<Response, AppError> {
    let fait = q.fait.as_deref() == Some("reglage");
    afficher(&state, &visiteur, &id, None, None, fait).await
}

/// A number of days among `permis`, read from field `nom`, or the field at fault.
fn jours_saisis(saisies: &Saisies, nom: &'static str, permis: &[u16]) -> Result<u16, Faute> {
    let saisie = valeur(saisies, nom);
    saisie
        .parse::<u16>()
        .ok()
        .filter(|j| permis.contains(j))
        .ok_or_else(|| {
            let liste: Vec<String> = permis.iter().map(u16::to_string).collect();
            (
                nom,
                format!(
                    "« {saisie} » n'est pas un nombre de jours proposé : choisissez parmi {}.",
                    liste.join(", ")
                ),
            )
        })
}

/// The settings a form gives, or the field at fault.
fn reglage_saisi(saisies: &Saisies) -> Result<Reglage, Faute> {
    Ok(Reglage {
        actif: valeur(saisies, "actif") == "oui",
        jours_avant: jours_saisis(saisies, "jours_avant", &JOURS_AVANT)?,
        relance_jours: jours_saisis(saisies, "relance", &Reglage::RELANCES_PROPOSEES)?,
        resume_hebdomadaire: valeur(saisies, "resume") == "oui",
    })
}

/// `POST /contrats/{id}/rappels`
pub async fn regler(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin(id): Chemin<String>,
    Champs(paires): Champs<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let ident = crate::noyau::identifiant(&id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &ident, &Operation::Modifier).await?;
    let saisies = saisies_de(paires);
    let reglage = match reglage_saisi(&saisies) {
        Ok(r) => r,
        Err(faute) => return afficher(&state, &visiteur, &id, None, Some(faute), false).await,
    };
    match file_de_rappels::regler(&state.store, &visiteur.auteur, &ident, &reglage).await {
        Ok(()) => Ok(rediriger(
            &format!("/contrats/{ident}/rappels?fait=reglage"),
            [],
        )),
        Err(StoreError::Invalid(m)) => {
            let faute = ("jours_avant", phrase(&m));
            afficher(&state, &visiteur, &id, Some(reglage), Some(faute), false).await
        }
        Err(e) => Err(e.into()),
    }
}
