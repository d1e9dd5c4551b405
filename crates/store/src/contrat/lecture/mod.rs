//! Reading a whole contract back: one query per table, rows grouped by parent in memory.

use std::collections::HashMap;

use pilote_domain::IdContrat;
use pilote_domain::autorisation::PorteeContrat;
use pilote_domain::clsm::{Clsm, Evenement, NatureEvenement};
use pilote_domain::contrat::{
    Avenant, Contrat, ContratResume, Coordination, Financement, Partie, Qualificatif, RolePartie,
    Signature, Source, StatutContrat, StatutPoste,
};
use pilote_domain::diagnostic::{Diagnostic, IndicateurDiagnostic};
use pilote_domain::evaluation::{Evaluation, NatureEvaluation};
use pilote_domain::fiche_action::Document;
use pilote_domain::gouvernance::{Decision, Instance, Membre, NatureInstance, Reunion};
use pilote_domain::organisation::{NatureOrganisation, Organisation, Personne};
use pilote_domain::realisation::Realisation;
use pilote_domain::referentiel::{Public, Thematique};
use pilote_domain::strategie::Axe;
use pilote_domain::territoire::Territoire;
use pilote_domain::{Montant, Periode};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

mod fiche;
mod strategie;

use super::{ContratComplet, LienContrat, Lignee};
use crate::StoreError;
use crate::geographie::resoudre;
use crate::ligne::{
    code, flag, float, int, json, narrow, opt_code, opt_float, opt_int, opt_narrow, opt_parse,
    opt_text, parse, text,
};
pub(super) use fiche::lire_fiche;
pub use fiche::{ContratDeLaFiche, FicheLue};
use strategie::{Selection, axes, fiches};

/// Rows of a child table, grouped by their parent's key, in `rang` order.
pub(super) type Enfants<T> = HashMap<i64, Vec<T>>;

pub(super) async fn rows(
    conn: &mut AnyConnection,
    sql: &str,
    id: &IdContrat,
) -> Result<Vec<AnyRow>, StoreError> {
    Ok(sqlx::query(sql).bind(id.as_str()).fetch_all(conn).await?)
}

/// Groups rows under the integer key column `parent`, mapping each with `lire`.
pub(super) fn grouper<T>(
    rows: &[AnyRow],
    parent: &str,
    mut lire: impl FnMut(&AnyRow) -> Result<T, StoreError>,
) -> Result<Enfants<T>, StoreError> {
    let mut groupes: Enfants<T> = HashMap::new();
    for row in rows {
        groupes
            .entry(int(row, parent)?)
            .or_default()
            .push(lire(row)?);
    }
    Ok(groupes)
}

fn periode(row: &AnyRow, debut: &str, fin: &str) -> Result<Option<Periode>, StoreError> {
    match opt_int(row, debut)? {
        None => Ok(None),
        Some(d) => Ok(Some(Periode::new(
            narrow(d, debut)?,
            opt_narrow(opt_int(row, fin)?, fin)?,
        )?)),
    }
}

