//! The strategy page of a contract (`/contrats/{id}/strategie`), for those who change the
//! whole contract: its tree of axes, objectives and fiches-actions with, on each element, the
//! forms to edit it, move it up or down, attach a fiche-action elsewhere or remove it; below,
//! the forms to add an axis, an objective or a fiche-action, and to renumber. A refused form
//! comes back on the page with its message beside the field and what was typed.

use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::{get, post};
use pilote_domain::strategie::{Axe, NiveauObjectif};
use pilote_store::StoreError;
use pilote_store::contrat::ContratComplet;
use pilote_store::contrat::strategie::ordre::{self, Sens};
use pilote_store::contrat::strategie::{self, AxeSaisi, Element, Place};

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::page::{Entete, designation};
use crate::noyau::route::{Politique, Routes, route};
use crate::noyau::saisie::{
    Cadre, Formulaire, PageDeGestion, Refus, Saisies, SurContrat, issue, montrer, refus, valeur,
};
use crate::noyau::visiteur::Visiteur;

/// One objective as the page lists it.
struct LigneObjectif<'a> {
    element: String,
    numero: String,
    profondeur: usize,
    objectif: &'a pilote_domain::strategie::Objectif,
}

#[derive(Template)]
#[template(path = "strategie/strategie.html")]
pub struct Page {
    entete: Entete,
    c: ContratComplet,
    csrf: String,
    /// The section a save went back to, where the page confirms it.
    fait: Option<String>,
    refus: Refus,
    niveaux: &'static [NiveauObjectif],
}

impl Page {
    /// The axes of the contract itself (not those of its CLSM).
    fn axes(&self) -> &[Axe] {
        &self.c.contrat.axes
    }

    fn objectifs<'a>(&self, axe: &'a Axe) -> Vec<LigneObjectif<'a>> {
        axe.objectifs_en_profondeur()
            .into_iter()
            .enumerate()
            .map(|(i, (profondeur, objectif))| LigneObjectif {
                element: designation("objectif", &objectif.id),
                numero: format!("{}.{}", axe.numero, i + 1),
                profondeur,
                objectif,
            })
            .collect()
    }

    /// Every place a fiche-action or an objective may go: each axis, each of its objectives.
    fn places(&self) -> Vec<(String, String)> {
        let mut places = Vec::new();
        for axe in self.axes() {
            places.push((
                designation("axe", &axe.id),
                format!("Axe {} — {}", axe.numero, axe.titre),
            ));
            for o in self.objectifs(axe) {
                places.push((
                    o.element,
                    format!(
                        "{}↳ Objectif {} — {}",
                        "\u{a0}\u{a0}".repeat(o.profondeur + 1),
                        o.numero,
                        o.objectif.libelle
                    ),
                ));
            }
        }
        places
    }
}

/// The strategy page, where its forms go back.
pub struct PageStrategie;

impl PageDeGestion for PageStrategie {
    const CHEMIN: &'static str = "strategie";
    type Gabarit = Page;

    async fn gabarit(_: &AppState, cadre: Cadre) -> Result<Page, AppError> {
        Ok(Page {
            entete: cadre.entete,
            c: cadre.c,
            csrf: cadre.csrf,
            fait: cadre.fait,
            refus: cadre.refus,
            niveaux: NiveauObjectif::TOUS,
        })
    }
}

/// An element named by a form field, or the store's refusal naming the field.
fn element(saisies: &Saisies, nom: &str) -> Result<Element, StoreError> {
    valeur(saisies, nom).parse().map_err(StoreError::Invalid)
}

/// The place chosen in field `nom`: an axis, or one of its objectives.
fn place(saisies: &Saisies, nom: &str) -> Result<Place, StoreError> {
    valeur(saisies, nom).parse().map_err(StoreError::Invalid)
}

fn niveau(saisies: &Saisies) -> Result<NiveauObjectif, StoreError> {
    NiveauObjectif::parse(valeur(saisies, "niveau")).map_err(StoreError::Invalid)
}

fn axe_saisi(saisies: &Saisies) -> AxeSaisi {
    AxeSaisi {
        titre: valeur(saisies, "titre").to_owned(),
        description: valeur(saisies, "description").to_owned(),
        transversal: valeur(saisies, "transversal") == "oui",
    }
}

/// The forms of the strategy page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    AjouterAxe,
    AjouterObjectif,
    AjouterFiche,
    Modifier,
    Ordonner,
    Rattacher,
    Renumeroter,
    Supprimer,
}

