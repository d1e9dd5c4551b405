//! Changing what the general form of a contract holds: name, generation and lineage, period,
//! status, territory. A save names the version it was based on; if the contract changed
//! since, nothing is written and the answer says what changed (optimistic concurrency).

use pilote_domain::autorisation::{Operation, PorteeContrat, peut};
use pilote_domain::contrat::StatutContrat;
use pilote_domain::territoire::Territoire;
use pilote_domain::{IdContrat, Periode};

use super::ecriture::{inserer_territoire, territoire_verifie};
use super::historique::Changement;
use super::{conclure, existe, lecture, ouvrir};
use crate::journal::Auteur;
use crate::{Store, StoreError};

/// The general facts of a contract, as the form sets them.
#[derive(Debug, Clone, PartialEq)]
pub struct Generalites {
    pub nom: String,
    pub generation: u8,
    pub precedent: Option<IdContrat>,
    pub periode: Option<Periode>,
    pub statut: Option<StatutContrat>,
    /// EPCI and communes; the quartiers prioritaires stay as they are.
    pub territoire: Territoire,
}

fn liste<T: ToString>(valeurs: &[T]) -> Option<String> {
    (!valeurs.is_empty()).then(|| {
        valeurs
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// Saves `nouvelles` on contract `id`, based on version `lue`; returns the new version (the
/// same when nothing changed). Refuses a stale version (`StoreError::Perime`, with what
/// changed since), a previous generation that does not exist, a territory that does not
/// resolve, leaves out communes of an action, or leaves the author's scope.
pub async fn modifier(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: i64,
    nouvelles: &Generalites,
) -> Result<i64, StoreError> {
    let mut tx = ouvrir(store, auteur, id, Some(lue)).await?;
    let actuel = lecture::lire(&mut tx, id).await?;
    let avant = &actuel.contrat;
    let mut apres = avant.clone();
    apres.nom = nouvelles.nom.clone();
    apres.generation = nouvelles.generation;
    apres.precedent = nouvelles.precedent.clone();
    apres.periode = nouvelles.periode;
    apres.statut = nouvelles.statut;
    apres.territoire.epci = nouvelles.territoire.epci.clone();
    apres.territoire.communes = nouvelles.territoire.communes.clone();
    apres.verifier()?;
    if let Some(precedent) = &apres.precedent
        && (precedent == id || !existe(&mut tx, precedent).await?)
    {
        return Err(StoreError::Invalid(format!(
            "le contrat précédent « {precedent} » n'existe pas ou est ce contrat même"
        )));
    }

    let texte = |v: Option<String>| v.filter(|t| !t.is_empty());
    let changements: Vec<Changement> = [
        Changement::si_different("nom", Some(avant.nom.clone()), Some(apres.nom.clone())),
        Changement::si_different(
            "génération",
            Some(avant.generation.to_string()),
            Some(apres.generation.to_string()),
        ),
        Changement::si_different(
            "contrat précédent",
            avant.precedent.as_ref().map(ToString::to_string),
            apres.precedent.as_ref().map(ToString::to_string),
        ),
        Changement::si_different(
            "période",
            avant.periode.map(|p| p.to_string()),
            apres.periode.map(|p| p.to_string()),
        ),
        Changement::si_different(
            "statut",
            avant.statut.map(|s| s.libelle().to_owned()),
            apres.statut.map(|s| s.libelle().to_owned()),
        ),
        Changement::si_different(
            "EPCI",
            texte(liste(&avant.territoire.epci)),
            texte(liste(&apres.territoire.epci)),
        ),
        Changement::si_different(
            "communes",
            texte(liste(&avant.territoire.communes)),
            texte(liste(&apres.territoire.communes)),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if changements.is_empty() {
        conclure(tx, auteur, &[]).await?;
        return Ok(lue);
    }

    if avant.territoire != apres.territoire {
        let resolu = territoire_verifie(&mut tx, &apres).await?;
        let portee = PorteeContrat::new(id.clone(), apres.publie, &resolu);
        if !peut(&auteur.acteur, &Operation::Modifier, &portee) {
            return Err(StoreError::Refuse(
                "ce territoire sort de votre périmètre : le contrat ne vous serait plus \
                 accessible"
                    .to_owned(),
            ));
        }
        for table in ["contrat_commune", "contrat_epci", "contrat_portee"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE contrat_id = $1"))
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
        }
        inserer_territoire(&mut tx, id, &apres.territoire, &resolu).await?;
    }
    sqlx::query(
        "UPDATE contrat SET nom = $1, generation = $2, precedent = $3, statut = $4,
            periode_debut = $5, periode_fin = $6
         WHERE id = $7",
    )
    .bind(&apres.nom)
    .bind(i64::from(apres.generation))
    .bind(apres.precedent.as_ref().map(|p| p.as_str()))
    .bind(apres.statut.map(|s| s.code()))
    .bind(apres.periode.map(|p| i64::from(p.debut())))
    .bind(apres.periode.and_then(|p| p.fin()).map(i64::from))
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    let version = tx.version();
    conclure(tx, auteur, &changements).await?;
    Ok(version)
}