/// The contract `id` and its version, its territory as selected (not resolved: for who needs
/// the contract's own facts only, an export).
pub(crate) async fn contrat(
    conn: &mut AnyConnection,
    id: &IdContrat,
) -> Result<(Contrat, i64), StoreError> {
    let row = sqlx::query("SELECT * FROM contrat WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("aucun contrat « {id} »")))?;

    let codes = |rows: Vec<AnyRow>| -> Result<Vec<String>, StoreError> {
        rows.iter().map(|r| text(r, "code")).collect()
    };
    let publics = codes(
        rows(
            conn,
            "SELECT code FROM contrat_public WHERE contrat_id = $1 ORDER BY rang",
            id,
        )
        .await?,
    )?
    .iter()
    .map(|c| Public::parse(c).map_err(StoreError::Corrupt))
    .collect::<Result<_, _>>()?;
    let thematiques = codes(
        rows(
            conn,
            "SELECT code FROM contrat_thematique WHERE contrat_id = $1 ORDER BY rang",
            id,
        )
        .await?,
    )?
    .iter()
    .map(|c| Thematique::parse(c).map_err(StoreError::Corrupt))
    .collect::<Result<_, _>>()?;
    let territoire = Territoire {
        quartiers_prioritaires: json(&row, "quartiers_prioritaires")?,
        ..selection(conn, id).await?
    };

    let (fiches, numeros, _) = fiches(conn, Selection::Contrat(id)).await?;
    let mut axes = axes(conn, id, fiches).await?;
    let mut instances = instances(conn, id, &numeros).await?;
    let contrat = Contrat {
        id: id.clone(),
        nom: text(&row, "nom")?,
        generation: narrow(int(&row, "generation")?, "generation")?,
        publie: flag(&row, "publie")?,
        precedent: opt_parse(&row, "precedent")?,
        statut: opt_code(&row, "statut", StatutContrat::parse)?,
        periode: periode(&row, "periode_debut", "periode_fin")?,
        duree_annees: opt_narrow(opt_int(&row, "duree_annees")?, "duree_annees")?,
        demarche_lancee: opt_parse(&row, "demarche_lancee")?,
        signature: {
            let date = opt_parse(&row, "signature_date")?;
            let lieu = opt_text(&row, "signature_lieu")?;
            let presents: Vec<Personne> = json(&row, "signature_presents")?;
            (date.is_some() || lieu.is_some() || !presents.is_empty()).then_some(Signature {
                date,
                lieu,
                presents,
            })
        },
        presentation: json(&row, "presentation")?,
        priorites: json(&row, "priorites")?,
        enjeux: json(&row, "enjeux")?,
        publics_prioritaires: publics,
        thematiques,
        fiches_actions_annoncees: opt_narrow(
            opt_int(&row, "fiches_actions_annoncees")?,
            "fiches_actions_annoncees",
        )?,
        territoire,
        parties: parties(conn, id).await?,
        avenants: rows(
            conn,
            "SELECT * FROM avenant WHERE contrat_id = $1 ORDER BY numero",
            id,
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Avenant {
                numero: narrow(int(r, "numero")?, "numero")?,
                date: opt_parse(r, "date")?,
                objet: text(r, "objet")?,
            })
        })
        .collect::<Result<_, StoreError>>()?,
        coordination: coordination(conn, id).await?,
        diagnostics: diagnostics(conn, id).await?,
        axes: axes.remove("cls").unwrap_or_default(),
        gouvernance: instances.remove("cls").unwrap_or_default(),
        clsm: clsm(conn, id, axes.remove("clsm"), instances.remove("clsm")).await?,
        evaluations: rows(
            conn,
            "SELECT * FROM evaluation WHERE contrat_id = $1 ORDER BY rang",
            id,
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Evaluation {
                id: Some(int(r, "id")?),
                titre: text(r, "titre")?,
                nature: opt_code(r, "nature", NatureEvaluation::parse)?,
                date: opt_parse(r, "date")?,
                synthese: opt_text(r, "synthese")?,
                constats: json(r, "constats")?,
                recommandations: json(r, "recommandations")?,
                criteres: json(r, "criteres")?,
            })
        })
        .collect::<Result<_, StoreError>>()?,
        realisations: realisations(conn, id, &numeros).await?,
        source: opt_text(&row, "source_titre")?
            .map(|titre| {
                Ok::<_, StoreError>(Source {
                    titre,
                    mise_a_jour: opt_parse(&row, "source_mise_a_jour")?,
                })
            })
            .transpose()?,
    };
    let version = int(&row, "version")?;
    Ok((contrat, version))
}

pub(super) async fn lire(
    conn: &mut AnyConnection,
    id: &IdContrat,
) -> Result<ContratComplet, StoreError> {
    let (contrat, version) = contrat(conn, id).await?;
    let territoire_resolu = resoudre(conn, &contrat.territoire).await?;
    let lien = |r: &AnyRow| -> Result<LienContrat, StoreError> {
        Ok(LienContrat {
            id: parse(r, "id")?,
            nom: text(r, "nom")?,
            generation: narrow(int(r, "generation")?, "generation")?,
        })
    };
    let precedent = match &contrat.precedent {
        Some(p) => rows(
            conn,
            "SELECT id, nom, generation FROM contrat WHERE id = $1",
            p,
        )
        .await?
        .first()
        .map(lien)
        .transpose()?,
        None => None,
    };
    let suivants = rows(
        conn,
        "SELECT id, nom, generation FROM contrat WHERE precedent = $1 ORDER BY generation, id",
        id,
    )
    .await?
    .iter()
    .map(lien)
    .collect::<Result<_, _>>()?;
    Ok(ContratComplet {
        contrat,
        territoire_resolu,
        lignee: Lignee {
            precedent,
            suivants,
        },
        version,
    })
}