/// Checks the right, reads form `action`, saves it, answers.
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
    let (formulaire, champ, resultat): (String, &str, Result<(), StoreError>) = match action {
        Action::AjouterAxe => {
            let axe = axe_saisi(&saisies);
            let resultat = strategie::ajouter_axe(store, auteur, &id, lue, &axe).await;
            ("axe".into(), "titre", resultat.map(drop))
        }
        Action::AjouterObjectif => {
            let resultat = match (place(&saisies, "place"), niveau(&saisies)) {
                (Ok(place), Ok(niveau)) => {
                    let libelle = valeur(&saisies, "libelle");
                    strategie::ajouter_objectif(store, auteur, &id, lue, place, niveau, libelle)
                        .await
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
            };
            ("objectif".into(), "libelle", resultat)
        }
        Action::AjouterFiche => {
            let resultat = match place(&saisies, "place") {
                Ok(place) => {
                    let titre = valeur(&saisies, "titre");
                    strategie::ajouter_fiche(store, auteur, &id, lue, place, titre)
                        .await
                        .map(drop)
                }
                Err(e) => Err(e),
            };
            ("fiche".into(), "titre", resultat)
        }
        Action::Modifier => {
            let cible = valeur(&saisies, "element").to_owned();
            let resultat = match element(&saisies, "element") {
                Ok(Element::Axe(axe)) => {
                    strategie::modifier_axe(store, auteur, &id, lue, axe, &axe_saisi(&saisies))
                        .await
                }
                Ok(Element::Objectif(objectif)) => match niveau(&saisies) {
                    Ok(niveau) => {
                        let libelle = valeur(&saisies, "libelle");
                        strategie::modifier_objectif(
                            store, auteur, &id, lue, objectif, niveau, libelle,
                        )
                        .await
                    }
                    Err(e) => Err(e),
                },
                Ok(Element::Fiche(_)) => Err(StoreError::Invalid(
                    "une fiche-action se modifie depuis sa propre page".to_owned(),
                )),
                Err(e) => Err(e),
            };
            let champ = if cible.starts_with("axe") {
                "titre"
            } else {
                "libelle"
            };
            (format!("modifier-{cible}"), champ, resultat)
        }
        Action::Ordonner => {
            let sens = match valeur(&saisies, "sens") {
                "haut" => Ok(Sens::Haut),
                "bas" => Ok(Sens::Bas),
                autre => Err(StoreError::Invalid(format!(
                    "sens « {autre} » inconnu : haut ou bas"
                ))),
            };
            let resultat = match (element(&saisies, "element"), sens) {
                (Ok(e), Ok(sens)) => ordre::deplacer(store, auteur, &id, lue, e, sens).await,
                (Err(e), _) | (_, Err(e)) => Err(e),
            };
            ("ordre".into(), "element", resultat)
        }
        Action::Rattacher => {
            let cible = valeur(&saisies, "element").to_owned();
            let resultat = match (element(&saisies, "element"), place(&saisies, "place")) {
                (Ok(Element::Fiche(fiche)), Ok(place)) => {
                    ordre::rattacher(store, auteur, &id, lue, fiche, place).await
                }
                (Err(e), _) | (Ok(Element::Fiche(_)), Err(e)) => Err(e),
                (Ok(_), _) => Err(StoreError::Invalid(
                    "seule une fiche-action se rattache ailleurs".to_owned(),
                )),
            };
            (format!("rattacher-{cible}"), "place", resultat)
        }
        Action::Renumeroter => (
            "numerotation".into(),
            "bouton",
            ordre::renumeroter(store, auteur, &id, lue).await,
        ),
        Action::Supprimer => {
            let resultat = match element(&saisies, "element") {
                Ok(e) => strategie::supprimer(store, auteur, &id, lue, e).await,
                Err(e) => Err(e),
            };
            (
                format!("supprimer-{}", valeur(&saisies, "element")),
                "bouton",
                resultat,
            )
        }
    };
    let refus = refus(&formulaire, &format!("{formulaire}-{champ}"), saisies);
    // An addition goes back to the forms, to add the next; any other change to the tree.
    let section = match action {
        Action::AjouterAxe | Action::AjouterObjectif | Action::AjouterFiche => "ajouts",
        _ => "strategie",
    };
    issue(
        (state, visiteur, PageStrategie),
        &id,
        resultat,
        section,
        refus,
    )
    .await
}

/// `POST /contrats/{id}/axes`
pub async fn ajouter_axe(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterAxe).await
}

/// `POST /contrats/{id}/objectifs`
pub async fn ajouter_objectif(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterObjectif).await
}

/// `POST /contrats/{id}/fiches`
pub async fn ajouter_fiche(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::AjouterFiche).await
}

/// `POST /contrats/{id}/strategie/modification`: an axis or an objective.
pub async fn modifier(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Modifier).await
}

/// `POST /contrats/{id}/strategie/ordre`: `element` one place up or down (`sens`).
pub async fn ordonner(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Ordonner).await
}

/// `POST /contrats/{id}/strategie/rattachement`: fiche-action `element` to `place`.
pub async fn rattacher(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Rattacher).await
}

/// `POST /contrats/{id}/strategie/numerotation`
pub async fn renumeroter(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Renumeroter).await
}

/// `POST /contrats/{id}/strategie/suppression`
pub async fn supprimer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurContrat>,
) -> Result<Response, AppError> {
    traiter(&state, &visiteur, formulaire, Action::Supprimer).await
}

/// The routes of the strategy page and its forms, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::POST,
            "/contrats/{id}/axes",
            ModifierContrat,
            post(ajouter_axe),
        ),
        route(
            Method::POST,
            "/contrats/{id}/fiches",
            ModifierContrat,
            post(ajouter_fiche),
        ),
        route(
            Method::GET,
            "/contrats/{id}/strategie",
            ModifierContrat,
            get(montrer::<PageStrategie>),
        ),
        route(
            Method::POST,
            "/contrats/{id}/objectifs",
            ModifierContrat,
            post(ajouter_objectif),
        ),
        route(
            Method::POST,
            "/contrats/{id}/strategie/modification",
            ModifierContrat,
            post(modifier),
        ),
        route(
            Method::POST,
            "/contrats/{id}/strategie/ordre",
            ModifierContrat,
            post(ordonner),
        ),
        route(
            Method::POST,
            "/contrats/{id}/strategie/rattachement",
            ModifierContrat,
            post(rattacher),
        ),
        route(
            Method::POST,
            "/contrats/{id}/strategie/numerotation",
            ModifierContrat,
            post(renumeroter),
        ),
        route(
            Method::POST,
            "/contrats/{id}/strategie/suppression",
            ModifierContrat,
            post(supprimer),
        ),
    ]
}
