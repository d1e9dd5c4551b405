//! The documents of a fiche-action: `POST /contrats/{id}/fiches/{numero}/documents` deposits a
//! file in the document storage then attaches it in one transaction (removing the file again if
//! that is refused); `GET …/documents/{document}` serves it, as an attachment, to whoever reads
//! the whole contract.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pilote_domain::autorisation::Operation;
use pilote_domain::fiche_action::Document;
use pilote_stockage::{Cle, Depot};
use pilote_store::contrat::{self, fiche::suivi};

use super::PageFiche;
use crate::AppState;
use crate::noyau::caracteres::champs_admissibles;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::extraction::Chemin;
use crate::noyau::limites::en_octets;
use crate::noyau::saisie::{Saisies, date, issue, preambule, refus, refuser, valeur};
use crate::noyau::visiteur::Visiteur;

/// Removes a document's file once its row is gone; a failure leaves an orphan file, logged.
pub(super) async fn supprimer_fichier(state: &AppState, cle: &str) {
    match Cle::parse(cle) {
        Ok(cle) => {
            if let Err(e) = state.stockage.supprimer(&cle).await {
                tracing::warn!(%cle, erreur = %e, "fichier de document non supprimé");
            }
        }
        Err(e) => tracing::warn!(cle, erreur = %e, "référence de document sans fichier"),
    }
}

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
    let mut multipart = multipart.map_err(|_| {
        AppError::BadRequest(
            "Envoi illisible : joignez le document par le formulaire de la fiche-action."
                .to_owned(),
        )
    })?;
    let maximum = state.limites.document_max;
    let trop_gros = || {
        AppError::PayloadTooLarge(format!(
            "Le document dépasse la taille permise, {} ({maximum} octets) : rien n'est \
             enregistré.",
            en_octets(maximum)
        ))
    };
    let illisible = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            trop_gros()
        } else {
            AppError::BadRequest(
                "L'envoi est illisible ou s'est interrompu : joignez le document à nouveau par le \
                 formulaire."
                    .to_owned(),
            )
        }
    };
    let indisponible = |e: &dyn std::fmt::Display| {
        tracing::error!(erreur = %e, "fichier temporaire de document");
        AppError::Unavailable(
            "Le serveur ne peut pas recevoir le document pour l'instant : rien n'est enregistré, \
             réessayez plus tard."
                .to_owned(),
        )
    };
    let mut saisies = Saisies::new();
    let mut fichier: Option<(String, String, Depot)> = None;
    while let Some(mut champ) = multipart.next_field().await.map_err(illisible)? {
        let nom = champ.name().unwrap_or_default().to_owned();
        if nom == "fichier" {
            let nom_fichier = champ.file_name().unwrap_or_default().to_owned();
            let type_mime = champ
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            // Written to a temporary file piece by piece, refused at the first byte past the
            // limit: a document is never held whole in memory.
            let mut depot = Depot::nouveau().map_err(|e| indisponible(&e))?;
            while let Some(morceau) = champ.chunk().await.map_err(illisible)? {
                if depot.taille() + morceau.len() as u64 > maximum as u64 {
                    return Err(trop_gros());
                }
                depot.ecrire(&morceau).await.map_err(|e| indisponible(&e))?;
            }
            fichier = Some((nom_fichier, type_mime, depot));
        } else {
            let texte = champ.text().await.map_err(illisible)?;
            saisies.insert(nom, texte);
        }
    }
    let (id, lue) = preambule(&state, &visiteur, &id, &operation, &saisies).await?;
    champs_admissibles(&saisies).map_err(AppError::BadRequest)?;
    let ecran = (&state, &visiteur, PageFiche(&numero));
    let formulaire = format!("document-{numero}");
    let titre = valeur(&saisies, "titre").to_owned();
    let (nom_fichier, type_mime, depot) = match fichier {
        Some(f) if f.2.taille() > 0 => f,
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
    let titre = if titre.is_empty() {
        nom_fichier.clone()
    } else {
        titre
    };
    let cle = Cle::nouvelle(id.as_str(), &numero, &nom_fichier)
        .map_err(|e| AppError::BadRequest(phrase(&e.to_string())))?;
    if let Err(e) = state.stockage.deposer(&cle, depot, &type_mime).await {
        tracing::error!(erreur = %e, stockage = state.stockage.decrire(), "dépôt de document");
        return Err(AppError::Unavailable(
            "Le stockage des documents ne répond pas : rien n'est enregistré, réessayez plus tard."
                .to_owned(),
        ));
    }
    let document = Document {
        id: None,
        titre,
        date,
        reference: cle.as_str().to_owned(),
    };
    let resultat = suivi::ajouter_document(
        &state.store,
        &visiteur.auteur,
        (&id, &numero),
        lue,
        &document,
    )
    .await;
    if resultat.is_err() {
        supprimer_fichier(&state, cle.as_str()).await;
    }
    let refus = refus(&formulaire, &format!("{formulaire}-titre"), saisies);
    issue(ecran, &id, resultat, "documents", refus).await
}

/// The content type of a document, from its name.
fn type_de(nom: &str) -> &'static str {
    let extension = nom.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("pdf") => "application/pdf",
        Some("odt") => "application/vnd.oasis.opendocument.text",
        Some("ods") => "application/vnd.oasis.opendocument.spreadsheet",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

/// `GET /contrats/{id}/fiches/{numero}/documents/{document}`: the file, as an attachment, for
/// those who read the whole contract.
pub async fn telecharger(
    State(state): State<AppState>,
    visiteur: Visiteur,
    Chemin((id, numero, document)): Chemin<(String, String, String)>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let document = document.parse::<i64>().map_err(|_| {
        AppError::NotFound(format!(
            "Aucun document « {document} » pour cette fiche-action."
        ))
    })?;
    let document =
        suivi::document(&state.store, &visiteur.auteur, (&id, &numero), document).await?;
    let introuvable = || {
        AppError::NotFound(format!(
            "Le fichier du document « {} » est introuvable dans le stockage.",
            document.titre
        ))
    };
    let cle = Cle::parse(&document.reference).map_err(|_| introuvable())?;
    let octets = match state.stockage.lire(&cle).await {
        Ok(octets) => octets,
        Err(pilote_stockage::ErreurStockage::Introuvable { .. }) => return Err(introuvable()),
        Err(e) => {
            tracing::error!(erreur = %e, stockage = state.stockage.decrire(), "lecture de document");
            return Err(AppError::Unavailable(
                "Le stockage des documents ne répond pas : réessayez plus tard.".to_owned(),
            ));
        }
    };
    let nom = cle.as_str().rsplit('/').next().unwrap_or("document");
    let nom = nom.split_once('-').map_or(nom, |(_, n)| n);
    Ok((
        [
            (header::CONTENT_TYPE, type_de(nom).to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{nom}\""),
            ),
        ],
        octets,
    )
        .into_response())
}