async fn parties(conn: &mut AnyConnection, id: &IdContrat) -> Result<Vec<Partie>, StoreError> {
    let representants = grouper(
        &rows(
            conn,
            "SELECT r.* FROM representant r JOIN partie p ON p.id = r.partie_id
             WHERE p.contrat_id = $1 ORDER BY r.partie_id, r.rang",
            id,
        )
        .await?,
        "partie_id",
        personne,
    )?;
    rows(
        conn,
        "SELECT p.id, p.roles, o.nom, o.nature, o.siren FROM partie p
         JOIN organisation o ON o.id = p.organisation_id
         WHERE p.contrat_id = $1 ORDER BY p.rang",
        id,
    )
    .await?
    .iter()
    .map(|r| {
        let roles: Vec<String> = json(r, "roles")?;
        Ok(Partie {
            id: Some(int(r, "id")?),
            organisation: Organisation {
                nom: text(r, "nom")?,
                nature: code(r, "nature", NatureOrganisation::parse)?,
                siren: opt_parse(r, "siren")?,
            },
            roles: roles
                .iter()
                .map(|c| RolePartie::parse(c).map_err(StoreError::Corrupt))
                .collect::<Result<_, _>>()?,
            representants: representants
                .get(&int(r, "id")?)
                .cloned()
                .unwrap_or_default(),
        })
    })
    .collect()
}

fn personne(r: &AnyRow) -> Result<Personne, StoreError> {
    Ok(Personne {
        nom: text(r, "nom")?,
        fonction: opt_text(r, "fonction")?,
    })
}

async fn coordination(
    conn: &mut AnyConnection,
    id: &IdContrat,
) -> Result<Option<Coordination>, StoreError> {
    let Some(r) = rows(conn, "SELECT * FROM coordination WHERE contrat_id = $1", id)
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let financements = rows(
        conn,
        "SELECT * FROM financement_coordination WHERE contrat_id = $1 ORDER BY rang",
        id,
    )
    .await?
    .iter()
    .map(|f| {
        Ok(Financement {
            id: Some(int(f, "id")?),
            financeur: text(f, "financeur")?,
            montant: opt_int(f, "montant_centimes")?
                .map(Montant::depuis_centimes)
                .transpose()?,
            qualificatif: opt_code(f, "qualificatif", Qualificatif::parse)?,
            periode: periode(f, "periode_debut", "periode_fin")?,
        })
    })
    .collect::<Result<_, StoreError>>()?;
    Ok(Some(Coordination {
        poste: text(&r, "poste")?,
        statut: opt_code(&r, "statut", StatutPoste::parse)?,
        depuis: opt_parse(&r, "depuis")?,
        personne: opt_text(&r, "personne_nom")?
            .map(|nom| {
                Ok::<_, StoreError>(Personne {
                    nom,
                    fonction: opt_text(&r, "personne_fonction")?,
                })
            })
            .transpose()?,
        employeur: opt_text(&r, "employeur")?,
        contact: opt_text(&r, "contact")?,
        financements,
    }))
}

/// The achievements, each with the number of the fiche-action it came from.
async fn realisations(
    conn: &mut AnyConnection,
    id: &IdContrat,
    numeros: &HashMap<i64, String>,
) -> Result<Vec<Realisation>, StoreError> {
    rows(
        conn,
        "SELECT * FROM realisation WHERE contrat_id = $1 ORDER BY rang",
        id,
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Realisation {
            id: Some(int(r, "id")?),
            titre: text(r, "titre")?,
            date: opt_parse(r, "date")?,
            description: opt_text(r, "description")?,
            fiche: opt_int(r, "fiche_id")?.and_then(|f| numeros.get(&f).cloned()),
        })
    })
    .collect()
}

/// A document of a fiche-action or of a diagnostic.
pub(crate) fn document(r: &AnyRow) -> Result<Document, StoreError> {
    Ok(Document {
        id: Some(int(r, "id")?),
        titre: text(r, "titre")?,
        date: opt_parse(r, "date")?,
        reference: text(r, "reference")?,
        publie: int(r, "publie")? != 0,
    })
}

