//! Writing a whole contract: checked against the domain rules and the official geography
//! first, then inserted table by table inside the caller's transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use pilote_domain::IdContrat;
use pilote_domain::clsm::Clsm;
use pilote_domain::contrat::Contrat;
use pilote_domain::fiche_action::FicheAction;
use pilote_domain::gouvernance::{Instance, Membre};
use pilote_domain::strategie::{Axe, Objectif};
use pilote_domain::territoire::{Territoire, TerritoireResolu};
use sqlx::AnyConnection;

use super::insertion::{
    DOCUMENTS_DE_FICHE, Enfant, ajouter_codes, enfants, inserer_cibles, inserer_diagnostic,
    inserer_documents, inserer_etapes, inserer_evaluation, inserer_evenement, inserer_indicateurs,
    inserer_lignes_budget, inserer_mesures, inserer_notes, inserer_partie,
    inserer_publics_et_thematiques, inserer_realisation, inserer_reunions,
};
use crate::geographie::resoudre;
use crate::ligne::{int, opt_int, text, to_json};
use crate::lot::{self, Valeur};
use crate::{StoreError, now};

/// Inserts `contrat` and everything it holds. Refuses, naming the fault, a contract that breaks
/// a domain rule, whose identifier is taken, whose previous generation is unknown, or whose
/// territory or actions name communes outside the official geography or the territory.
pub(crate) async fn inserer(conn: &mut AnyConnection, contrat: &Contrat) -> Result<(), StoreError> {
    contrat.verifier()?;
    let id = contrat.id.as_str();
    if super::existe(conn, &contrat.id).await? {
        return Err(StoreError::Conflict(format!(
            "un contrat « {id} » existe déjà"
        )));
    }
    if let Some(precedent) = &contrat.precedent
        && !super::existe(conn, precedent).await?
    {
        return Err(StoreError::Invalid(format!(
            "contrat « {id} » : le contrat précédent « {precedent} » n'existe pas"
        )));
    }
    let territoire = territoire_verifie(conn, contrat).await?;

    let horodatage = now();
    sqlx::query(
        "INSERT INTO contrat (id, nom, generation, publie, precedent, statut, periode_debut, periode_fin,
            duree_annees, demarche_lancee, signature_date, signature_lieu, signature_presents,
            presentation, priorites, enjeux, quartiers_prioritaires, fiches_actions_annoncees,
            source_titre, source_mise_a_jour, version, cree_le, modifie_le)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
            $19, $20, 1, $21, $21)",
    )
    .bind(id)
    .bind(&contrat.nom)
    .bind(i64::from(contrat.generation))
    .bind(i64::from(contrat.publie))
    .bind(contrat.precedent.as_ref().map(|p| p.as_str()))
    .bind(contrat.statut.map(|s| s.code()))
    .bind(contrat.periode.map(|p| i64::from(p.debut())))
    .bind(contrat.periode.and_then(|p| p.fin()).map(i64::from))
    .bind(contrat.duree_annees.map(i64::from))
    .bind(contrat.demarche_lancee.map(|d| d.to_string()))
    .bind(
        contrat
            .signature
            .as_ref()
            .and_then(|s| s.date)
            .map(|d| d.to_string()),
    )
    .bind(contrat.signature.as_ref().and_then(|s| s.lieu.clone()))
    .bind(to_json(
        &contrat
            .signature
            .as_ref()
            .map(|s| s.presents.as_slice())
            .unwrap_or_default(),
    ))
    .bind(to_json(&contrat.presentation))
    .bind(to_json(&contrat.priorites))
    .bind(to_json(&contrat.enjeux))
    .bind(to_json(&contrat.territoire.quartiers_prioritaires))
    .bind(contrat.fiches_actions_annoncees.map(i64::from))
    .bind(contrat.source.as_ref().map(|s| s.titre.clone()))
    .bind(
        contrat
            .source
            .as_ref()
            .and_then(|s| s.mise_a_jour)
            .map(|d| d.to_string()),
    )
    .bind(&horodatage)
    .execute(&mut *conn)
    .await?;
    inserer_territoire(conn, &contrat.id, &contrat.territoire, &territoire).await?;

    inserer_publics_et_thematiques(
        conn,
        id,
        &contrat.publics_prioritaires,
        &contrat.thematiques,
    )
    .await?;
    for (rang, partie) in contrat.parties.iter().enumerate() {
        inserer_partie(conn, id, rang as i64, partie).await?;
    }

    for avenant in &contrat.avenants {
        sqlx::query(
            "INSERT INTO avenant (contrat_id, numero, date, objet) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(i64::from(avenant.numero))
        .bind(avenant.date.map(|d| d.to_string()))
        .bind(&avenant.objet)
        .execute(&mut *conn)
        .await?;
    }

    if let Some(coordination) = &contrat.coordination {
        sqlx::query(
            "INSERT INTO coordination (contrat_id, poste, personne_nom, personne_fonction, employeur,
                statut, depuis, contact)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(&coordination.poste)
        .bind(coordination.personne.as_ref().map(|p| p.nom.clone()))
        .bind(coordination.personne.as_ref().and_then(|p| p.fonction.clone()))
        .bind(coordination.employeur.as_deref())
        .bind(coordination.statut.map(|s| s.code()))
        .bind(coordination.depuis.map(|d| d.to_string()))
        .bind(coordination.contact.as_deref())
        .execute(&mut *conn)
        .await?;
        for (rang, financement) in coordination.financements.iter().enumerate() {
            sqlx::query(
                "INSERT INTO financement_coordination (contrat_id, rang, financeur, montant_centimes,
                    qualificatif, periode_debut, periode_fin) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(rang as i64)
            .bind(&financement.financeur)
            .bind(financement.montant.map(|m| m.centimes()))
            .bind(financement.qualificatif.map(|q| q.code()))
            .bind(financement.periode.map(|p| i64::from(p.debut())))
            .bind(financement.periode.and_then(|p| p.fin()).map(i64::from))
            .execute(&mut *conn)
            .await?;
        }
    }

    for (rang, diagnostic) in (0..).zip(&contrat.diagnostics) {
        inserer_diagnostic(conn, id, rang, diagnostic).await?;
    }
    for (rang, evaluation) in (0..).zip(&contrat.evaluations) {
        inserer_evaluation(conn, id, rang, evaluation).await?;
    }

    let mut fiches = HashMap::new();
    inserer_axes(conn, id, "cls", &contrat.axes, &mut fiches).await?;
    inserer_instances(conn, id, ("cls", 0), &contrat.gouvernance, &fiches).await?;
    if let Some(clsm) = &contrat.clsm {
        inserer_clsm(conn, id, clsm, &mut fiches).await?;
    }
    for (rang, realisation) in (0..).zip(&contrat.realisations) {
        let fiche = realisation.fiche.as_ref().map(|n| fiches[n]);
        inserer_realisation(conn, id, rang, realisation, fiche).await?;
    }
    Ok(())
}

