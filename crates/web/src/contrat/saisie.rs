//! The forms of the contract page (strategy, follow-up of an action, governance) share their
//! beginning and their answer: the contract and the visitor's right to change it are checked
//! before any input is read; a save goes back to the contract, a refusal shows the page again
//! with the message beside the faulty field and everything typed.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use pilote_domain::autorisation::Operation;
use pilote_domain::{DatePartielle, IdContrat, Montant};
use pilote_store::{StoreError, contrat};

use super::pages::{Refus, afficher};
use crate::AppState;
use crate::error::{AppError, phrase};
use crate::page::rediriger;
use crate::visiteur::Visiteur;

/// The page a form belongs to: where a save goes back to, and what shows again when it is
/// refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ecran<'a> {
    Contrat,
    Strategie,
    Signature,
    /// The page of fiche-action `numero`.
    Fiche(&'a str),
}

impl Ecran<'_> {
    fn chemin(self, id: &IdContrat) -> String {
        match self {
            Ecran::Contrat => format!("/contrats/{id}"),
            Ecran::Strategie => format!("/contrats/{id}/strategie"),
            Ecran::Signature => format!("/contrats/{id}/signature"),
            Ecran::Fiche(numero) => format!("/contrats/{id}/fiches/{numero}"),
        }
    }

    /// The page again, with `refus`.
    async fn afficher(
        self,
        state: &AppState,
        visiteur: &Visiteur,
        id: &IdContrat,
        refus: Refus,
        statut: StatusCode,
    ) -> Result<Response, AppError> {
        match self {
            Ecran::Contrat => afficher(state, visiteur, id, None, Some(refus), statut).await,
            Ecran::Strategie => {
                super::strategie::afficher(state, visiteur, id, None, refus, statut).await
            }
            Ecran::Signature => {
                super::signature::afficher(state, visiteur, id, None, refus, statut).await
            }
            Ecran::Fiche(numero) => {
                super::fiche::afficher(state, visiteur, (id, numero), None, refus, statut).await
            }
        }
    }
}

/// A form's fields as typed, by name.
pub(super) type Saisies = BTreeMap<String, String>;

/// A form as sent, the several values of a multiple choice joined by line breaks.
pub(super) fn saisies_de(paires: Vec<(String, String)>) -> Saisies {
    let mut saisies = Saisies::new();
    for (nom, v) in paires {
        saisies
            .entry(nom)
            .and_modify(|deja: &mut String| {
                deja.push('\n');
                deja.push_str(&v);
            })
            .or_insert(v);
    }
    saisies
}

/// The first faulty field of a form (its name) and its message.
pub(super) type Faute = (&'static str, String);

/// A field as typed, trimmed; empty when absent.
pub(super) fn valeur<'a>(saisies: &'a Saisies, nom: &str) -> &'a str {
    saisies.get(nom).map_or("", |v| v.trim())
}

/// What every form of the contract page starts with: the contract named in the path, the
/// visitor's right to `operation` on it (checked before any input is looked at), and the
/// version the form was read at.
pub(super) async fn preambule(
    state: &AppState,
    visiteur: &Visiteur,
    id: &str,
    operation: &Operation,
    version: &str,
) -> Result<(IdContrat, i64), AppError> {
    let id = super::identifiant(id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &id, operation).await?;
    let lue = version.trim().parse().map_err(|_| {
        AppError::BadRequest("Version du contrat absente ou illisible : rechargez la page.".into())
    })?;
    Ok((id, lue))
}