async fn diagnostics(
    conn: &mut AnyConnection,
    id: &IdContrat,
) -> Result<Vec<Diagnostic>, StoreError> {
    let mut indicateurs = grouper(
        &rows(
            conn,
            "SELECT i.* FROM indicateur_diagnostic i JOIN diagnostic d ON d.id = i.diagnostic_id
             WHERE d.contrat_id = $1 ORDER BY i.diagnostic_id, i.rang",
            id,
        )
        .await?,
        "diagnostic_id",
        |r| {
            Ok(IndicateurDiagnostic {
                id: Some(int(r, "id")?),
                libelle: text(r, "libelle")?,
                thematique: opt_code(r, "thematique", Thematique::parse)?,
                valeur: float(r, "valeur")?,
                unite: opt_text(r, "unite")?,
                annee: opt_narrow(opt_int(r, "annee")?, "annee")?,
                departement: opt_float(r, "departement")?,
                region: opt_float(r, "region")?,
                france: opt_float(r, "france")?,
                source: opt_text(r, "source")?,
            })
        },
    )?;
    let mut documents = grouper(
        &rows(
            conn,
            "SELECT x.* FROM document_diagnostic x JOIN diagnostic d ON d.id = x.diagnostic_id
             WHERE d.contrat_id = $1 ORDER BY x.diagnostic_id, x.rang",
            id,
        )
        .await?,
        "diagnostic_id",
        document,
    )?;
    rows(
        conn,
        "SELECT * FROM diagnostic WHERE contrat_id = $1 ORDER BY rang",
        id,
    )
    .await?
    .iter()
    .map(|r| {
        let diagnostic_id = int(r, "id")?;
        Ok(Diagnostic {
            id: Some(diagnostic_id),
            titre: text(r, "titre")?,
            date: opt_parse(r, "date")?,
            description: opt_text(r, "description")?,
            methode: opt_text(r, "methode")?,
            realise_par: opt_text(r, "realise_par")?,
            indicateurs: indicateurs.remove(&diagnostic_id).unwrap_or_default(),
            constats: json(r, "constats")?,
            paroles: json(r, "paroles")?,
            documents: documents.remove(&diagnostic_id).unwrap_or_default(),
        })
    })
    .collect()
}

/// Governance bodies by perimeter, with members, meetings and decisions.
async fn instances(
    conn: &mut AnyConnection,
    id: &IdContrat,
    numeros: &HashMap<i64, String>,
) -> Result<HashMap<String, Vec<Instance>>, StoreError> {
    let mut fiches_decision = grouper(
        &rows(
            conn,
            "SELECT df.decision_id, df.fiche_id FROM decision_fiche df
             JOIN fiche_action f ON f.id = df.fiche_id
             WHERE f.contrat_id = $1 ORDER BY df.decision_id, df.rang",
            id,
        )
        .await?,
        "decision_id",
        |r| {
            let fiche_id = int(r, "fiche_id")?;
            numeros
                .get(&fiche_id)
                .cloned()
                .ok_or_else(|| StoreError::Corrupt(format!("fiche-action {fiche_id} sans numéro")))
        },
    )?;
    let mut decisions = grouper(
        &rows(
            conn,
            "SELECT d.* FROM decision d JOIN reunion r ON r.id = d.reunion_id
             JOIN instance i ON i.id = r.instance_id
             WHERE i.contrat_id = $1 ORDER BY d.reunion_id, d.rang",
            id,
        )
        .await?,
        "reunion_id",
        |r| {
            Ok(Decision {
                texte: text(r, "texte")?,
                fiches_actions: fiches_decision.remove(&int(r, "id")?).unwrap_or_default(),
            })
        },
    )?;
    let mut reunions = grouper(
        &rows(
            conn,
            "SELECT r.* FROM reunion r JOIN instance i ON i.id = r.instance_id
             WHERE i.contrat_id = $1 ORDER BY r.instance_id, r.rang",
            id,
        )
        .await?,
        "instance_id",
        |r| {
            Ok(Reunion {
                id: Some(int(r, "id")?),
                date: parse(r, "date")?,
                lieu: opt_text(r, "lieu")?,
                ordre_du_jour: json(r, "ordre_du_jour")?,
                presents: json(r, "presents")?,
                compte_rendu: opt_text(r, "compte_rendu")?,
                decisions: decisions.remove(&int(r, "id")?).unwrap_or_default(),
            })
        },
    )?;
    let mut membres = grouper(
        &rows(
            conn,
            "SELECT m.* FROM membre m JOIN instance i ON i.id = m.instance_id
             WHERE i.contrat_id = $1 ORDER BY m.instance_id, m.rang",
            id,
        )
        .await?,
        "instance_id",
        |r| {
            Ok(Membre {
                id: Some(int(r, "id")?),
                organisation: text(r, "organisation")?,
                personne: opt_text(r, "personne")?,
                fonction: opt_text(r, "fonction")?,
            })
        },
    )?;
    let mut par_perimetre: HashMap<String, Vec<Instance>> = HashMap::new();
    for r in rows(
        conn,
        "SELECT * FROM instance WHERE contrat_id = $1 ORDER BY rang",
        id,
    )
    .await?
    {
        let instance_id = int(&r, "id")?;
        par_perimetre
            .entry(text(&r, "perimetre")?)
            .or_default()
            .push(Instance {
                id: Some(instance_id),
                nature: code(&r, "nature", NatureInstance::parse)?,
                nom: text(&r, "nom")?,
                description: opt_text(&r, "description")?,
                presidence: opt_text(&r, "presidence")?,
                membres: membres.remove(&instance_id).unwrap_or_default(),
                reunions: reunions.remove(&instance_id).unwrap_or_default(),
            });
    }
    Ok(par_perimetre)
}

