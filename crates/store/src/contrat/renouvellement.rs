//! Renewing a contract: its next generation is written in one transaction, by someone who may
//! change the contract and create one on its territory, from an ended contract; both keep the
//! link (the new one's `precedent`, the old one's history).

use pilote_domain::IdContrat;
use pilote_domain::renouvellement::{Renouvellement, renouvelable};

use super::historique::Changement;
use super::{conclure, inserer_pour, lecture, ouvrir};
use crate::journal::Auteur;
use crate::{Store, StoreError};

/// Starts the next generation of contract `id`, as `choix` says.
pub async fn renouveler(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    choix: &Renouvellement,
) -> Result<(), StoreError> {
    let mut tx = ouvrir(store, auteur, id, None).await?;
    let ancien = lecture::lire(&mut tx, id).await?.contrat;
    if !renouvelable(&ancien) {
        return Err(StoreError::Invalid(format!(
            "le contrat « {id} » n'est ni en évaluation ni clos : passez-le à l'un de ces \
             statuts avant d'en préparer la génération suivante"
        )));
    }
    let numeros: Vec<&str> = ancien
        .toutes_les_fiches()
        .into_iter()
        .map(|f| f.numero.as_str())
        .collect();
    if let Some(inconnue) = choix
        .reconduites
        .iter()
        .find(|n| !numeros.contains(&n.as_str()))
    {
        return Err(StoreError::Invalid(format!(
            "le contrat n'a pas de fiche-action n°{inconnue}"
        )));
    }
    let suivant = ancien.generation_suivante(choix);
    inserer_pour(&mut tx, auteur, &suivant).await?;
    let changement = Changement {
        champ: "génération suivante".to_owned(),
        avant: None,
        apres: Some(format!("{} ({})", suivant.nom, suivant.id)),
    };
    conclure(tx, auteur, &[changement]).await
}
