//! The page of the Conseil Local de Santé Mentale (`/contrats/{id}/clsm`), for those who change
//! the whole contract: its name, launch and presentation, its own axes, its bodies with their
//! members, its events (the Semaines d'information sur la santé mentale, trainings…). Each
//! save goes back to its section; a refused form comes back with its message beside the field.

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::{get, post};
use pilote_domain::clsm::{Evenement, NatureEvenement};
use pilote_domain::gouvernance::{Instance, Membre, NatureInstance};
use pilote_store::StoreError;
use pilote_store::contrat::ContratComplet;
use pilote_store::contrat::clsm::{self, Element, EnTete};

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::page::Entete;
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::{
    Cadre, Faute, Formulaire, PageDeGestion, Refus, Saisies, SurContrat, choisi, date, issue,
    lignes, montrer, optionnel, options, refus, refuser, valeur,
};
use crate::noyau::visiteur::Visiteur;

#[derive(Template)]
#[template(path = "clsm/clsm.html")]
pub struct Page {
    entete: Entete,
    c: ContratComplet,
    csrf: String,
    /// The section whose save this page confirms.
    fait: Option<String>,
    refus: Refus,
}

impl Page {
    /// Field `nom` of the council's general form: as typed if refused, as stored otherwise.
    fn conseil(&self, nom: &str) -> String {
        if self.refus.formulaire == "clsm" {
            return self.refus.saisie("clsm", nom).to_owned();
        }
        let Some(c) = &self.c.contrat.clsm else {
            return String::new();
        };
        match nom {
            "nom" => c.nom.clone(),
            "lancement" => c.lancement.map(|d| d.en_saisie()).unwrap_or_default(),
            _ => c.presentation.join("\n\n"),
        }
    }

    /// The message of a form the page does not show: an addition to a council not created yet
    /// (or removed meanwhile).
    fn refus_sans_formulaire(&self) -> Option<&str> {
        let conseil = self.c.contrat.clsm.is_some();
        self.refus
            .sans_formulaire(|f| ["clsm", "retrait"].contains(&f) || conseil)
    }

    fn choix_natures_instance(&self) -> Vec<(String, String)> {
        options(
            "— Choisir —",
            NatureInstance::TOUS,
            NatureInstance::code,
            NatureInstance::libelle,
        )
    }

    fn choix_natures_evenement(&self) -> Vec<(String, String)> {
        options(
            "— Non précisée —",
            NatureEvenement::TOUS,
            NatureEvenement::code,
            NatureEvenement::libelle,
        )
    }
}

/// The council's page, where its forms go back.
pub struct PageClsm;

impl PageDeGestion for PageClsm {
    const CHEMIN: &'static str = "clsm";
    type Gabarit = Page;

    async fn gabarit(_: &AppState, cadre: Cadre) -> Result<Page, AppError> {
        Ok(Page {
            entete: cadre.entete,
            c: cadre.c,
            csrf: cadre.csrf,
            fait: cadre.fait,
            refus: cadre.refus,
        })
    }
}

