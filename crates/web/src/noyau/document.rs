//! The files of documents (a fiche-action's, a diagnostic's), whatever holds them: an upload
//! received piece by piece into a temporary file and refused at the first byte past the limit,
//! deposited in the document storage, served as an attachment, removed once its row is gone;
//! and any file Pilote makes (an export, a report) answered as an attachment ([`fichier`]).

use axum::extract::Multipart;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::future::Future;

use pilote_domain::DatePartielle;
use pilote_domain::fiche_action::Document;
use pilote_stockage::{Cle, Depot, ErreurStockage};
use pilote_store::StoreError;

use crate::AppState;
use crate::noyau::erreur::{AppError, phrase};
use crate::noyau::limites::en_octets;
use crate::noyau::saisie::{Saisies, valeur};

/// A file upload read: its plain fields, and its file (field `fichier`) when one was sent.
pub struct Envoi {
    pub saisies: Saisies,
    pub fichier: Option<Fichier>,
}

/// A file received, not yet deposited.
pub struct Fichier {
    pub nom: String,
    pub type_mime: String,
    pub depot: Depot,
}

/// Reads upload `multipart`: its fields, and its file written to a temporary file, never held
/// whole in memory.
pub async fn recevoir(
    state: &AppState,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Envoi, AppError> {
    let mut multipart = multipart.map_err(|_| {
        AppError::BadRequest(
            "Envoi illisible : joignez le document par le formulaire de la page.".to_owned(),
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
    let illisible = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
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
    let mut envoi = Envoi {
        saisies: Saisies::new(),
        fichier: None,
    };
    while let Some(mut champ) = multipart.next_field().await.map_err(illisible)? {
        let nom = champ.name().unwrap_or_default().to_owned();
        if nom == "fichier" {
            let nom_fichier = champ.file_name().unwrap_or_default().to_owned();
            let type_mime = champ
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            // Written to a temporary file piece by piece, refused at the first byte past the
            // limit.
            let mut depot = Depot::nouveau().map_err(|e| indisponible(&e))?;
            while let Some(morceau) = champ.chunk().await.map_err(illisible)? {
                if depot.taille() + morceau.len() as u64 > maximum as u64 {
                    return Err(trop_gros());
                }
                depot.ecrire(&morceau).await.map_err(|e| indisponible(&e))?;
            }
            envoi.fichier = Some(Fichier {
                nom: nom_fichier,
                type_mime,
                depot,
            });
        } else {
            let texte = champ.text().await.map_err(illisible)?;
            envoi.saisies.insert(nom, texte);
        }
    }
    Ok(envoi)
}

/// Deposits `fichier` under `cle`, then attaches it by `attacher` (its row written in one
/// transaction), titled `titre` or, untitled, by its file name, published with the contract
/// when the form's box « publie » is ticked; if that is refused, the file is removed again.
/// Gives what `attacher` gave.
pub async fn joindre<F>(
    state: &AppState,
    (cle, fichier): (Result<Cle, ErreurStockage>, Fichier),
    (saisies, date): (&Saisies, Option<DatePartielle>),
    attacher: impl FnOnce(Document) -> F,
) -> Result<Result<(), StoreError>, AppError>
where
    F: Future<Output = Result<(), StoreError>>,
{
    let cle = cle.map_err(|e| AppError::BadRequest(phrase(&e.to_string())))?;
    let titre = match valeur(saisies, "titre") {
        "" => fichier.nom.clone(),
        titre => titre.to_owned(),
    };
    let publie = valeur(saisies, "publie") == "oui";
    deposer(state, &cle, fichier).await?;
    let piece = Document {
        id: None,
        titre,
        date,
        reference: cle.as_str().to_owned(),
        publie,
    };
    let resultat = attacher(piece).await;
    if resultat.is_err() {
        supprimer_fichier(state, cle.as_str()).await;
    }
    Ok(resultat)
}

/// Deposits `fichier` in the document storage under `cle`.
async fn deposer(state: &AppState, cle: &Cle, fichier: Fichier) -> Result<(), AppError> {
    if let Err(e) = state
        .stockage
        .deposer(cle, fichier.depot, &fichier.type_mime)
        .await
    {
        tracing::error!(erreur = %e, stockage = state.stockage.decrire(), "dépôt de document");
        return Err(AppError::Unavailable(
            "Le stockage des documents ne répond pas : rien n'est enregistré, réessayez plus tard."
                .to_owned(),
        ));
    }
    Ok(())
}

/// Removes a document's file once its row is gone; a failure leaves an orphan file, logged.
pub async fn supprimer_fichier(state: &AppState, cle: &str) {
    match Cle::parse(cle) {
        Ok(cle) => {
            if let Err(e) = state.stockage.supprimer(&cle).await {
                tracing::warn!(%cle, erreur = %e, "fichier de document non supprimé");
            }
        }
        Err(e) => tracing::warn!(cle, erreur = %e, "référence de document sans fichier"),
    }
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

/// The file of `document`, as an attachment under its own name.
pub async fn servir(state: &AppState, document: &Document) -> Result<Response, AppError> {
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

/// The media type of an XLSX workbook.
pub(crate) const TYPE_XLSX: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// File `octets` named `nom`, of type `type_mime`, to download; a file that could not be
/// written is a fault of the server, logged.
pub(crate) fn fichier<E: std::fmt::Display>(
    nom: &str,
    type_mime: &'static str,
    octets: Result<Vec<u8>, E>,
) -> Result<Response, AppError> {
    let octets = octets.map_err(|e| {
        tracing::error!(erreur = %e, fichier = nom, "fichier non écrit");
        AppError::Internal
    })?;
    let piece_jointe = format!("attachment; filename=\"{nom}\"");
    let entetes = [
        (header::CONTENT_TYPE, type_mime.to_owned()),
        (header::CONTENT_DISPOSITION, piece_jointe),
    ];
    Ok((entetes, octets).into_response())
}