async fn inserer_clsm(
    conn: &mut AnyConnection,
    id: &str,
    clsm: &Clsm,
    fiches: &mut HashMap<String, i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO clsm (contrat_id, nom, lancement, presentation) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(&clsm.nom)
    .bind(clsm.lancement.map(|d| d.to_string()))
    .bind(to_json(&clsm.presentation))
    .execute(&mut *conn)
    .await?;
    inserer_axes(conn, id, "clsm", &clsm.axes, fiches).await?;
    inserer_instances(conn, id, ("clsm", 0), &clsm.instances, fiches).await?;
    for (rang, evenement) in (0..).zip(&clsm.evenements) {
        inserer_evenement(conn, id, rang, evenement).await?;
    }
    Ok(())
}

/// Inserts axes, their objective trees and actions; records each action's id by number.
pub(super) async fn inserer_axes(
    conn: &mut AnyConnection,
    id: &str,
    perimetre: &str,
    axes: &[Axe],
    fiches: &mut HashMap<String, i64>,
) -> Result<(), StoreError> {
    let axe_de: HashMap<i64, i64> = lot::inserer_et_lire(
        conn,
        "axe (contrat_id, perimetre, numero, titre, description, transversal)",
        "RETURNING id, numero",
        axes,
        |axe| {
            vec![
                Valeur::Texte(Some(id.to_owned())),
                Valeur::Texte(Some(perimetre.to_owned())),
                Valeur::Entier(Some(i64::from(axe.numero))),
                Valeur::Texte(Some(axe.titre.clone())),
                Valeur::Texte(axe.description.clone()),
                Valeur::Entier(Some(i64::from(axe.transversal))),
            ]
        },
    )
    .await?
    .iter()
    .map(|r| Ok((int(r, "numero")?, int(r, "id")?)))
    .collect::<Result<_, StoreError>>()?;
    let mut placees = Vec::new();
    for axe in axes {
        let axe_id = axe_de[&i64::from(axe.numero)];
        let mut rang_fiche = 0;
        for fiche in &axe.fiches_actions {
            placees.push(FichePlacee {
                axe_id,
                objectif_id: None,
                rang: rang_fiche,
                fiche,
            });
            rang_fiche += 1;
        }
        // Level by level (breadth-first), so that a parent objective has its id before its
        // children: one statement per level of the axis' tree.
        let mut niveau: Vec<(Option<i64>, i64, &Objectif)> = (0..)
            .zip(&axe.objectifs)
            .map(|(rang, o)| (None, rang, o))
            .collect();
        while !niveau.is_empty() {
            let ids: HashMap<(Option<i64>, i64), i64> = lot::inserer_et_lire(
                conn,
                "objectif (axe_id, parent_id, rang, niveau, libelle)",
                "RETURNING id, parent_id, rang",
                &niveau,
                |(parent, rang, objectif)| {
                    vec![
                        Valeur::Entier(Some(axe_id)),
                        Valeur::Entier(*parent),
                        Valeur::Entier(Some(*rang)),
                        Valeur::Texte(Some(objectif.niveau.code().to_owned())),
                        Valeur::Texte(Some(objectif.libelle.clone())),
                    ]
                },
            )
            .await?
            .iter()
            .map(|r| Ok(((opt_int(r, "parent_id")?, int(r, "rang")?), int(r, "id")?)))
            .collect::<Result<_, StoreError>>()?;
            let mut suivant = Vec::new();
            for (parent, rang, objectif) in niveau {
                let objectif_id = ids[&(parent, rang)];
                for fiche in &objectif.fiches_actions {
                    placees.push(FichePlacee {
                        axe_id,
                        objectif_id: Some(objectif_id),
                        rang: rang_fiche,
                        fiche,
                    });
                    rang_fiche += 1;
                }
                suivant.extend(
                    (0..)
                        .zip(&objectif.sous_objectifs)
                        .map(|(r, o)| (Some(objectif_id), r, o)),
                );
            }
            niveau = suivant;
        }
    }
    inserer_fiches(conn, id, &placees, fiches).await
}

