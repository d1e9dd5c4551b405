//! Following a fiche-action from the contract page: `POST /contrats/{id}/fiches/{n}/budget`
//! adds a budget line, `POST /contrats/{id}/fiches/{n}/indicateurs` an indicator with its
//! target; open to the action's pilot as to those who change the whole contract. Each field
//! is read here, each fault named beside its field, with what was typed kept.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::fiche_action::{Cible, Indicateur, LigneBudget, NatureDepense, TypeIndicateur};
use pilote_store::contrat::fiche;

use super::PageFiche;
use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::saisie::{
    Faute, Formulaire, Saisies, SurFiche, annee, issue, montant, nombre, refus, refuser, valeur,
};
use crate::noyau::visiteur::Visiteur;

fn ligne_budget(s: &Saisies) -> Result<LigneBudget, Faute> {
    if valeur(s, "financeur").is_empty() {
        return Err(("financeur", "Indiquez le financeur.".to_owned()));
    }
    let ligne = LigneBudget {
        id: None,
        annee: annee(s, "annee")?.ok_or(("annee", "Indiquez l'année.".to_owned()))?,
        financeur: valeur(s, "financeur").to_owned(),
        nature: NatureDepense::parse(valeur(s, "nature")).map_err(|e| ("nature", phrase(&e)))?,
        previsionnel: montant(s, "previsionnel")?,
        realise: montant(s, "realise")?,
    };
    if ligne.previsionnel.is_none() && ligne.realise.is_none() {
        return Err((
            "previsionnel",
            "Indiquez un montant prévisionnel ou réalisé.".to_owned(),
        ));
    }
    Ok(ligne)
}

fn indicateur(s: &Saisies) -> Result<Indicateur, Faute> {
    if valeur(s, "libelle").is_empty() {
        return Err(("libelle", "Indiquez le libellé de l'indicateur.".to_owned()));
    }
    let cible = match (annee(s, "cible_annee")?, nombre(s, "cible_valeur")?) {
        (Some(annee), Some(valeur)) => vec![Cible {
            id: None,
            annee,
            valeur,
        }],
        (None, None) => Vec::new(),
        (Some(_), None) => return Err(("cible_valeur", "Indiquez la valeur cible.".to_owned())),
        (None, Some(_)) => {
            return Err(("cible_annee", "Indiquez l'année de la cible.".to_owned()));
        }
    };
    Ok(Indicateur {
        id: None,
        libelle: valeur(s, "libelle").to_owned(),
        type_indicateur: TypeIndicateur::parse(valeur(s, "type"))
            .map_err(|e| ("type", phrase(&e)))?,
        unite: Some(valeur(s, "unite").to_owned()).filter(|u| !u.is_empty()),
        valeur_initiale: nombre(s, "valeur_initiale")?,
        cibles: cible,
        valeurs: Vec::new(),
    })
}

/// The two forms of a fiche-action's follow-up.
#[derive(Debug, Clone, Copy)]
enum Ajout {
    Budget,
    Indicateur,
}

/// Reads form `ajout` for fiche-action `numero`, saves it, answers.
async fn ajouter(
    state: &AppState,
    visiteur: &Visiteur,
    formulaire: Formulaire<SurFiche>,
    ajout: Ajout,
) -> Result<Response, AppError> {
    let Formulaire {
        id,
        droit: SurFiche(numero),
        lue,
        saisies,
    } = formulaire;
    let (store, auteur) = (&state.store, &visiteur.auteur);
    let (formulaire, champ, resultat, section) = match ajout {
        Ajout::Budget => {
            let formulaire = format!("budget-{numero}");
            let ligne = match ligne_budget(&saisies) {
                Ok(ligne) => ligne,
                Err(faute) => {
                    return refuser(
                        (state, visiteur, PageFiche(&numero)),
                        &id,
                        &formulaire,
                        faute,
                        saisies,
                    )
                    .await;
                }
            };
            let resultat =
                fiche::ajouter_ligne_budget(store, auteur, &id, &numero, lue, &ligne).await;
            (formulaire, "financeur", resultat, "budget")
        }
        Ajout::Indicateur => {
            let formulaire = format!("indicateur-{numero}");
            let indicateur = match indicateur(&saisies) {
                Ok(indicateur) => indicateur,
                Err(faute) => {
                    return refuser(
                        (state, visiteur, PageFiche(&numero)),
                        &id,
                        &formulaire,
                        faute,
                        saisies,
                    )
                    .await;
                }
            };
            let resultat =
                fiche::ajouter_indicateur(store, auteur, &id, &numero, lue, &indicateur).await;
            (formulaire, "libelle", resultat, "indicateurs")
        }
    };
    let refus = refus(&formulaire, &format!("{formulaire}-{champ}"), saisies);
    issue(
        (state, visiteur, PageFiche(&numero)),
        &id,
        resultat,
        section,
        refus,
    )
    .await
}

/// `POST /contrats/{id}/fiches/{numero}/budget`
pub async fn ajouter_budget(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurFiche>,
) -> Result<Response, AppError> {
    ajouter(&state, &visiteur, formulaire, Ajout::Budget).await
}

/// `POST /contrats/{id}/fiches/{numero}/indicateurs`
pub async fn ajouter_indicateur(
    State(state): State<AppState>,
    visiteur: Visiteur,
    formulaire: Formulaire<SurFiche>,
) -> Result<Response, AppError> {
    ajouter(&state, &visiteur, formulaire, Ajout::Indicateur).await
}
