//! A whole plan (axes with their objectives and fiches-actions, as a coordinator's spreadsheet
//! gives them) added to a contract in one change: all of it, or nothing.

use std::collections::HashMap;

use pilote_domain::IdContrat;
use pilote_domain::strategie::Axe;

use crate::contrat::ecriture::{inserer_axes, territoire_verifie};
use crate::contrat::historique::Changement;
use crate::contrat::{conclure, lecture, ouvrir};
use crate::journal::Auteur;
use crate::{Store, StoreError};

/// Adds `axes` after the contract's own, based on version `lue`. Refused whole, naming the
/// fault, when an axis or fiche-action number is the contract's already, when a part breaks a
/// domain rule, or when a fiche-action names a commune outside the territory.
#[tracing::instrument(skip(store, auteur, axes), fields(axes = axes.len()))]
pub async fn ajouter(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    axes: &[Axe],
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let mut complet = lecture::lire(&mut tx, id).await?.contrat;
    complet.axes.extend(axes.iter().cloned());
    complet.verifier()?;
    territoire_verifie(&mut tx, &complet).await?;
    inserer_axes(&mut tx, id.as_str(), "cls", axes, &mut HashMap::new()).await?;
    let changements: Vec<Changement> = axes
        .iter()
        .map(|axe| Changement {
            champ: format!("axe {}", axe.numero),
            avant: None,
            apres: Some(match axe.toutes_les_fiches().len() {
                0 => format!("{} (importé)", axe.titre),
                1 => format!("{} (importé, 1 fiche-action)", axe.titre),
                n => format!("{} (importé, {n} fiches-actions)", axe.titre),
            }),
        })
        .collect();
    conclure(tx, auteur, &changements).await
}
