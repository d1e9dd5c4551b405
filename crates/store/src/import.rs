//! Importing contracts from TOML documents (the demo data, or files a coordinator prepared):
//! every document is read and checked first, then all are written in one transaction, so a
//! faulty document leaves the database as it was.

pub mod tableur;
mod traduction;

pub use traduction::donnee_fr;

use std::collections::BTreeSet;

use pilote_domain::IdContrat;
use pilote_domain::contrat::Contrat;

use crate::{Auteur, Store, StoreError};

/// What to do with a contract whose identifier is already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiPresent {
    /// Leave the stored one as it is (used by `serve --demo` on an existing database).
    Ignorer,
    /// Refuse the whole import.
    Refuser,
}

/// Reads a TOML document describing one contract; the error, in French, names the document,
/// the line and the key at fault. The text is first read as TOML, so that a syntax error is
/// told apart from a value that does not fit.
pub fn lire(nom: &str, contenu: &str) -> Result<Contrat, StoreError> {
    let refus = |e: &toml::de::Error, syntaxe| {
        StoreError::Invalid(format!(
            "{nom} : {}",
            traduction::message(e, contenu, syntaxe)
        ))
    };
    toml::from_str::<toml::Table>(contenu).map_err(|e| refus(&e, true))?;
    let contrat: Contrat = toml::from_str(contenu).map_err(|e| refus(&e, false))?;
    contrat
        .verifier()
        .map_err(|e| StoreError::Invalid(format!("{nom} : {e}")))?;
    Ok(contrat)
}

/// Writes `contrats` in one transaction, each after the previous generation it names; returns
/// the identifiers written. Nothing is written if any contract is refused. The database's
/// statistics are then refreshed, so that the next queries are planned for what it now holds.
#[tracing::instrument(skip_all, fields(contrats = contrats.len()))]
pub async fn importer(
    store: &Store,
    contrats: &[Contrat],
    si_present: SiPresent,
) -> Result<Vec<IdContrat>, StoreError> {
    let mut ids = BTreeSet::new();
    for contrat in contrats {
        if !ids.insert(&contrat.id) {
            return Err(StoreError::Invalid(format!(
                "le contrat « {} » figure deux fois dans l'import",
                contrat.id
            )));
        }
    }
    let auteur = Auteur::ligne_de_commande();
    let mut tx = store.ecriture(&auteur).await?;
    if si_present == SiPresent::Ignorer {
        // Instances loading the same contracts at start-up (the demo) write them once.
        store.verrou_de_demarrage(&mut tx).await?;
    }
    let mut ecrits = Vec::new();
    let mut restants: Vec<&Contrat> = contrats.iter().collect();
    while !restants.is_empty() {
        // A contract is ready once the previous generation it names is not still waiting.
        let (prets, attente): (Vec<&Contrat>, Vec<&Contrat>) = restants.iter().partition(|c| {
            c.precedent
                .as_ref()
                .is_none_or(|p| !contrats_en_attente(&restants).contains(p))
        });
        if prets.is_empty() {
            return Err(StoreError::Invalid(
                "les contrats de l'import se désignent mutuellement comme précédents".to_owned(),
            ));
        }
        for contrat in prets {
            if si_present == SiPresent::Ignorer
                && crate::contrat::existe(&mut tx, &contrat.id).await?
            {
                tracing::info!(contrat = %contrat.id, "déjà présent, laissé tel quel");
                continue;
            }
            crate::contrat::inserer(&mut tx, contrat).await?;
            crate::contrat::journaliser_creation(&mut tx, &auteur, contrat).await?;
            ecrits.push(contrat.id.clone());
        }
        restants = attente;
    }
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    store.analyser().await;
    Ok(ecrits)
}

fn contrats_en_attente<'a>(restants: &[&'a Contrat]) -> BTreeSet<&'a IdContrat> {
    restants.iter().map(|c| &c.id).collect()
}
