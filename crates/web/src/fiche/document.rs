//! The documents of a fiche-action: `POST /contrats/{id}/fiches/{numero}/documents` deposits a
//! file in the document storage then attaches it in one transaction (removing the file again if
//! that is refused); `GET …/documents/{document}` serves it, as an attachment, to whoever reads
//! the whole contract.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::Response;
use pilote_domain::autorisation::Operation;
use pilote_stockage::Cle;
use pilote_store::contrat::{self, fiche::suivi};

use super::PageFiche;
use crate::AppState;
use crate::noyau::caracteres::champs_admissibles;
use crate::noyau::document::{self, Envoi};
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::Chemin;
use crate::noyau::saisie::{date, issue, preambule, refus, refuser};
use crate::noyau::visiteur::Visiteur;

/// `POST /contrats/{id}/fiches/{numero}/documents` (multipart): a file with its title and
/// date, deposited in the storage, then attached in one transaction; if that is refused, the
/// file is removed again.
pub async fn deposer(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin((id, numero)): Chemin<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let operation = Operation::ModifierFiche(numero.clone());
    // The right first, before anything sent is looked at.
    let contrat_id = crate::noyau::identifiant(&id)?;
    contrat::autorise(&state.store, &visiteur.auteur, &contrat_id, &operation).await?;
    let Envoi { saisies, fichier } = document::recevoir(&state, multipart).await?;
    let (id, lue) = preambule(&state, &visiteur, &id, &operation, &saisies).await?;
    champs_admissibles(&saisies).map_err(AppError::BadRequest)?;
    let ecran = (&state, &visiteur, PageFiche(&numero));
    let formulaire = format!("document-{numero}");
    let fichier = match fichier {
        Some(f) if f.depot.taille() > 0 => f,
        _ => {
            let faute = (
                "fichier",
                "Choisissez le fichier à joindre (il est vide ou absent).".to_owned(),
            );
            return refuser(ecran, &id, &formulaire, faute, saisies).await;
        }
    };
    let date = match date(&saisies, "date") {
        Ok(d) => d,
        Err(faute) => return refuser(ecran, &id, &formulaire, faute, saisies).await,
    };
    let cle = Cle::nouvelle(id.as_str(), &numero, &fichier.nom);
    let (store, auteur) = (&state.store, &visiteur.auteur);
    let la_fiche = (&id, numero.as_str());
    let titre = (&saisies, date);
    let resultat = document::joindre(&state, (cle, fichier), titre, |piece| async move {
        suivi::ajouter_document(store, auteur, la_fiche, lue, &piece).await
    })
    .await?;
    let refus = refus(&formulaire, &format!("{formulaire}-titre"), saisies);
    issue(ecran, &id, resultat, "documents", refus).await
}

/// `GET /contrats/{id}/fiches/{numero}/documents/{document}`: the file, as an attachment, for
/// those who read the whole contract.
pub async fn telecharger(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin((id, numero, piece)): Chemin<(String, String, String)>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let piece = piece.parse::<i64>().map_err(|_| {
        AppError::NotFound(format!(
            "Aucun document « {piece} » pour cette fiche-action."
        ))
    })?;
    let piece = suivi::document(&state.store, &visiteur.auteur, (&id, &numero), piece).await?;
    document::servir(&state, &piece).await
}
