//! `/administration/comptes`: the accounts the manager sees (name, address, roles, last
//! sign-in, active or not), searched by address or name, fifty a page; and the form that adds
//! a person with a role (a new account, its first password sent as a link or issued; the role
//! added to the account when the address has one).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use pilote_domain::compte::Email;
use pilote_store::administration::{self, Creation, PageDeComptes, Recherche, Secret};
use serde::Deserialize;

use super::compte::{Annonce, afficher};
use super::{
    CHEMIN, FormulaireRole, autoriser, courriel_du_lien, envoyer, faute_du_store, premier_saisi,
    rendre, role_saisi,
};
use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::{Champs, Parametres};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::saisie::{Faute, Refus, refus, saisies_de, valeur};
use crate::noyau::visiteur::Visiteur;

/// Accounts a page.
const PAR_PAGE: usize = 50;

#[derive(Template)]
#[template(path = "administration/comptes.html")]
struct Page {
    entete: Entete,
    csrf: String,
    resultat: PageDeComptes,
    recherche: String,
    numero: usize,
    pages: usize,
    formulaire: FormulaireRole,
    /// Whether the visitor reads the journal (an administrator).
    journal: bool,
}

impl Page {
    /// The address of page `numero` of the same search.
    fn lien_page(&self, numero: usize) -> String {
        let mut lien = format!("{CHEMIN}?page={numero}");
        if !self.recherche.is_empty() {
            lien.push_str("&q=");
            lien.push_str(&crate::noyau::liste::encoder(&self.recherche));
        }
        lien
    }
}

#[derive(Deserialize)]
pub struct Requete {
    q: Option<String>,
    page: Option<String>,
}

async fn afficher_liste(
    state: &AppState,
    visiteur: &Visiteur,
    q: Option<String>,
    numero: usize,
    refus: Refus,
    statut: StatusCode,
) -> Result<Response, AppError> {
    let recherche = q.unwrap_or_default().trim().to_owned();
    let resultat = administration::lister(
        &state.store,
        &visiteur.auteur,
        &Recherche {
            texte: Some(recherche.clone()),
            page: numero,
            par_page: PAR_PAGE,
        },
    )
    .await?;
    let pages = resultat.total.div_ceil(PAR_PAGE).max(1);
    let page = Page {
        entete: visiteur.entete(state),
        csrf: visiteur.csrf.clone(),
        pages,
        numero,
        resultat,
        recherche,
        formulaire: FormulaireRole::pour(visiteur, refus),
        journal: pilote_domain::administration::lit_le_journal(&visiteur.auteur.acteur),
    };
    rendre(page, statut)
}

/// `GET /administration/comptes?q=…&page=…`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(q): Parametres<Requete>,
) -> Result<Response, AppError> {
    autoriser(&visiteur)?;
    let numero = match q.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(p) => p.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Numéro de page « {p} » invalide : un nombre entier à partir de 1."
            ))
        })?,
    };
    afficher_liste(
        &state,
        &visiteur,
        q.q,
        numero,
        Refus::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /administration/comptes`: a person added with a role.
pub async fn creer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Champs(paires): Champs<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    autoriser(&visiteur)?;
    let saisies = saisies_de(paires);
    let lu: Result<_, Faute> = (|| {
        let email = Email::parse(valeur(&saisies, "email"))
            .map_err(|e| ("email", crate::noyau::erreur::phrase(&e.to_string())))?;
        Ok((email, role_saisi(&saisies)?, premier_saisi(&saisies)?))
    })();
    let ((champ, message), statut) = match lu {
        Err(faute) => (faute, StatusCode::BAD_REQUEST),
        Ok((email, role, premier)) => {
            let nom = Some(valeur(&saisies, "nom"));
            let secret = Secret::nouveau(premier);
            match administration::creer(&state.store, &visiteur.auteur, &email, nom, &role, &secret)
                .await
            {
                Ok(Creation::RoleAjoute { id }) => {
                    return Ok(rediriger(
                        &format!("{CHEMIN}/{id}?fait=role-ajoute#roles"),
                        [],
                    ));
                }
                Ok(Creation::Cree { id }) => {
                    let annonce = match secret {
                        Secret::Provisoire(mot_de_passe) => {
                            Annonce::provisoire("Compte créé.", mot_de_passe)
                        }
                        Secret::Lien(jeton) => {
                            let lien =
                                format!("{}/mot-de-passe/{}", state.url_publique, jeton.as_str());
                            let courriel =
                                courriel_du_lien(&state, &visiteur, &email, &lien, Some(&role));
                            match envoyer(&state, courriel).await {
                                Ok(()) => {
                                    return Ok(rediriger(&format!("{CHEMIN}/{id}?fait=cree"), []));
                                }
                                Err(m) => Annonce::echec(format!("Compte créé. {m}")),
                            }
                        }
                    };
                    return afficher(&state, &visiteur, id, annonce).await;
                }
                Err(e) => faute_du_store(e)?,
            }
        }
    };
    let refus = Refus {
        message,
        ..refus("creation", champ, saisies)
    };
    afficher_liste(&state, &visiteur, None, 1, refus, statut).await
}
