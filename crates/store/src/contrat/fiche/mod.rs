//! One fiche-action, open to its pilot as to those who change the whole contract: read for its
//! page ([`lire`], the fiche alone, not the whole contract), where it stands (here), what it
//! says ([`redaction`]), and what its follow-up holds: steps, budget, indicators and their
//! measured values, notes and documents ([`suivi`]).

pub mod redaction;
pub mod suivi;

use std::sync::Arc;

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Operation;
use pilote_domain::fiche_action::{Indicateur, LigneBudget, StatutAction};

use super::historique::Changement;
use super::insertion::{inserer_indicateur, inserer_lignes_budget};
use super::lecture::lire_fiche;
pub use super::lecture::{ContratDeLaFiche, FicheLue};
use super::{autoriser, conclure, decider, ouvrir_fiche};
use crate::journal::Auteur;
use crate::ligne::{opt_int, opt_text};
use crate::{Store, StoreError};

/// Fiche-action `numero` of contract `id` for its page, read by its pilot or whoever changes
/// the contract; a read of an unpublished contract is journaled. Kept in memory while the
/// counter of changes has not moved ([`crate::memoire`]): served again after the same check.
#[tracing::instrument(skip(store, auteur))]
pub async fn lire(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    numero: &str,
) -> Result<FicheLue, StoreError> {
    let operation = Operation::ModifierFiche(numero.to_owned());
    // The counter before the data: what is kept under it is never older than it.
    let generation = store.generation().await?;
    let cle = (id.clone(), numero.to_owned());
    let lue = match store.fiches_lues.lire(&cle, generation) {
        Some(gardee) => {
            decider(auteur, &operation, &gardee.portee)?;
            FicheLue::clone(&gardee)
        }
        None => {
            let mut tx = store.lecture(auteur).await?;
            let portee = autoriser(&mut tx, auteur, id, &operation).await?;
            let lue = lire_fiche(&mut tx, id, numero, portee).await?;
            tx.commit().await?;
            store
                .fiches_lues
                .garder(cle, generation, Arc::new(lue.clone()));
            lue
        }
    };
    if !lue.portee.publie {
        store.lectures.consigner(
            auteur,
            format!("contrat {id}, fiche-action n°{numero}"),
            None,
        );
    }
    Ok(lue)
}

/// Where an action stands: its status and progress in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Avancement {
    pub statut: Option<StatutAction>,
    pub pourcentage: Option<u8>,
}

/// Records where fiche-action `numero` stands, based on version `lue`; a change (before →
/// after) goes to the contract's history and the journal, and moves its version on.
pub async fn avancer(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    numero: &str,
    lue: i64,
    avancement: Avancement,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    if avancement.pourcentage.is_some_and(|p| p > 100) {
        return Err(StoreError::Invalid(
            "l'avancement est un pourcentage, de 0 à 100".to_owned(),
        ));
    }
    let avant = sqlx::query("SELECT statut, avancement FROM fiche_action WHERE id = $1")
        .bind(fiche)
        .fetch_one(&mut *tx)
        .await?;
    let pourcentage = |p: Option<i64>| p.map(|p| format!("{p} %"));
    let changements: Vec<Changement> = [
        Changement::si_different(
            "statut",
            opt_text(&avant, "statut")?,
            avancement.statut.map(|s| s.code().to_owned()),
        ),
        Changement::si_different(
            "avancement",
            pourcentage(opt_int(&avant, "avancement")?),
            pourcentage(avancement.pourcentage.map(i64::from)),
        ),
    ]
    .into_iter()
    .flatten()
    .map(|c| Changement {
        champ: format!("fiche-action n°{numero}, {}", c.champ),
        ..c
    })
    .collect();
    sqlx::query("UPDATE fiche_action SET statut = $1, avancement = $2 WHERE id = $3")
        .bind(avancement.statut.map(|s| s.code()))
        .bind(avancement.pourcentage.map(i64::from))
        .bind(fiche)
        .execute(&mut *tx)
        .await?;
    conclure(tx, auteur, &changements).await
}

/// The next `rang` in a child table of the fiche-action.
pub(super) async fn rang_suivant(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    fiche: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT COALESCE(MAX(rang), -1) + 1 FROM {table} WHERE fiche_id = $1"
    ))
    .bind(fiche)
    .fetch_one(conn)
    .await?)
}

/// Adds a budget line to fiche-action `numero`, based on version `lue`.
pub async fn ajouter_ligne_budget(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    numero: &str,
    lue: i64,
    ligne: &LigneBudget,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    if ligne.financeur.trim().is_empty() {
        return Err(StoreError::Invalid("indiquez le financeur".to_owned()));
    }
    if ligne.previsionnel.is_none() && ligne.realise.is_none() {
        return Err(StoreError::Invalid(
            "indiquez un montant prévisionnel ou réalisé".to_owned(),
        ));
    }
    let rang = rang_suivant(&mut tx, "ligne_budget", fiche).await?;
    let ligne = LigneBudget {
        id: None,
        financeur: ligne.financeur.trim().to_owned(),
        ..ligne.clone()
    };
    inserer_lignes_budget(&mut tx, &[(fiche, rang, &ligne)]).await?;
    let montant = |quoi: &str, m: Option<pilote_domain::Montant>| {
        m.map(|m| format!(", {quoi} {}", m.en_euros()))
            .unwrap_or_default()
    };
    let changement = Changement {
        champ: format!("fiche-action n°{numero}, budget"),
        avant: None,
        apres: Some(format!(
            "{} — {} — {}{}{}",
            ligne.annee,
            ligne.financeur,
            ligne.nature.libelle(),
            montant("prévisionnel", ligne.previsionnel),
            montant("réalisé", ligne.realise)
        )),
    };
    conclure(tx, auteur, &[changement]).await
}

/// Adds an indicator (with its targets) to fiche-action `numero`, based on version `lue`.
pub async fn ajouter_indicateur(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    numero: &str,
    lue: i64,
    indicateur: &Indicateur,
) -> Result<(), StoreError> {
    let (mut tx, fiche) = ouvrir_fiche(store, auteur, id, numero, lue).await?;
    let libelle = indicateur.libelle.trim();
    if libelle.is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le libellé de l'indicateur".to_owned(),
        ));
    }
    let rang = rang_suivant(&mut tx, "indicateur", fiche).await?;
    let indicateur = Indicateur {
        id: None,
        libelle: libelle.to_owned(),
        ..indicateur.clone()
    };
    inserer_indicateur(&mut tx, fiche, rang, &indicateur).await?;
    let cibles: Vec<String> = indicateur
        .cibles
        .iter()
        .map(|c| format!("cible {} en {}", c.valeur, c.annee))
        .collect();
    let changement = Changement {
        champ: format!("fiche-action n°{numero}, indicateur"),
        avant: None,
        apres: Some(
            [
                vec![format!(
                    "{} ({})",
                    libelle,
                    indicateur.type_indicateur.libelle()
                )],
                cibles,
            ]
            .concat()
            .join(", "),
        ),
    };
    conclure(tx, auteur, &[changement]).await
}
