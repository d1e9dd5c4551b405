//! Inserting a contract's children (a party, a diagnostic with its indicators, an evaluation,
//! an achievement, a fiche-action's codes, steps, documents, notes, budget lines, indicators
//! with their targets and values, a meeting with its decisions),
//! shared by the whole-contract write (a fiche's rows of one kind in one statement) and the
//! pages' additions (one row).

use std::collections::HashMap;

use pilote_domain::clsm::Evenement;
use pilote_domain::contrat::Partie;
use pilote_domain::diagnostic::{Diagnostic, IndicateurDiagnostic};
use pilote_domain::evaluation::Evaluation;
use pilote_domain::fiche_action::{Cible, Document, Etape, Indicateur, LigneBudget, Mesure, Note};
use pilote_domain::gouvernance::Reunion;
use pilote_domain::organisation::Personne;
use pilote_domain::realisation::Realisation;
use pilote_domain::referentiel::{Public, Thematique};
use sqlx::AnyConnection;

use crate::StoreError;
use crate::ligne::{int, to_json};
use crate::lot::{self, Valeur};

fn entier(n: i64) -> Valeur {
    Valeur::Entier(Some(n))
}

fn texte(t: &str) -> Valeur {
    Valeur::Texte(Some(t.to_owned()))
}

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
    inserer_representants(conn, partie_id, &partie.representants).await
}

