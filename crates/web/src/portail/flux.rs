//! The news of a published contract as an Atom feed (RFC 4287),
//! `/contrats/{id}/actualites.xml`: its achievements, the meetings of its bodies and its
//! signature, dated, the latest first — what a resident, a newsroom or a partner's site
//! follows without coming back to look.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::DatePartielle;
use pilote_domain::portail::{Nouveaute, Quoi};
use pilote_store::portail;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::Chemin;
use crate::noyau::{aujourdhui, rfc3339};

/// The feed's media type.
pub const TYPE_ATOM: &str = "application/atom+xml; charset=utf-8";

struct Entree {
    id: String,
    titre: String,
    date: String,
    lien: String,
    resume: String,
}

#[derive(Template)]
#[template(path = "portail/actualites.xml")]
struct Flux {
    adresse: String,
    page: String,
    nom: String,
    site: String,
    mis_a_jour: String,
    entrees: Vec<Entree>,
}

/// `date` as an RFC 3339 instant: its first day, at midnight UTC.
pub fn instant(date: DatePartielle) -> String {
    format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        date.annee(),
        date.mois().unwrap_or(1),
        date.complete().map_or(1, |(_, _, jour)| jour)
    )
}

fn entree(page: &str, n: &Nouveaute) -> Entree {
    let empreinte: String = Sha256::digest(n.titre.as_bytes())[..6]
        .iter()
        .map(|o| format!("{o:02x}"))
        .collect();
    let quand = n.date.en_toutes_lettres();
    let (code, ancre, titre, resume) = match n.quoi {
        Quoi::Signature => (
            "signature",
            "",
            "Contrat signé".to_owned(),
            if n.titre.is_empty() {
                format!("Le contrat a été signé le {quand}.")
            } else {
                format!("Le contrat a été signé le {quand} ({}).", n.titre)
            },
        ),
        Quoi::Reunion => (
            "reunion",
            "#gouvernance",
            format!("Réunion : {}", n.titre),
            format!("L'instance « {} » s'est réunie ({quand}).", n.titre),
        ),
        Quoi::Realisation => (
            "realisation",
            "#realisations",
            n.titre.clone(),
            format!("Réalisation du contrat ({quand}) : {}.", n.titre),
        ),
    };
    Entree {
        id: format!("{page}#{code}-{}-{empreinte}", n.date),
        titre,
        date: instant(n.date),
        lien: format!("{page}{ancre}"),
        resume,
    }
}

/// `GET /contrats/{id}/actualites.xml`: the feed of a published contract; any other is
/// unknown here.
pub async fn actualites(
    State(state): State<AppState>,
    Chemin(id): Chemin<String>,
) -> Result<Response, AppError> {
    let id = crate::noyau::identifiant(&id)?;
    let portail = portail::lire(&state.store).await?;
    let Some(contrat) = portail
        .portefeuille
        .contrats
        .iter()
        .find(|c| c.resume.id == id)
    else {
        return Err(AppError::NotFound(format!(
            "Aucun contrat publié « {id} » : ses actualités ne sont pas diffusées."
        )));
    };
    let page = format!("{}/contrats/{id}", state.url_publique);
    let nouveautes = portail.nouveautes_du_contrat(&id, aujourdhui());
    let mis_a_jour = portail
        .mise_a_jour(&id)
        .map(rfc3339)
        .or_else(|| nouveautes.first().map(|n| instant(n.date)))
        .unwrap_or_else(|| rfc3339(0));
    let flux = Flux {
        adresse: format!("{page}/actualites.xml"),
        nom: contrat.resume.nom.clone(),
        site: state.titre.clone(),
        mis_a_jour,
        entrees: nouveautes.iter().map(|n| entree(&page, n)).collect(),
        page,
    };
    let mut reponse = flux.render()?.into_response();
    reponse
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(TYPE_ATOM));
    Ok(reponse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn une_date_partielle_est_son_premier_jour() {
        let date = |t| DatePartielle::parse(t).unwrap();
        assert_eq!(instant(date("2025")), "2025-01-01T00:00:00Z");
        assert_eq!(instant(date("2025-03")), "2025-03-01T00:00:00Z");
        assert_eq!(instant(date("2025-03-14")), "2025-03-14T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
