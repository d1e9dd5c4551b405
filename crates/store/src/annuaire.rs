//! The partners directory, shared across contracts: an organisation is kept once (by SIREN
//! where known, else by name and kind), and every contract that names it points at that one
//! entry. Contracts written whole (import, demo, creation) and parties added from a contract's
//! page go through [`inscrire`]. Who keeps the directory (`tient_l_annuaire`) corrects an
//! entry ([`modifier`]) and merges duplicates ([`fusionner`]), seeing the contracts that use
//! each ([`contrats_de`]).

use pilote_domain::IdContrat;
use pilote_domain::autorisation::tient_l_annuaire;
use pilote_domain::organisation::{NatureOrganisation, Organisation};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::journal::{self, Auteur};
use crate::ligne::{code, int, opt_parse, parse, text};
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

/// A contract that names an entry of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub id: IdContrat,
    pub nom: String,
}

fn verifier_le_droit(auteur: &Auteur) -> Result<(), StoreError> {
    if tient_l_annuaire(&auteur.acteur) {
        Ok(())
    } else {
        Err(StoreError::Refuse(
            "seuls un administrateur et un agent national d'ARS tiennent l'annuaire des \
             partenaires"
                .to_owned(),
        ))
    }
}

/// Every contract naming an entry, by entry, for who keeps the directory.
pub async fn contrats_de(
    store: &Store,
    auteur: &Auteur,
) -> Result<std::collections::BTreeMap<i64, Vec<Usage>>, StoreError> {
    verifier_le_droit(auteur)?;
    let mut tx = store.lecture(auteur).await?;
    let mut usages: std::collections::BTreeMap<i64, Vec<Usage>> = Default::default();
    for r in sqlx::query(
        "SELECT DISTINCT p.organisation_id, c.id, c.nom FROM partie p
         JOIN contrat c ON c.id = p.contrat_id ORDER BY c.nom",
    )
    .fetch_all(&mut *tx)
    .await?
    {
        usages
            .entry(int(&r, "organisation_id")?)
            .or_default()
            .push(Usage {
                id: parse(&r, "id")?,
                nom: text(&r, "nom")?,
            });
    }
    Ok(usages)
}

fn en_clair(o: &Organisation) -> String {
    match &o.siren {
        Some(s) => format!("{} ({}, SIREN {s})", o.nom, o.nature.libelle()),
        None => format!("{} ({})", o.nom, o.nature.libelle()),
    }
}

/// Corrects entry `entree`: its name, kind and SIREN, for every contract that names it.
/// Refuses a name and kind, or a SIREN, another entry already has: merge them instead.
pub async fn modifier(
    store: &Store,
    auteur: &Auteur,
    entree: i64,
    organisation: &Organisation,
) -> Result<(), StoreError> {
    verifier_le_droit(auteur)?;
    let nom = organisation.nom.trim();
    if nom.is_empty() {
        return Err(StoreError::Invalid(
            "indiquez le nom de l'organisation".to_owned(),
        ));
    }
    let mut tx = store.ecriture(auteur).await?;
    let avant = self::organisation(&mut tx, entree).await?;
    let autre: Option<String> = sqlx::query_scalar(
        "SELECT nom FROM organisation
         WHERE id <> $1 AND ((nom = $2 AND nature = $3) OR (siren IS NOT NULL AND siren = $4))",
    )
    .bind(entree)
    .bind(nom)
    .bind(organisation.nature.code())
    .bind(organisation.siren.as_ref().map(|s| s.as_str()))
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(autre) = autre {
        return Err(StoreError::Invalid(format!(
            "l'annuaire a déjà « {autre} » avec ce nom et cette nature ou ce SIREN : \
             fusionnez les deux entrées"
        )));
    }
    sqlx::query("UPDATE organisation SET nom = $1, nature = $2, siren = $3 WHERE id = $4")
        .bind(nom)
        .bind(organisation.nature.code())
        .bind(organisation.siren.as_ref().map(|s| s.as_str()))
        .bind(entree)
        .execute(&mut *tx)
        .await?;
    let detail = format!("{} → {}", en_clair(&avant), en_clair(organisation));
    journal::ecrire(&mut tx, auteur, "modification", "annuaire", Some(&detail)).await?;
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(())
}

/// Merges entry `doublon` into entry `garder`: every contract that named the duplicate names
/// the entry kept, then the duplicate is removed. Refused when a contract names both (its
/// parties would be one): the message names the contracts, whose coordinators remove one party
/// first.
pub async fn fusionner(
    store: &Store,
    auteur: &Auteur,
    garder: i64,
    doublon: i64,
) -> Result<(), StoreError> {
    verifier_le_droit(auteur)?;
    if garder == doublon {
        return Err(StoreError::Invalid(
            "choisissez deux entrées différentes de l'annuaire".to_owned(),
        ));
    }
    let mut tx = store.ecriture(auteur).await?;
    let gardee = organisation(&mut tx, garder).await?;
    let absorbee = organisation(&mut tx, doublon).await?;
    let communs: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT a.contrat_id FROM partie a JOIN partie b ON b.contrat_id = a.contrat_id
         WHERE a.organisation_id = $1 AND b.organisation_id = $2 ORDER BY a.contrat_id",
    )
    .bind(garder)
    .bind(doublon)
    .fetch_all(&mut *tx)
    .await?;
    if !communs.is_empty() {
        return Err(StoreError::Invalid(format!(
            "« {} » et « {} » sont toutes deux parties de {} : retirez-en une de ces contrats \
             avant de les fusionner",
            gardee.nom,
            absorbee.nom,
            communs.join(", ")
        )));
    }
    let contrats: u64 =
        sqlx::query("UPDATE partie SET organisation_id = $1 WHERE organisation_id = $2")
            .bind(garder)
            .bind(doublon)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    sqlx::query("DELETE FROM organisation WHERE id = $1")
        .bind(doublon)
        .execute(&mut *tx)
        .await?;
    let detail = format!(
        "{} fusionnée dans {} ({contrats} partie(s) reportée(s))",
        en_clair(&absorbee),
        en_clair(&gardee)
    );
    journal::ecrire(&mut tx, auteur, "fusion", "annuaire", Some(&detail)).await?;
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(())
}