/// Inserts the representatives of party `partie_id`, in their order.
pub(crate) async fn inserer_representants(
    conn: &mut AnyConnection,
    partie_id: i64,
    representants: &[Personne],
) -> Result<(), StoreError> {
    for (rang, personne) in (0_i64..).zip(representants) {
        sqlx::query(
            "INSERT INTO representant (partie_id, rang, nom, fonction) VALUES ($1, $2, $3, $4)",
        )
        .bind(partie_id)
        .bind(rang)
        .bind(&personne.nom)
        .bind(personne.fonction.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Inserts the priority publics and themes of contract `id`, in their order.
pub(crate) async fn inserer_publics_et_thematiques(
    conn: &mut AnyConnection,
    id: &str,
    publics: &[Public],
    thematiques: &[Thematique],
) -> Result<(), StoreError> {
    let listes: [(&str, Vec<&str>); 2] = [
        ("contrat_public", publics.iter().map(|p| p.code()).collect()),
        (
            "contrat_thematique",
            thematiques.iter().map(|t| t.code()).collect(),
        ),
    ];
    for (table, codes) in listes {
        let sql = format!("INSERT INTO {table} (contrat_id, rang, code) VALUES ($1, $2, $3)");
        for (rang, code) in (0_i64..).zip(codes) {
            sqlx::query(&sql)
                .bind(id)
                .bind(rang)
                .bind(code)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Inserts diagnostic `diagnostic` of contract `id` at `rang` with its indicators; returns its
/// identifier.
pub(crate) async fn inserer_diagnostic(
    conn: &mut AnyConnection,
    id: &str,
    rang: i64,
    diagnostic: &Diagnostic,
) -> Result<i64, StoreError> {
    let diagnostic_id: i64 = sqlx::query_scalar(
        "INSERT INTO diagnostic (contrat_id, rang, titre, date, description, methode, realise_par,
            constats, paroles)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(id)
    .bind(rang)
    .bind(&diagnostic.titre)
    .bind(diagnostic.date.map(|d| d.to_string()))
    .bind(diagnostic.description.as_deref())
    .bind(diagnostic.methode.as_deref())
    .bind(diagnostic.realise_par.as_deref())
    .bind(to_json(&diagnostic.constats))
    .bind(to_json(&diagnostic.paroles))
    .fetch_one(&mut *conn)
    .await?;
    inserer_indicateurs_diagnostic(conn, &enfants(diagnostic_id, 0, &diagnostic.indicateurs))
        .await?;
    inserer_documents(
        conn,
        DOCUMENTS_DE_DIAGNOSTIC,
        &enfants(diagnostic_id, 0, &diagnostic.documents),
    )
    .await?;
    Ok(diagnostic_id)
}

pub(crate) async fn inserer_indicateurs_diagnostic(
    conn: &mut AnyConnection,
    lignes: &[Enfant<'_, IndicateurDiagnostic>],
) -> Result<(), StoreError> {
    lot::inserer(
        conn,
        "indicateur_diagnostic (diagnostic_id, rang, libelle, thematique, valeur, unite, annee,
            departement, region, france, source)",
        "",
        lignes,
        |(diagnostic_id, rang, i)| {
            vec![
                entier(*diagnostic_id),
                entier(*rang),
                texte(&i.libelle),
                Valeur::Texte(i.thematique.map(|t| t.code().to_owned())),
                Valeur::Reel(Some(i.valeur)),
                Valeur::Texte(i.unite.clone()),
                Valeur::Entier(i.annee.map(i64::from)),
                Valeur::Reel(i.departement),
                Valeur::Reel(i.region),
                Valeur::Reel(i.france),
                Valeur::Texte(i.source.clone()),
            ]
        },
    )
    .await
}

/// Inserts evaluation `evaluation` of contract `id` at `rang`; returns its identifier.
pub(crate) async fn inserer_evaluation(
    conn: &mut AnyConnection,
    id: &str,
    rang: i64,
    evaluation: &Evaluation,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO evaluation (contrat_id, rang, titre, nature, date, synthese, constats,
            recommandations, criteres)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(id)
    .bind(rang)
    .bind(&evaluation.titre)
    .bind(evaluation.nature.map(|n| n.code()))
    .bind(evaluation.date.map(|d| d.to_string()))
    .bind(evaluation.synthese.as_deref())
    .bind(to_json(&evaluation.constats))
    .bind(to_json(&evaluation.recommandations))
    .bind(to_json(&evaluation.criteres))
    .fetch_one(&mut *conn)
    .await?)
}

/// Inserts event `evenement` of the CLSM of contract `id` at `rang`; returns its identifier.
pub(crate) async fn inserer_evenement(
    conn: &mut AnyConnection,
    id: &str,
    rang: i64,
    evenement: &Evenement,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO evenement (contrat_id, rang, nature, titre, date, description)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(rang)
    .bind(evenement.nature.map(|n| n.code()))
    .bind(&evenement.titre)
    .bind(evenement.date.map(|d| d.to_string()))
    .bind(evenement.description.as_deref())
    .fetch_one(&mut *conn)
    .await?)
}

/// Inserts achievement `realisation` of contract `id` at `rang`, linked to the fiche-action
/// of row `fiche_id`; returns its identifier.
pub(crate) async fn inserer_realisation(
    conn: &mut AnyConnection,
    id: &str,
    rang: i64,
    realisation: &Realisation,
    fiche_id: Option<i64>,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO realisation (contrat_id, rang, titre, date, description, fiche_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(rang)
    .bind(&realisation.titre)
    .bind(realisation.date.map(|d| d.to_string()))
    .bind(realisation.description.as_deref())
    .bind(fiche_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// A child row to insert: its parent's row id, its `rang`, the item.
pub(crate) type Enfant<'a, T> = (i64, i64, &'a T);

/// `items` as the children of `parent`, the first at `rang`.
pub(crate) fn enfants<T>(parent: i64, rang: i64, items: &[T]) -> Vec<Enfant<'_, T>> {
    (rang..)
        .zip(items)
        .map(|(r, item)| (parent, r, item))
        .collect()
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
    ajouter_codes(conn, table, &enfants(fiche_id, 0, codes)).await
}

/// Adds codes of fiches-actions in `table` (publics, themes, communes).
pub(crate) async fn ajouter_codes(
    conn: &mut AnyConnection,
    table: &str,
    codes: &[Enfant<'_, String>],
) -> Result<(), StoreError> {
    lot::inserer(
        conn,
        &format!("{table} (fiche_id, rang, code)"),
        "",
        codes,
        |(fiche, rang, code)| vec![entier(*fiche), entier(*rang), texte(code)],
    )
    .await
}

/// Inserts steps of fiches-actions.
pub(crate) async fn inserer_etapes(
    conn: &mut AnyConnection,
    etapes: &[Enfant<'_, Etape>],
) -> Result<(), StoreError> {
    lot::inserer(
        conn,
        "etape (fiche_id, rang, libelle, echeance, faite)",
        "",
        etapes,
        |(fiche_id, rang, etape)| {
            vec![
                entier(*fiche_id),
                entier(*rang),
                texte(&etape.libelle),
                Valeur::Texte(etape.echeance.map(|d| d.to_string())),
                entier(i64::from(etape.faite)),
            ]
        },
    )
    .await
}

/// The table of a fiche-action's documents, with the columns [`inserer_documents`] fills.
pub(crate) const DOCUMENTS_DE_FICHE: &str =
    "document (fiche_id, rang, titre, date, reference, publie)";
/// The table of a diagnostic's documents, likewise.
pub(crate) const DOCUMENTS_DE_DIAGNOSTIC: &str =
    "document_diagnostic (diagnostic_id, rang, titre, date, reference, publie)";

/// Inserts documents into `table` (with its columns: the owner's id, rang, titre, date,
/// reference, publie): those of fiches-actions or of diagnostics.
pub(crate) async fn inserer_documents(
    conn: &mut AnyConnection,
    table: &str,
    documents: &[Enfant<'_, Document>],
) -> Result<(), StoreError> {
    lot::inserer(
        conn,
        table,
        "",
        documents,
        |(proprietaire, rang, document)| {
            vec![
                entier(*proprietaire),
                entier(*rang),
                texte(&document.titre),
                Valeur::Texte(document.date.map(|d| d.to_string())),
                texte(&document.reference),
                entier(i64::from(document.publie)),
            ]
        },
    )
    .await
}

/// Inserts progress notes of fiches-actions.
pub(crate) async fn inserer_notes(
    conn: &mut AnyConnection,
    notes: &[Enfant<'_, Note>],
) -> Result<(), StoreError> {
    lot::inserer(
        conn,
        "note (fiche_id, rang, date, texte, auteur)",
        "",
        notes,
        |(fiche_id, rang, note)| {
            vec![
                entier(*fiche_id),
                entier(*rang),
                texte(&note.date.to_string()),
                texte(&note.texte),
                Valeur::Texte(note.auteur.clone()),
            ]
        },
    )
    .await
}

/// Inserts dated values of indicators.
pub(crate) async fn inserer_mesures(
    conn: &mut AnyConnection,
    mesures: &[Enfant<'_, Mesure>],
) -> Result<(), StoreError> {
    lot::inserer(
        conn,
        "mesure (indicateur_id, rang, date, valeur, source)",
        "",
        mesures,
        |(indicateur_id, rang, mesure)| {
            vec![
                entier(*indicateur_id),
                entier(*rang),
                texte(&mesure.date.to_string()),
                Valeur::Reel(Some(mesure.valeur)),
                Valeur::Texte(mesure.source.clone()),
            ]
        },
    )
    .await
}

/// Inserts budget lines of fiches-actions.
pub(crate) async fn inserer_lignes_budget(
    conn: &mut AnyConnection,
    lignes: &[Enfant<'_, LigneBudget>],
) -> Result<(), StoreError> {
    lot::inserer(
        conn,
        "ligne_budget (fiche_id, rang, annee, financeur, nature, previsionnel_centimes,
            realise_centimes)",
        "",
        lignes,
        |(fiche_id, rang, ligne)| {
            vec![
                entier(*fiche_id),
                entier(*rang),
                entier(i64::from(ligne.annee)),
                texte(&ligne.financeur),
                texte(ligne.nature.code()),
                Valeur::Entier(ligne.previsionnel.map(|m| m.centimes())),
                Valeur::Entier(ligne.realise.map(|m| m.centimes())),
            ]
        },
    )
    .await
}

/// Inserts targets of indicators.
pub(crate) async fn inserer_cibles(
    conn: &mut AnyConnection,
    cibles: &[Enfant<'_, Cible>],
) -> Result<(), StoreError> {
    lot::inserer(
        conn,
        "cible (indicateur_id, rang, annee, valeur)",
        "",
        cibles,
        |(indicateur_id, rang, cible)| {
            vec![
                entier(*indicateur_id),
                entier(*rang),
                entier(i64::from(cible.annee)),
                Valeur::Reel(Some(cible.valeur)),
            ]
        },
    )
    .await
}

/// Inserts indicators of fiches-actions, without their targets and values.
pub(crate) async fn inserer_indicateurs(
    conn: &mut AnyConnection,
    indicateurs: &[Enfant<'_, Indicateur>],
) -> Result<(), StoreError> {
    lot::inserer(
        conn,
        "indicateur (fiche_id, rang, libelle, type_indicateur, unite, valeur_initiale)",
        "",
        indicateurs,
        |(fiche_id, rang, indicateur)| {
            vec![
                entier(*fiche_id),
                entier(*rang),
                texte(&indicateur.libelle),
                texte(indicateur.type_indicateur.code()),
                Valeur::Texte(indicateur.unite.clone()),
                Valeur::Reel(indicateur.valeur_initiale),
            ]
        },
    )
    .await
}

/// Inserts one indicator of fiche-action `fiche_id` at `rang`, with its targets and values.
pub(crate) async fn inserer_indicateur(
    conn: &mut AnyConnection,
    fiche_id: i64,
    rang: i64,
    indicateur: &Indicateur,
) -> Result<(), StoreError> {
    let postgres = lot::en_postgres(conn);
    let sql = format!(
        "INSERT INTO indicateur (fiche_id, rang, libelle, type_indicateur, unite, valeur_initiale)
         VALUES ($1, $2, $3, $4, $5, {}) RETURNING id",
        lot::parametre_reel(postgres, 6)
    );
    let requete = sqlx::query(&sql)
        .bind(fiche_id)
        .bind(rang)
        .bind(&indicateur.libelle)
        .bind(indicateur.type_indicateur.code())
        .bind(indicateur.unite.as_deref());
    let indicateur_id = crate::ligne::int(
        &lot::lier_reel(requete, postgres, indicateur.valeur_initiale)
            .fetch_one(&mut *conn)
            .await?,
        "id",
    )?;
    inserer_cibles(conn, &enfants(indicateur_id, 0, &indicateur.cibles)).await?;
    inserer_mesures(conn, &enfants(indicateur_id, 0, &indicateur.valeurs)).await
}

/// Inserts meetings of body `instance_id`, the first at `premier_rang`, with their decisions:
/// one statement for the meetings, one for their decisions, one for the actions these cite.
/// `fiches` gives the row of each fiche-action by number; a decision naming another is
/// refused before anything is written.
pub(crate) async fn inserer_reunions(
    conn: &mut AnyConnection,
    instance_id: i64,
    premier_rang: i64,
    reunions: &[Reunion],
    fiches: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    // (meeting's rang, decision's rang, its text), and (the same two, action's rang, fiche).
    let mut decisions = Vec::new();
    let mut citees = Vec::new();
    for (rang, reunion) in (premier_rang..).zip(reunions) {
        for (rang_decision, decision) in (0..).zip(&reunion.decisions) {
            for (rang_fiche, numero) in (0..).zip(&decision.fiches_actions) {
                let fiche_id = fiches.get(numero).ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "la décision « {} » cite la fiche-action n°{numero}, que le contrat n'a pas",
                        decision.texte
                    ))
                })?;
                citees.push((rang, rang_decision, rang_fiche, *fiche_id));
            }
            decisions.push((rang, rang_decision, decision.texte.as_str()));
        }
    }
    let reunions: Vec<(i64, &Reunion)> = (premier_rang..).zip(reunions).collect();
    let reunion_de: HashMap<i64, i64> = lot::inserer_et_lire(
        conn,
        "reunion (instance_id, rang, date, lieu, ordre_du_jour, presents, compte_rendu)",
        "RETURNING id, rang",
        &reunions,
        |(rang, reunion)| {
            vec![
                Valeur::Entier(Some(instance_id)),
                Valeur::Entier(Some(*rang)),
                Valeur::Texte(Some(reunion.date.to_string())),
                Valeur::Texte(reunion.lieu.clone()),
                Valeur::Texte(Some(to_json(&reunion.ordre_du_jour))),
                Valeur::Texte(Some(to_json(&reunion.presents))),
                Valeur::Texte(reunion.compte_rendu.clone()),
            ]
        },
    )
    .await?
    .iter()
    .map(|r| Ok((int(r, "rang")?, int(r, "id")?)))
    .collect::<Result<_, StoreError>>()?;
    let decision_de: HashMap<(i64, i64), i64> = lot::inserer_et_lire(
        conn,
        "decision (reunion_id, rang, texte)",
        "RETURNING id, reunion_id, rang",
        &decisions,
        |(reunion, rang, texte)| {
            vec![
                Valeur::Entier(reunion_de.get(reunion).copied()),
                Valeur::Entier(Some(*rang)),
                Valeur::Texte(Some((*texte).to_owned())),
            ]
        },
    )
    .await?
    .iter()
    .map(|r| Ok(((int(r, "reunion_id")?, int(r, "rang")?), int(r, "id")?)))
    .collect::<Result<_, StoreError>>()?;
    lot::inserer(
        conn,
        "decision_fiche (decision_id, rang, fiche_id)",
        "",
        &citees,
        |(reunion, decision, rang, fiche)| {
            let reunion = reunion_de.get(reunion).copied().unwrap_or_default();
            vec![
                Valeur::Entier(decision_de.get(&(reunion, *decision)).copied()),
                Valeur::Entier(Some(*rang)),
                Valeur::Entier(Some(*fiche)),
            ]
        },
    )
    .await
}
