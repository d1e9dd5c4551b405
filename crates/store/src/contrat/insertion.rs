//! Inserting one row of a contract's children (a party, a fiche-action's codes, steps,
//! documents, notes, budget lines, indicators with their targets and values, a meeting with its
//! decisions), shared by the whole-contract write and the pages' additions.

use std::collections::HashMap;

use pilote_domain::contrat::Partie;
use pilote_domain::fiche_action::{Document, Etape, Indicateur, LigneBudget, Mesure, Note};
use pilote_domain::gouvernance::Reunion;
use sqlx::AnyConnection;

use crate::StoreError;
use crate::ligne::to_json;

/// Inserts party `partie` of contract `id` at `rang`, its organisation entered in the
/// directory if missing, with its representatives.
pub(crate) async fn inserer_partie(
    conn: &mut AnyConnection,
    id: &str,
    rang: i64,
    partie: &Partie,
) -> Result<(), StoreError> {
    let organisation = crate::annuaire::inscrire(conn, &partie.organisation).await?;
    let partie_id: i64 = sqlx::query_scalar(
        "INSERT INTO partie (contrat_id, rang, organisation_id, roles)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(id)
    .bind(rang)
    .bind(organisation)
    .bind(to_json(&partie.roles))
    .fetch_one(&mut *conn)
    .await?;
    for (rang, personne) in partie.representants.iter().enumerate() {
        sqlx::query(
            "INSERT INTO representant (partie_id, rang, nom, fonction) VALUES ($1, $2, $3, $4)",
        )
        .bind(partie_id)
        .bind(rang as i64)
        .bind(&personne.nom)
        .bind(personne.fonction.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces the codes of fiche-action `fiche_id` in `table` (publics, themes, communes).
pub(crate) async fn inserer_codes(
    conn: &mut AnyConnection,
    fiche_id: i64,
    table: &str,
    codes: &[String],
) -> Result<(), StoreError> {
    sqlx::query(&format!("DELETE FROM {table} WHERE fiche_id = $1"))
        .bind(fiche_id)
        .execute(&mut *conn)
        .await?;
    let sql = format!("INSERT INTO {table} (fiche_id, rang, code) VALUES ($1, $2, $3)");
    for (rang, code) in codes.iter().enumerate() {
        sqlx::query(&sql)
            .bind(fiche_id)
            .bind(rang as i64)
            .bind(code)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Inserts one step of fiche-action `fiche_id` at `rang`.
pub(crate) async fn inserer_etape(
    conn: &mut AnyConnection,
    fiche_id: i64,
    rang: i64,
    etape: &Etape,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO etape (fiche_id, rang, libelle, echeance, faite) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(fiche_id)
    .bind(rang)
    .bind(&etape.libelle)
    .bind(etape.echeance.map(|d| d.to_string()))
    .bind(i64::from(etape.faite))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts one document of fiche-action `fiche_id` at `rang`.
pub(crate) async fn inserer_document(
    conn: &mut AnyConnection,
    fiche_id: i64,
    rang: i64,
    document: &Document,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO document (fiche_id, rang, titre, date, reference) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(fiche_id)
    .bind(rang)
    .bind(&document.titre)
    .bind(document.date.map(|d| d.to_string()))
    .bind(&document.reference)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts one progress note of fiche-action `fiche_id` at `rang`.
pub(crate) async fn inserer_note(
    conn: &mut AnyConnection,
    fiche_id: i64,
    rang: i64,
    note: &Note,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO note (fiche_id, rang, date, texte, auteur) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(fiche_id)
    .bind(rang)
    .bind(note.date.to_string())
    .bind(&note.texte)
    .bind(note.auteur.as_deref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts one dated value of indicator `indicateur_id` at `rang`.
pub(crate) async fn inserer_mesure(
    conn: &mut AnyConnection,
    indicateur_id: i64,
    rang: i64,
    mesure: &Mesure,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO mesure (indicateur_id, rang, date, valeur, source) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(indicateur_id)
    .bind(rang)
    .bind(mesure.date.to_string())
    .bind(mesure.valeur)
    .bind(mesure.source.as_deref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts one budget line of fiche-action `fiche_id` at `rang`.
pub(crate) async fn inserer_ligne_budget(
    conn: &mut AnyConnection,
    fiche_id: i64,
    rang: i64,
    ligne: &LigneBudget,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ligne_budget (fiche_id, rang, annee, financeur, nature,
            previsionnel_centimes, realise_centimes) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(fiche_id)
    .bind(rang)
    .bind(i64::from(ligne.annee))
    .bind(&ligne.financeur)
    .bind(ligne.nature.code())
    .bind(ligne.previsionnel.map(|m| m.centimes()))
    .bind(ligne.realise.map(|m| m.centimes()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts one indicator of fiche-action `fiche_id` at `rang`, with its targets and values.
pub(crate) async fn inserer_indicateur(
    conn: &mut AnyConnection,
    fiche_id: i64,
    rang: i64,
    indicateur: &Indicateur,
) -> Result<(), StoreError> {
    let indicateur_id: i64 = sqlx::query_scalar(
        "INSERT INTO indicateur (fiche_id, rang, libelle, type_indicateur, unite, valeur_initiale)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(fiche_id)
    .bind(rang)
    .bind(&indicateur.libelle)
    .bind(indicateur.type_indicateur.code())
    .bind(indicateur.unite.as_deref())
    .bind(indicateur.valeur_initiale)
    .fetch_one(&mut *conn)
    .await?;
    for (rang, cible) in indicateur.cibles.iter().enumerate() {
        sqlx::query(
            "INSERT INTO cible (indicateur_id, rang, annee, valeur) VALUES ($1, $2, $3, $4)",
        )
        .bind(indicateur_id)
        .bind(rang as i64)
        .bind(i64::from(cible.annee))
        .bind(cible.valeur)
        .execute(&mut *conn)
        .await?;
    }
    for (rang, mesure) in indicateur.valeurs.iter().enumerate() {
        inserer_mesure(conn, indicateur_id, rang as i64, mesure).await?;
    }
    Ok(())
}

/// Inserts one meeting of body `instance_id` at `rang`, with its decisions; `fiches` gives the
/// row of each fiche-action by number, and a decision naming another is refused.
pub(crate) async fn inserer_reunion(
    conn: &mut AnyConnection,
    instance_id: i64,
    rang: i64,
    reunion: &Reunion,
    fiches: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    let reunion_id: i64 = sqlx::query_scalar(
        "INSERT INTO reunion (instance_id, rang, date, lieu, ordre_du_jour, presents,
            compte_rendu) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(instance_id)
    .bind(rang)
    .bind(reunion.date.to_string())
    .bind(reunion.lieu.as_deref())
    .bind(to_json(&reunion.ordre_du_jour))
    .bind(to_json(&reunion.presents))
    .bind(reunion.compte_rendu.as_deref())
    .fetch_one(&mut *conn)
    .await?;
    for (rang, decision) in reunion.decisions.iter().enumerate() {
        let decision_id: i64 = sqlx::query_scalar(
            "INSERT INTO decision (reunion_id, rang, texte) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(reunion_id)
        .bind(rang as i64)
        .bind(&decision.texte)
        .fetch_one(&mut *conn)
        .await?;
        for (rang, numero) in decision.fiches_actions.iter().enumerate() {
            let fiche_id = fiches.get(numero).ok_or_else(|| {
                StoreError::Invalid(format!(
                    "la décision « {} » cite la fiche-action n°{numero}, que le contrat n'a pas",
                    decision.texte
                ))
            })?;
            sqlx::query(
                "INSERT INTO decision_fiche (decision_id, rang, fiche_id) VALUES ($1, $2, $3)",
            )
            .bind(decision_id)
            .bind(rang as i64)
            .bind(*fiche_id)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
