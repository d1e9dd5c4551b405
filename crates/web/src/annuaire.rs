//! The administration page of the partners directory shared by every contract (`/annuaire`),
//! for who keeps it (administrators, national ARS agents): every entry with the contracts
//! that name it, an entry corrected in place, two duplicates merged. A refused form comes back
//! with its message and what was typed.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use pilote_domain::Siren;
use pilote_domain::autorisation::tient_l_annuaire;
use pilote_domain::organisation::{NatureOrganisation, Organisation};
use pilote_store::StoreError;
use pilote_store::annuaire::{self, Inscrite, Usage};

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::{Champs, Parametres};
use crate::noyau::page::{Entete, rediriger};
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::{Fait, Faute, Refus, Saisies, options, refus, saisies_de, valeur};
use crate::noyau::visiteur::Visiteur;

const CHEMIN: &str = "/annuaire";

#[derive(Template)]
#[template(path = "annuaire/annuaire.html")]
struct Page {
    entete: Entete,
    csrf: String,
    entrees: Vec<Inscrite>,
    usages: BTreeMap<i64, Vec<Usage>>,
    fait: Option<String>,
    refus: Refus,
}

impl Page {
    fn usages_de(&self, entree: &i64) -> &[Usage] {
        self.usages
            .get(entree)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Field `nom` of entry `i`'s form: as typed if it was refused, as stored otherwise.
    fn champ(&self, i: &Inscrite, nom: &str) -> String {
        let formulaire = format!("entree-{}", i.id);
        if self.refus.formulaire == formulaire {
            return self.refus.saisie(&formulaire, nom).to_owned();
        }
        match nom {
            "nom" => i.organisation.nom.clone(),
            "nature" => i.organisation.nature.code().to_owned(),
            _ => i
                .organisation
                .siren
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
        }
    }

    fn choix_natures(&self) -> Vec<(String, String)> {
        options(
            "— Choisir —",
            NatureOrganisation::TOUS,
            NatureOrganisation::code,
            NatureOrganisation::libelle,
        )
    }

    /// The entries as choices of the merge form.
    fn choix_entrees(&self) -> Vec<(String, String)> {
        std::iter::once((String::new(), "— Choisir —".to_owned()))
            .chain(self.entrees.iter().map(|i| {
                (
                    i.id.to_string(),
                    format!(
                        "{} ({}, {} contrat(s))",
                        i.organisation.nom,
                        i.organisation.nature.libelle(),
                        i.contrats
                    ),
                )
            }))
            .collect()
    }
}

async fn afficher(
    state: &AppState,
    visiteur: &Visiteur,
    fait: Option<String>,
    refus: Refus,
    statut: StatusCode,
) -> Result<Response, AppError> {
    if !tient_l_annuaire(&visiteur.auteur.acteur) {
        return Err(AppError::Forbidden(
            "Seuls un administrateur et un agent national d'ARS tiennent l'annuaire des \
             partenaires."
                .to_owned(),
        ));
    }
    let page = Page {
        entete: visiteur.entete(state),
        csrf: visiteur.csrf.clone(),
        entrees: annuaire::lister(&state.store).await?,
        usages: annuaire::contrats_de(&state.store, &visiteur.auteur).await?,
        fait,
        refus,
    };
    Ok((statut, Html(page.render()?)).into_response())
}

/// `GET /annuaire`
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Parametres(q): Parametres<Fait>,
) -> Result<Response, AppError> {
    afficher(&state, &visiteur, q.fait, Refus::default(), StatusCode::OK).await
}

fn organisation(s: &Saisies) -> Result<Organisation, Faute> {
    if valeur(s, "nom").is_empty() {
        return Err(("nom", "Indiquez le nom de l'organisation.".to_owned()));
    }
    let nature = match valeur(s, "nature") {
        "" => {
            return Err((
                "nature",
                "Choisissez la nature de l'organisation.".to_owned(),
            ));
        }
        code => NatureOrganisation::parse(code).map_err(|e| ("nature", phrase(&e)))?,
    };
    let siren = match valeur(s, "siren") {
        "" => None,
        texte => Some(Siren::parse(texte).map_err(|e| ("siren", phrase(&e.to_string())))?),
    };
    Ok(Organisation {
        nom: valeur(s, "nom").to_owned(),
        nature,
        siren,
    })
}

fn entree(s: &Saisies, nom: &str, champ: &'static str) -> Result<i64, Faute> {
    valeur(s, nom)
        .parse()
        .map_err(|_| (champ, "Choisissez une entrée de l'annuaire.".to_owned()))
}

/// A save's answer: back to its section, or the page again with the message.
async fn repondre(
    state: &AppState,
    visiteur: &Visiteur,
    (formulaire, section): (&str, &str),
    resultat: Result<Result<(), StoreError>, Faute>,
    saisies: Saisies,
) -> Result<Response, AppError> {
    let (champ, message) = match resultat {
        Ok(Ok(())) => {
            return Ok(rediriger(&format!("{CHEMIN}?fait={section}#{section}"), []));
        }
        Ok(Err(StoreError::Invalid(m))) => ("nom", phrase(&m)),
        Ok(Err(autre)) => return Err(autre.into()),
        Err(faute) => faute,
    };
    let refus = Refus {
        message,
        ..refus(formulaire, &format!("{formulaire}-{champ}"), saisies)
    };
    let mut reponse = afficher(state, visiteur, None, refus, StatusCode::BAD_REQUEST).await?;
    reponse
        .headers_mut()
        .insert("hx-push-url", axum::http::HeaderValue::from_static(CHEMIN));
    Ok(reponse)
}

/// `POST /annuaire/modification`: entry `entree` corrected.
pub async fn modifier(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Champs(paires): Champs<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let saisies = saisies_de(paires);
    let formulaire = format!("entree-{}", valeur(&saisies, "entree"));
    let resultat = async {
        let n = entree(&saisies, "entree", "nom")?;
        let o = organisation(&saisies)?;
        Ok(annuaire::modifier(&state.store, &visiteur.auteur, n, &o).await)
    }
    .await;
    repondre(
        &state,
        &visiteur,
        (&formulaire, &formulaire),
        resultat,
        saisies,
    )
    .await
}

/// `POST /annuaire/fusion`: entry `doublon` merged into entry `garder`.
pub async fn fusionner(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Champs(paires): Champs<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let saisies = saisies_de(paires);
    let resultat = async {
        let garder = entree(&saisies, "garder", "garder")?;
        let doublon = entree(&saisies, "doublon", "doublon")?;
        Ok(annuaire::fusionner(&state.store, &visiteur.auteur, garder, doublon).await)
    }
    .await;
    repondre(&state, &visiteur, ("fusion", "fusion"), resultat, saisies).await
}

/// The routes of the directory's page and its forms, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(Method::GET, CHEMIN, Annuaire, get(page)),
        route(
            Method::POST,
            "/annuaire/modification",
            Annuaire,
            post(modifier),
        ),
        route(Method::POST, "/annuaire/fusion", Annuaire, post(fusionner)),
    ]
}