fn en_tete(s: &Saisies) -> Result<EnTete, Faute> {
    if valeur(s, "nom").is_empty() {
        return Err((
            "nom",
            "Indiquez le nom du conseil, par exemple « CLSM de Caen ».".to_owned(),
        ));
    }
    Ok(EnTete {
        nom: valeur(s, "nom").to_owned(),
        lancement: date(s, "lancement")?,
        presentation: valeur(s, "presentation")
            .replace("\r\n", "\n")
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// « ARS Occitanie, Dr Martin, psychiatre »: the organisation, then who and in what function.
fn membre(ligne: &str) -> Membre {
    let mut parties = ligne.splitn(3, ',').map(str::trim).map(str::to_owned);
    Membre {
        id: None,
        organisation: parties.next().unwrap_or_default(),
        personne: parties.next().filter(|p| !p.is_empty()),
        fonction: parties.next().filter(|f| !f.is_empty()),
    }
}

fn instance(s: &Saisies) -> Result<Instance, Faute> {
    let nature = choisi(s, "nature", NatureInstance::parse)?
        .ok_or(("nature", "Choisissez la nature de l'instance.".to_owned()))?;
    if valeur(s, "nom").is_empty() {
        return Err((
            "nom",
            "Indiquez le nom de l'instance, par exemple « Assemblée plénière ».".to_owned(),
        ));
    }
    Ok(Instance {
        id: None,
        nature,
        nom: valeur(s, "nom").to_owned(),
        description: None,
        presidence: optionnel(s, "presidence"),
        membres: lignes(s, "membres").iter().map(|l| membre(l)).collect(),
        reunions: Vec::new(),
    })
}

fn evenement(s: &Saisies) -> Result<Evenement, Faute> {
    if valeur(s, "titre").is_empty() {
        return Err((
            "titre",
            "Indiquez l'événement, par exemple « Semaines d'information sur la santé mentale 2024 ».".to_owned(),
        ));
    }
    Ok(Evenement {
        id: None,
        nature: choisi(s, "nature", NatureEvenement::parse)?,
        titre: valeur(s, "titre").to_owned(),
        date: date(s, "date")?,
        description: optionnel(s, "description"),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Conseil,
    Axe,
    Instance,
    Evenement,
    Retirer,
}

async fn traiter(
    state: &AppState,
    visiteur: &Visiteur,
    formulaire: Formulaire<SurContrat>,
    action: Action,
) -> Result<Response, AppError> {
    let Formulaire {
        id, lue, saisies, ..
    } = formulaire;
    let (store, auteur) = (&state.store, &visiteur.auteur);
    let ecran = (state, visiteur, PageClsm);
    // The form's name, the field a store refusal is shown beside, the section a save goes
    // back to.
    let (formulaire, champ, section) = match action {
        Action::Conseil => ("clsm", "nom", "conseil"),
        Action::Axe => ("axe", "titre", "axes"),
        Action::Instance => ("instance", "nom", "instances"),
        Action::Evenement => ("evenement", "titre", "evenements"),
        Action::Retirer => ("retrait", "bouton", "conseil"),
    };
    let lu: Result<Result<(), StoreError>, Faute> = async {
        Ok(match action {
            Action::Conseil => {
                clsm::enregistrer(store, auteur, &id, lue, &en_tete(&saisies)?).await
            }
            Action::Axe => {
                if valeur(&saisies, "titre").is_empty() {
                    return Err(("titre", "Indiquez le titre de l'axe.".to_owned()));
                }
                let titre = valeur(&saisies, "titre");
                let description = optionnel(&saisies, "description");
                clsm::ajouter_axe(store, auteur, &id, lue, titre, description).await
            }
            Action::Instance => {
                clsm::ajouter_instance(store, auteur, &id, lue, &instance(&saisies)?).await
            }
            Action::Evenement => {
                clsm::ajouter_evenement(store, auteur, &id, lue, &evenement(&saisies)?).await
            }
            Action::Retirer => match valeur(&saisies, "element").parse::<Element>() {
                Ok(element) => clsm::retirer(store, auteur, &id, lue, element).await,
                Err(e) => Err(StoreError::Invalid(e)),
            },
        })
    }
    .await;
    let resultat = match lu {
        Ok(resultat) => resultat,
        Err(faute) => return refuser(ecran, &id, formulaire, faute, saisies).await,
    };
    let refus = refus(formulaire, &format!("{formulaire}-{champ}"), saisies);
    issue(ecran, &id, resultat, section, refus).await
}

/// `POST /contrats/{id}/clsm`: the council's name, launch and presentation.
pub async fn enregistrer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Conseil).await
}

/// `POST /contrats/{id}/clsm/axes`
pub async fn ajouter_axe(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Axe).await
}

/// `POST /contrats/{id}/clsm/instances`
pub async fn ajouter_instance(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Instance).await
}

/// `POST /contrats/{id}/clsm/evenements`
pub async fn ajouter_evenement(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Evenement).await
}

/// `POST /contrats/{id}/clsm/retrait`: an axis, a body, an event, or the council (`clsm`).
pub async fn retirer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Retirer).await
}

/// The routes of the council's page and its forms, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::GET,
            "/contrats/{id}/clsm",
            ModifierContrat,
            get(montrer::<PageClsm>),
        ),
        route(
            Method::POST,
            "/contrats/{id}/clsm",
            ModifierContrat,
            post(enregistrer),
        ),
        route(
            Method::POST,
            "/contrats/{id}/clsm/axes",
            ModifierContrat,
            post(ajouter_axe),
        ),
        route(
            Method::POST,
            "/contrats/{id}/clsm/instances",
            ModifierContrat,
            post(ajouter_instance),
        ),
        route(
            Method::POST,
            "/contrats/{id}/clsm/evenements",
            ModifierContrat,
            post(ajouter_evenement),
        ),
        route(
            Method::POST,
            "/contrats/{id}/clsm/retrait",
            ModifierContrat,
            post(retirer),
        ),
    ]
}
