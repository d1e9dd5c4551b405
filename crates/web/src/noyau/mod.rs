//! The kernel every feature stands on, importing none of them: what no text may hold
//! ([`caracteres`]), errors and their pages ([`erreur`]), the path, query string and form read
//! with French refusals ([`extraction`]), what a request may take ([`limites`]), the visitor,
//! their session, the CSRF check and the journal of refusals ([`visiteur`]), the page frame
//! ([`page`]), a role in words ([`role`]), the route
//! table's vocabulary ([`route`]), reading form fields and answering a refused form
//! ([`saisie`]), the list of contracts' query string ([`liste`]), the public's answers kept in
//! memory ([`cache`]), bodies compressed once ([`compression`]), the sending of e-mail
//! ([`courriel`]), sheets answered as XLSX, ODS or CSV ([`tableur`]) and the medical
//! accessibility of the reference data, kept in memory ([`acces_medical`]).

pub mod acces_medical;
pub mod cache;
pub mod caracteres;
pub mod compression;
pub mod courriel;
pub mod document;
pub mod erreur;
pub mod extraction;
pub mod limites;
pub mod liste;
pub mod page;
#[cfg(test)]
mod proprietes;
pub mod role;
pub mod route;
pub mod saisie;
pub mod tableur;
pub mod visiteur;

use erreur::AppError;
use pilote_domain::{DatePartielle, IdContrat};

/// Reads the identifier from the URL; a malformed one cannot name any contract.
pub(crate) fn identifiant(brut: &str) -> Result<IdContrat, AppError> {
    IdContrat::parse(brut)
        .map_err(|e| AppError::NotFound(format!("Aucun contrat « {brut} » ({e}).")))
}

/// Seconds since the Unix epoch as an RFC 3339 instant (UTC).
pub(crate) fn rfc3339(secondes: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secondes)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

/// « 4 décembre 2026 à 15 h 40 (UTC) », the moment `secondes` after the Unix epoch.
pub(crate) fn en_lettres(secondes: i64) -> String {
    pilote_domain::donnees_de_reference::moment_en_lettres(&rfc3339(secondes))
}

/// The day (UTC) of the moment `secondes` after the Unix epoch.
pub(crate) fn jour(secondes: i64) -> Option<DatePartielle> {
    let t = time::OffsetDateTime::from_unix_timestamp(secondes).ok()?;
    DatePartielle::jour(u16::try_from(t.year()).ok()?, u8::from(t.month()), t.day()).ok()
}

/// Today, as the server's clock gives it (UTC).
pub(crate) fn aujourdhui() -> DatePartielle {
    jour(time::OffsetDateTime::now_utc().unix_timestamp())
        .unwrap_or_else(|| DatePartielle::jour(2200, 12, 31).expect("une date valide"))
}
