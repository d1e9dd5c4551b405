//! Reading one fiche-action for its page: the fiche with everything it holds, its version, and
//! what the page shows of its contract (name, territory), without the rest of the contract.

use pilote_domain::IdContrat;
use pilote_domain::autorisation::PorteeContrat;
use pilote_domain::fiche_action::FicheAction;
use pilote_domain::geographie::Commune;

use super::strategie::{Selection, fiches};
use super::{selection, text};
use crate::StoreError;
use crate::geographie::resoudre;

/// What the page of a fiche-action shows of its contract.
#[derive(Debug, Clone)]
pub struct ContratDeLaFiche {
    pub id: IdContrat,
    pub nom: String,
}

/// A fiche-action as its page reads it: the fiche, the version its forms carry, and of its
/// contract only what the page shows.
#[derive(Debug, Clone)]
pub struct FicheLue {
    pub contrat: ContratDeLaFiche,
    /// What the authorization policy needs of the contract.
    pub portee: PorteeContrat,
    /// The communes of the contract's territory, those the fiche may name.
    pub communes: Vec<Commune>,
    pub fiche: FicheAction,
    pub version: i64,
}

/// Fiche-action `numero` of contract `id`, whose scope the caller has checked.
pub(in crate::contrat) async fn lire_fiche(
    conn: &mut sqlx::AnyConnection,
    id: &IdContrat,
    numero: &str,
    portee: pilote_domain::autorisation::PorteeContrat,
) -> Result<FicheLue, StoreError> {
    let absente = || {
        StoreError::NotFound(format!(
            "aucune fiche-action n°{numero} dans le contrat « {id} »"
        ))
    };
    let nom = text(
        &sqlx::query("SELECT nom FROM contrat WHERE id = $1")
            .bind(id.as_str())
            .fetch_one(&mut *conn)
            .await?,
        "nom",
    )?;
    let ligne: i64 =
        sqlx::query_scalar("SELECT id FROM fiche_action WHERE contrat_id = $1 AND numero = $2")
            .bind(id.as_str())
            .bind(numero)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(absente)?;
    let (rangees, _, versions) = fiches(conn, Selection::Fiche(ligne)).await?;
    let fiche = rangees.into_iter().next().ok_or_else(absente)?.fiche();
    let territoire = selection(conn, id).await?;
    let communes = resoudre(conn, &territoire).await?.communes;
    Ok(FicheLue {
        contrat: ContratDeLaFiche {
            id: id.clone(),
            nom,
        },
        portee,
        communes,
        version: versions.get(numero).copied().unwrap_or_default(),
        fiche,
    })
}
