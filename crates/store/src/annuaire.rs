//! The partners directory, shared across contracts: an organisation is kept once (by SIREN
//! where known, else by name and kind), and every contract that names it points at that one
//! entry. Contracts written whole (import, demo, creation) and parties added from a contract's
//! page go through [`inscrire`].

use pilote_domain::organisation::{NatureOrganisation, Organisation};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::ligne::{code, int, opt_parse, text};
use crate::{Store, StoreError, now};

/// An entry of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inscrite {
    pub id: i64,
    #[serde(flatten)]
    pub organisation: Organisation,
    /// How many contracts name it.
    pub contrats: i64,
}

/// The row of `organisation` in the directory, added if missing. An organisation with a SIREN
/// is found by it; one without by name and kind. A SIREN already held under another name is
/// refused, naming both.
pub(crate) async fn inscrire(
    conn: &mut AnyConnection,
    organisation: &Organisation,
) -> Result<i64, StoreError> {
    let nom = organisation.nom.trim();
    if nom.is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le nom de l'organisation".to_owned(),
        ));
    }
    let nature = organisation.nature.code();
    if let Some(siren) = &organisation.siren
        && let Some(r) = sqlx::query("SELECT id FROM organisation WHERE siren = $1")
            .bind(siren.as_str())
            .fetch_optional(&mut *conn)
            .await?
    {
        return int(&r, "id");
    }
    let meme_nom = sqlx::query("SELECT id, siren FROM organisation WHERE nom = $1 AND nature = $2")
        .bind(nom)
        .bind(nature)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(r) = meme_nom {
        let id = int(&r, "id")?;
        let connu: Option<pilote_domain::Siren> = opt_parse(&r, "siren")?;
        match (&organisation.siren, connu) {
            (Some(siren), None) => {
                sqlx::query("UPDATE organisation SET siren = $1 WHERE id = $2")
                    .bind(siren.as_str())
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
            (Some(siren), Some(connu)) if *siren != connu => {
                return Err(StoreError::Invalid(format!(
                    "« {nom} » figure dans l'annuaire avec le SIREN {connu}, pas {siren}"
                )));
            }
            _ => {}
        }
        return Ok(id);
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO organisation (nom, nature, siren, cree_le) VALUES ($1, $2, $3, $4)
         RETURNING id",
    )
    .bind(nom)
    .bind(nature)
    .bind(organisation.siren.as_ref().map(|s| s.as_str()))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?)
}

/// The organisation of directory entry `id`.
pub(crate) async fn organisation(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Organisation, StoreError> {
    let r = sqlx::query("SELECT nom, nature, siren FROM organisation WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("l'annuaire n'a pas d'organisation n°{id}")))?;
    Ok(Organisation {
        nom: text(&r, "nom")?,
        nature: code(&r, "nature", NatureOrganisation::parse)?,
        siren: opt_parse(&r, "siren")?,
    })
}

/// The directory, by name, with how many contracts name each organisation.
pub async fn lister(store: &Store) -> Result<Vec<Inscrite>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    sqlx::query(
        "SELECT o.id, o.nom, o.nature, o.siren, COUNT(DISTINCT p.contrat_id) AS contrats
         FROM organisation o LEFT JOIN partie p ON p.organisation_id = o.id
         GROUP BY o.id, o.nom, o.nature, o.siren ORDER BY o.nom, o.nature",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Inscrite {
            id: int(r, "id")?,
            organisation: Organisation {
                nom: text(r, "nom")?,
                nature: code(r, "nature", NatureOrganisation::parse)?,
                siren: opt_parse(r, "siren")?,
            },
            contrats: int(r, "contrats")?,
        })
    })
    .collect()
}