async fn clsm(
    conn: &mut AnyConnection,
    id: &IdContrat,
    axes: Option<Vec<Axe>>,
    instances: Option<Vec<Instance>>,
) -> Result<Option<Clsm>, StoreError> {
    let Some(r) = rows(conn, "SELECT * FROM clsm WHERE contrat_id = $1", id)
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let evenements = rows(
        conn,
        "SELECT * FROM evenement WHERE contrat_id = $1 ORDER BY rang",
        id,
    )
    .await?
    .iter()
    .map(|e| {
        Ok(Evenement {
            id: Some(int(e, "id")?),
            nature: opt_code(e, "nature", NatureEvenement::parse)?,
            titre: text(e, "titre")?,
            date: opt_parse(e, "date")?,
            description: opt_text(e, "description")?,
        })
    })
    .collect::<Result<_, StoreError>>()?;
    Ok(Some(Clsm {
        nom: text(&r, "nom")?,
        lancement: opt_parse(&r, "lancement")?,
        presentation: json(&r, "presentation")?,
        axes: axes.unwrap_or_default(),
        instances: instances.unwrap_or_default(),
        evenements,
    }))
}

/// The EPCI and communes a contract's territory was picked from.
pub(super) async fn selection(
    conn: &mut AnyConnection,
    id: &IdContrat,
) -> Result<Territoire, StoreError> {
    Ok(Territoire {
        epci: rows(
            conn,
            "SELECT epci FROM contrat_epci WHERE contrat_id = $1 ORDER BY rang",
            id,
        )
        .await?
        .iter()
        .map(|r| parse(r, "epci"))
        .collect::<Result<_, _>>()?,
        communes: rows(
            conn,
            "SELECT code FROM contrat_commune WHERE contrat_id = $1 ORDER BY rang",
            id,
        )
        .await?
        .iter()
        .map(|r| parse(r, "code"))
        .collect::<Result<_, _>>()?,
        quartiers_prioritaires: Vec::new(),
    })
}

/// The summaries of the contracts in `ids`.
pub(super) async fn lister(
    conn: &mut AnyConnection,
    portees: Vec<PorteeContrat>,
) -> Result<Vec<ContratResume>, StoreError> {
    let mut portees: HashMap<String, PorteeContrat> =
        portees.into_iter().map(|p| (p.id.to_string(), p)).collect();
    let contrats = sqlx::query(
        "SELECT id, nom, generation, statut, periode_debut, periode_fin, population,
             nombre_communes
         FROM contrat ORDER BY nom, generation",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut resumes = Vec::with_capacity(portees.len());
    for r in &contrats {
        let Some(portee) = portees.remove(&text(r, "id")?) else {
            continue;
        };
        let nombre = |colonne| -> Result<u64, StoreError> {
            Ok(opt_int(r, colonne)?.map_or(0, |n| n.max(0).unsigned_abs()))
        };
        resumes.push(ContratResume {
            id: portee.id,
            nom: text(r, "nom")?,
            generation: narrow(int(r, "generation")?, "generation")?,
            publie: portee.publie,
            departements: portee.departements,
            regions: portee.regions,
            statut: opt_code(r, "statut", StatutContrat::parse)?,
            periode: periode(r, "periode_debut", "periode_fin")?,
            population: nombre("population")?,
            communes: nombre("nombre_communes")?,
        });
    }
    Ok(resumes)
}