/// Codes of one list (publics, themes, communes) of each fiche, by the fiche's row id.
type CodesParFiche = Vec<(i64, Vec<String>)>;

/// A fiche-action to insert, and where it hangs.
struct FichePlacee<'a> {
    axe_id: i64,
    objectif_id: Option<i64>,
    rang: i64,
    fiche: &'a FicheAction,
}

/// Inserts `placees`, a few statements per kind of row whatever their number, and records
/// each action's id by number in `fiches`.
async fn inserer_fiches(
    conn: &mut AnyConnection,
    id: &str,
    placees: &[FichePlacee<'_>],
    fiches: &mut HashMap<String, i64>,
) -> Result<(), StoreError> {
    let texte = |t: Option<String>| Valeur::Texte(t);
    lot::inserer(
        conn,
        "fiche_action (contrat_id, axe_id, objectif_id, rang, numero, titre, contexte, objectifs,
            description, pilote_organisation, pilote_nom, pilote_fonction, partenaires, debut,
            fin, statut, avancement, bilan_aboutissement, bilan_commentaire)",
        "",
        placees,
        |p| {
            let fiche = p.fiche;
            let pilote = fiche.pilote.as_ref();
            let personne = pilote.and_then(|p| p.personne.as_ref());
            vec![
                texte(Some(id.to_owned())),
                Valeur::Entier(Some(p.axe_id)),
                Valeur::Entier(p.objectif_id),
                Valeur::Entier(Some(p.rang)),
                texte(Some(fiche.numero.clone())),
                texte(Some(fiche.titre.clone())),
                texte(fiche.contexte.clone()),
                texte(Some(to_json(&fiche.objectifs))),
                texte(fiche.description.clone()),
                texte(pilote.map(|p| p.organisation.clone())),
                texte(personne.map(|p| p.nom.clone())),
                texte(personne.and_then(|p| p.fonction.clone())),
                texte(Some(to_json(&fiche.partenaires))),
                texte(fiche.debut.map(|d| d.to_string())),
                texte(fiche.fin.map(|d| d.to_string())),
                texte(fiche.statut.map(|s| s.code().to_owned())),
                Valeur::Entier(fiche.avancement.map(i64::from)),
                texte(
                    fiche
                        .bilan
                        .as_ref()
                        .map(|b| b.aboutissement.code().to_owned()),
                ),
                texte(fiche.bilan.as_ref().and_then(|b| b.commentaire.clone())),
            ]
        },
    )
    .await?;
    for r in sqlx::query("SELECT id, numero FROM fiche_action WHERE contrat_id = $1")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
    {
        fiches.insert(text(&r, "numero")?, int(&r, "id")?);
    }
    let rangees: Vec<(i64, &FicheAction)> = placees
        .iter()
        .map(|p| (fiches[&p.fiche.numero], p.fiche))
        .collect();

    let codes: [(&str, CodesParFiche); 3] = [
        (
            "fiche_public",
            rangees
                .iter()
                .map(|(f, fiche)| {
                    (
                        *f,
                        fiche.publics.iter().map(|p| p.code().to_owned()).collect(),
                    )
                })
                .collect(),
        ),
        (
            "fiche_thematique",
            rangees
                .iter()
                .map(|(f, fiche)| {
                    (
                        *f,
                        fiche
                            .thematiques
                            .iter()
                            .map(|t| t.code().to_owned())
                            .collect(),
                    )
                })
                .collect(),
        ),
        (
            "fiche_commune",
            rangees
                .iter()
                .map(|(f, fiche)| (*f, fiche.communes.iter().map(ToString::to_string).collect()))
                .collect(),
        ),
    ];
    for (table, par_fiche) in &codes {
        let lignes: Vec<_> = par_fiche
            .iter()
            .flat_map(|(f, codes)| enfants(*f, 0, codes))
            .collect();
        ajouter_codes(conn, table, &lignes).await?;
    }
    /// The items of one list of every fiche, as the children of their fiche's row.
    fn de<'a, T>(
        rangees: &[(i64, &'a FicheAction)],
        liste: fn(&'a FicheAction) -> &'a [T],
    ) -> Vec<Enfant<'a, T>> {
        rangees
            .iter()
            .flat_map(|(f, fiche)| enfants(*f, 0, liste(fiche)))
            .collect()
    }
    inserer_etapes(conn, &de(&rangees, |f| &f.etapes)).await?;
    inserer_lignes_budget(conn, &de(&rangees, |f| &f.budget)).await?;
    inserer_documents(conn, DOCUMENTS_DE_FICHE, &de(&rangees, |f| &f.documents)).await?;
    inserer_notes(conn, &de(&rangees, |f| &f.notes)).await?;
    let indicateurs = de(&rangees, |f| &f.indicateurs);
    inserer_indicateurs(conn, &indicateurs).await?;
    let mut ids = HashMap::new();
    for r in sqlx::query(
        "SELECT i.id, i.fiche_id, i.rang FROM indicateur i
         JOIN fiche_action f ON f.id = i.fiche_id WHERE f.contrat_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    {
        ids.insert((int(&r, "fiche_id")?, int(&r, "rang")?), int(&r, "id")?);
    }
    let mut cibles = Vec::new();
    let mut mesures = Vec::new();
    for (fiche, rang, indicateur) in &indicateurs {
        let indicateur_id = ids[&(*fiche, *rang)];
        cibles.extend(enfants(indicateur_id, 0, &indicateur.cibles));
        mesures.extend(enfants(indicateur_id, 0, &indicateur.valeurs));
    }
    inserer_cibles(conn, &cibles).await?;
    inserer_mesures(conn, &mesures).await
}

/// Inserts governance bodies of the contract (`perimetre` `cls`) or of its CLSM (`clsm`), the
/// first at `premier`, with their members, meetings and decisions.
pub(super) async fn inserer_instances(
    conn: &mut AnyConnection,
    id: &str,
    (perimetre, premier): (&str, i64),
    instances: &[Instance],
    fiches: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    for (rang, instance) in (premier..).zip(instances) {
        let instance_id: i64 = sqlx::query_scalar(
            "INSERT INTO instance (contrat_id, perimetre, rang, nature, nom, description, presidence)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(id)
        .bind(perimetre)
        .bind(rang)
        .bind(instance.nature.code())
        .bind(&instance.nom)
        .bind(instance.description.as_deref())
        .bind(instance.presidence.as_deref())
        .fetch_one(&mut *conn)
        .await?;
        let membres: Vec<(i64, &Membre)> = (0..).zip(&instance.membres).collect();
        lot::inserer(
            conn,
            "membre (instance_id, rang, organisation, personne, fonction)",
            "",
            &membres,
            |(rang, membre)| {
                vec![
                    Valeur::Entier(Some(instance_id)),
                    Valeur::Entier(Some(*rang)),
                    Valeur::Texte(Some(membre.organisation.clone())),
                    Valeur::Texte(membre.personne.clone()),
                    Valeur::Texte(membre.fonction.clone()),
                ]
            },
        )
        .await?;
        inserer_reunions(conn, instance_id, 0, &instance.reunions, fiches)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(m) => StoreError::Invalid(format!("contrat « {id} » : {m}")),
                autre => autre,
            })?;
    }
    Ok(())
}

/// Resolves the contract's territory against the official geography and checks that every
/// fiche-action's communes lie inside it.
pub(super) async fn territoire_verifie(
    conn: &mut AnyConnection,
    contrat: &Contrat,
) -> Result<TerritoireResolu, StoreError> {
    let id = &contrat.id;
    let territoire = resoudre(conn, &contrat.territoire)
        .await
        .map_err(|e| StoreError::Invalid(format!("contrat « {id} » : {e}")))?;
    let codes: BTreeSet<&str> = territoire
        .communes
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    for fiche in contrat.toutes_les_fiches() {
        if let Some(hors) = fiche.communes.iter().find(|c| !codes.contains(c.as_str())) {
            return Err(StoreError::Invalid(format!(
                "contrat « {id} », fiche-action n°{} : la commune {hors} n'est pas dans le territoire du contrat",
                fiche.numero
            )));
        }
    }
    Ok(territoire)
}

/// Writes the territory a contract was picked from and where it lies (`contrat_portee`, first,
/// so that row-level security knows it for what follows).
pub(super) async fn inserer_territoire(
    conn: &mut AnyConnection,
    id: &IdContrat,
    territoire: &Territoire,
    resolu: &TerritoireResolu,
) -> Result<(), StoreError> {
    let portee: BTreeMap<&str, &str> = resolu
        .communes
        .iter()
        .map(|c| (c.departement.as_str(), c.region.as_str()))
        .collect();
    for (departement, region) in portee {
        sqlx::query(
            "INSERT INTO contrat_portee (contrat_id, departement, region) VALUES ($1, $2, $3)",
        )
        .bind(id.as_str())
        .bind(departement)
        .bind(region)
        .execute(&mut *conn)
        .await?;
    }
    resumer_territoire(conn, id, resolu).await?;
    let ligne = |(rang, code): &(i64, &str)| {
        vec![
            Valeur::Texte(Some(id.to_string())),
            Valeur::Entier(Some(*rang)),
            Valeur::Texte(Some((*code).to_owned())),
        ]
    };
    let communes: Vec<&str> = territoire.communes.iter().map(|c| c.as_str()).collect();
    lot::inserer(
        conn,
        "contrat_commune (contrat_id, rang, code)",
        "",
        &(0..).zip(communes).collect::<Vec<_>>(),
        ligne,
    )
    .await?;
    let epci: Vec<&str> = territoire.epci.iter().map(|e| e.as_str()).collect();
    lot::inserer(
        conn,
        "contrat_epci (contrat_id, rang, epci)",
        "",
        &(0..).zip(epci).collect::<Vec<_>>(),
        ligne,
    )
    .await
}

/// Records what the list of contracts shows of contract `id`'s territory.
pub(crate) async fn resumer_territoire(
    conn: &mut AnyConnection,
    id: &IdContrat,
    resolu: &TerritoireResolu,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE contrat SET population = $1, nombre_communes = $2 WHERE id = $3")
        .bind(i64::try_from(resolu.population).unwrap_or(i64::MAX))
        .bind(resolu.communes.len() as i64)
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}