/// The answer to a save from page `ecran`: back to it (`?fait=…`), or the page again with
/// `refus` and the store's message.
pub(super) async fn issue<T>(
    (state, visiteur, ecran): (&AppState, &Visiteur, Ecran<'_>),
    id: &IdContrat,
    resultat: Result<T, StoreError>,
    fait: &str,
    refus: Refus,
) -> Result<Response, AppError> {
    let (statut, message) = match resultat {
        Ok(_) => return Ok(rediriger(&format!("{}?fait={fait}", ecran.chemin(id)), [])),
        Err(StoreError::Invalid(message)) => (StatusCode::BAD_REQUEST, message),
        Err(StoreError::Perime { message, .. } | StoreError::Conflict(message)) => {
            (StatusCode::CONFLICT, message)
        }
        Err(autre) => return Err(autre.into()),
    };
    let refus = Refus {
        message: phrase(&message),
        ..refus
    };
    ecran.afficher(state, visiteur, id, refus, statut).await
}

/// What a refusal of form `formulaire` shows: the message beside `champ`, `saisies` kept.
pub(super) fn refus(formulaire: &str, champ: &str, saisies: BTreeMap<String, String>) -> Refus {
    Refus {
        formulaire: formulaire.to_owned(),
        champ: champ.to_owned(),
        message: String::new(),
        saisies,
    }
}

/// The page again, form `formulaire` refused on its field `champ` (named without the form's
/// prefix) for a fault found before anything was saved.
pub(super) async fn refuser(
    (state, visiteur, ecran): (&AppState, &Visiteur, Ecran<'_>),
    id: &IdContrat,
    formulaire: &str,
    (champ, message): Faute,
    saisies: Saisies,
) -> Result<Response, AppError> {
    let refus = Refus {
        message,
        ..refus(formulaire, &format!("{formulaire}-{champ}"), saisies)
    };
    ecran
        .afficher(state, visiteur, id, refus, StatusCode::BAD_REQUEST)
        .await
}

/// Field `nom`, if typed.
pub(super) fn optionnel(saisies: &Saisies, nom: &str) -> Option<String> {
    Some(valeur(saisies, nom).to_owned()).filter(|v| !v.is_empty())
}

/// The non-empty lines of field `nom`, trimmed.
pub(super) fn lignes(saisies: &Saisies, nom: &str) -> Vec<String> {
    valeur(saisies, nom)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A date (`AAAA`, `AAAA-MM` or `AAAA-MM-JJ`) in field `nom`, if typed.
pub(super) fn date(saisies: &Saisies, nom: &'static str) -> Result<Option<DatePartielle>, Faute> {
    match valeur(saisies, nom) {
        "" => Ok(None),
        texte => DatePartielle::parse(texte)
            .map(Some)
            .map_err(|e| (nom, phrase(&e.to_string()))),
    }
}

/// A year from 1900 to 2200 in field `nom`, if typed.
pub(super) fn annee(saisies: &Saisies, nom: &'static str) -> Result<Option<u16>, Faute> {
    match valeur(saisies, nom) {
        "" => Ok(None),
        texte => texte
            .parse::<u16>()
            .ok()
            .filter(|a| (1900..=2200).contains(a))
            .map(Some)
            .ok_or_else(|| {
                (
                    nom,
                    format!("« {texte} » n'est pas une année (de 1900 à 2200)."),
                )
            }),
    }
}

/// A number in field `nom` (decimal comma and spaces accepted), if typed.
pub(super) fn nombre(saisies: &Saisies, nom: &'static str) -> Result<Option<f64>, Faute> {
    match valeur(saisies, nom) {
        "" => Ok(None),
        texte => texte
            .replace(',', ".")
            .replace([' ', '\u{a0}', '\u{202f}'], "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or_else(|| (nom, format!("« {texte} » n'est pas un nombre."))),
    }
}

/// An amount in euros in field `nom`, if typed.
pub(super) fn montant(saisies: &Saisies, nom: &'static str) -> Result<Option<Montant>, Faute> {
    match valeur(saisies, nom) {
        "" => Ok(None),
        texte => Montant::parse(texte)
            .map(Some)
            .map_err(|e| (nom, phrase(&e.to_string()))),
    }
}

/// Declares the handlers of a page's forms: each extracts the path (of type `$chemin`) and the
/// form, then hands them to `$traiter` with its action.
macro_rules! gestionnaires {
    ($chemin:ty => $traiter:path { $($(#[$doc:meta])* $nom:ident => $action:expr;)+ }) => {$(
        $(#[$doc])*
        pub async fn $nom(
            axum::extract::State(state): axum::extract::State<crate::AppState>,
            visiteur: crate::visiteur::Visiteur,
            axum::extract::Path(chemin): axum::extract::Path<$chemin>,
            axum::Form(paires): axum::Form<Vec<(String, String)>>,
        ) -> Result<axum::response::Response, crate::error::AppError> {
            let saisies = super::saisie::saisies_de(paires);
            $traiter(&state, &visiteur, chemin, saisies, $action).await
        }
    )+};
}
pub(super) use gestionnaires;
