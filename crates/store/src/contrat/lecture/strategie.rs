//! Reading a contract's strategy: its fiches-actions with everything they hold, and the axes
//! with their objective trees that the actions hang from.

use std::collections::{BTreeMap, HashMap};

use pilote_domain::evaluation::{Aboutissement, BilanFiche};
use pilote_domain::fiche_action::{
    Cible, Etape, FicheAction, Indicateur, LigneBudget, Mesure, NatureDepense, Note, Pilote,
    StatutAction, TypeIndicateur,
};
use pilote_domain::organisation::Personne;
use pilote_domain::referentiel::{Public, Thematique};
use pilote_domain::strategie::{Axe, NiveauObjectif, Objectif};
use pilote_domain::{IdContrat, Montant};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::{Enfants, grouper, rows};
use crate::StoreError;
use crate::ligne::{
    code, flag, float, int, json, narrow, opt_code, opt_float, opt_int, opt_narrow, opt_parse,
    opt_text, parse, text,
};

/// A fiche-action and where it hangs: its axis and, if any, its objective.
pub(super) struct FicheRangee {
    axe_id: i64,
    objectif_id: Option<i64>,
    fiche: FicheAction,
}

impl FicheRangee {
    /// The fiche-action itself.
    pub(super) fn fiche(self) -> FicheAction {
        self.fiche
    }
}

/// A contract's fiches-actions as read: in order, their numbers by row id, their versions by
/// number.
pub(super) type Fiches = (
    Vec<FicheRangee>,
    HashMap<i64, String>,
    BTreeMap<String, i64>,
);

/// Which fiches-actions to read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Selection<'a> {
    /// Every one of the contract.
    Contrat(&'a IdContrat),
    /// One, by its row id (its page).
    Fiche(i64),
}

impl Selection<'_> {
    /// The condition on the fiche-action `f`, with its one parameter.
    fn condition(self) -> &'static str {
        match self {
            Selection::Contrat(_) => "f.contrat_id = $1",
            Selection::Fiche(_) => "f.id = $1",
        }
    }

    async fn lignes(self, conn: &mut AnyConnection, sql: &str) -> Result<Vec<AnyRow>, StoreError> {
        let requete = sqlx::query(sql);
        let requete = match self {
            Selection::Contrat(id) => requete.bind(id.as_str()),
            Selection::Fiche(fiche) => requete.bind(fiche),
        };
        Ok(requete.fetch_all(conn).await?)
    }
}

/// The fiches-actions of `selection`, in order, their numbers by id and their versions.
pub(super) async fn fiches(
    conn: &mut AnyConnection,
    selection: Selection<'_>,
) -> Result<Fiches, StoreError> {
    let condition = selection.condition();
    let par_fiche = |table: &str, ordre: &str| {
        format!(
            "SELECT t.* FROM {table} t JOIN fiche_action f ON f.id = t.fiche_id
             WHERE {condition} ORDER BY t.fiche_id, t.{ordre}"
        )
    };
    let texte = |r: &AnyRow| text(r, "code");
    let mut publics = grouper(
        &selection
            .lignes(conn, &par_fiche("fiche_public", "rang"))
            .await?,
        "fiche_id",
        texte,
    )?;
    let mut thematiques = grouper(
        &selection
            .lignes(conn, &par_fiche("fiche_thematique", "rang"))
            .await?,
        "fiche_id",
        texte,
    )?;
    let mut communes = grouper(
        &selection
            .lignes(conn, &par_fiche("fiche_commune", "rang"))
            .await?,
        "fiche_id",
        |r| parse(r, "code"),
    )?;
    let mut etapes = grouper(
        &selection.lignes(conn, &par_fiche("etape", "rang")).await?,
        "fiche_id",
        |r| {
            Ok(Etape {
                id: Some(int(r, "id")?),
                libelle: text(r, "libelle")?,
                echeance: opt_parse(r, "echeance")?,
                faite: flag(r, "faite")?,
            })
        },
    )?;
    let mut budget = grouper(
        &selection
            .lignes(conn, &par_fiche("ligne_budget", "rang"))
            .await?,
        "fiche_id",
        |r| {
            let montant = |col| -> Result<Option<Montant>, StoreError> {
                Ok(opt_int(r, col)?.map(Montant::depuis_centimes).transpose()?)
            };
            Ok(LigneBudget {
                id: Some(int(r, "id")?),
                annee: narrow(int(r, "annee")?, "annee")?,
                financeur: text(r, "financeur")?,
                nature: code(r, "nature", NatureDepense::parse)?,
                previsionnel: montant("previsionnel_centimes")?,
                realise: montant("realise_centimes")?,
            })
        },
    )?;
    let mut documents = grouper(
        &selection
            .lignes(conn, &par_fiche("document", "rang"))
            .await?,
        "fiche_id",
        super::document,
    )?;
    let mut notes = grouper(
        &selection.lignes(conn, &par_fiche("note", "rang")).await?,
        "fiche_id",
        |r| {
            Ok(Note {
                id: Some(int(r, "id")?),
                date: parse(r, "date")?,
                texte: text(r, "texte")?,
                auteur: opt_text(r, "auteur")?,
            })
        },
    )?;
    let par_indicateur = |table: &str| {
        format!(
            "SELECT t.* FROM {table} t JOIN indicateur i ON i.id = t.indicateur_id
             JOIN fiche_action f ON f.id = i.fiche_id
             WHERE {condition} ORDER BY t.indicateur_id, t.rang"
        )
    };
    let mut cibles = grouper(
        &selection.lignes(conn, &par_indicateur("cible")).await?,
        "indicateur_id",
        |r| {
            Ok(Cible {
                id: Some(int(r, "id")?),
                annee: narrow(int(r, "annee")?, "annee")?,
                valeur: float(r, "valeur")?,
            })
        },
    )?;
    let mut mesures = grouper(
        &selection.lignes(conn, &par_indicateur("mesure")).await?,
        "indicateur_id",
        |r| {
            Ok(Mesure {
                id: Some(int(r, "id")?),
                date: parse(r, "date")?,
                valeur: float(r, "valeur")?,
                source: opt_text(r, "source")?,
            })
        },
    )?;
    let mut indicateurs = grouper(
        &selection
            .lignes(conn, &par_fiche("indicateur", "rang"))
            .await?,
        "fiche_id",
        |r| {
            let indicateur_id = int(r, "id")?;
            Ok(Indicateur {
                id: Some(indicateur_id),
                libelle: text(r, "libelle")?,
                type_indicateur: code(r, "type_indicateur", TypeIndicateur::parse)?,
                unite: opt_text(r, "unite")?,
                valeur_initiale: opt_float(r, "valeur_initiale")?,
                cibles: cibles.remove(&indicateur_id).unwrap_or_default(),
                valeurs: mesures.remove(&indicateur_id).unwrap_or_default(),
            })
        },
    )?;

    let mut numeros = HashMap::new();
    let mut versions = BTreeMap::new();
    let mut rangees = Vec::new();
    let sql = format!("SELECT f.* FROM fiche_action f WHERE {condition} ORDER BY f.rang");
    for r in selection.lignes(conn, &sql).await? {
        let fiche_id = int(&r, "id")?;
        let numero = text(&r, "numero")?;
        numeros.insert(fiche_id, numero.clone());
        versions.insert(numero.clone(), int(&r, "version")?);
        let fiche = FicheAction {
            id: Some(fiche_id),
            numero,
            titre: text(&r, "titre")?,
            contexte: opt_text(&r, "contexte")?,
            objectifs: json(&r, "objectifs")?,
            description: opt_text(&r, "description")?,
            pilote: opt_text(&r, "pilote_organisation")?
                .map(|organisation| {
                    Ok::<_, StoreError>(Pilote {
                        organisation,
                        personne: opt_text(&r, "pilote_nom")?
                            .map(|nom| {
                                Ok::<_, StoreError>(Personne {
                                    nom,
                                    fonction: opt_text(&r, "pilote_fonction")?,
                                })
                            })
                            .transpose()?,
                    })
                })
                .transpose()?,
            partenaires: json(&r, "partenaires")?,
            publics: codes_de(&mut publics, fiche_id, Public::parse)?,
            thematiques: codes_de(&mut thematiques, fiche_id, Thematique::parse)?,
            communes: communes.remove(&fiche_id).unwrap_or_default(),
            debut: opt_parse(&r, "debut")?,
            fin: opt_parse(&r, "fin")?,
            etapes: etapes.remove(&fiche_id).unwrap_or_default(),
            budget: budget.remove(&fiche_id).unwrap_or_default(),
            indicateurs: indicateurs.remove(&fiche_id).unwrap_or_default(),
            statut: opt_code(&r, "statut", StatutAction::parse)?,
            avancement: opt_narrow(opt_int(&r, "avancement")?, "avancement")?,
            notes: notes.remove(&fiche_id).unwrap_or_default(),
            documents: documents.remove(&fiche_id).unwrap_or_default(),
            bilan: opt_code(&r, "bilan_aboutissement", Aboutissement::parse)?
                .map(|aboutissement| {
                    Ok::<_, StoreError>(BilanFiche {
                        aboutissement,
                        commentaire: opt_text(&r, "bilan_commentaire")?,
                    })
                })
                .transpose()?,
        };
        rangees.push(FicheRangee {
            axe_id: int(&r, "axe_id")?,
            objectif_id: opt_int(&r, "objectif_id")?,
            fiche,
        });
    }
    Ok((rangees, numeros, versions))
}

/// Takes the codes stored under `fiche_id` and parses them with `lire`.
fn codes_de<T>(
    groupes: &mut Enfants<String>,
    fiche_id: i64,
    lire: fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, StoreError> {
    groupes
        .remove(&fiche_id)
        .unwrap_or_default()
        .iter()
        .map(|c| lire(c).map_err(StoreError::Corrupt))
        .collect()
}

/// Axes by perimeter (`cls`, `clsm`), with their objective trees and actions.
pub(super) async fn axes(
    conn: &mut AnyConnection,
    id: &IdContrat,
    fiches: Vec<FicheRangee>,
) -> Result<HashMap<String, Vec<Axe>>, StoreError> {
    let mut fiches_axe: Enfants<FicheAction> = HashMap::new();
    let mut fiches_objectif: Enfants<FicheAction> = HashMap::new();
    for rangee in fiches {
        match rangee.objectif_id {
            Some(o) => fiches_objectif.entry(o).or_default().push(rangee.fiche),
            None => fiches_axe
                .entry(rangee.axe_id)
                .or_default()
                .push(rangee.fiche),
        }
    }
    struct Ligne {
        id: i64,
        axe_id: i64,
        parent_id: Option<i64>,
        niveau: NiveauObjectif,
        libelle: String,
    }
    let objectifs: Vec<Ligne> = rows(
        conn,
        "SELECT o.* FROM objectif o JOIN axe a ON a.id = o.axe_id
         WHERE a.contrat_id = $1 ORDER BY o.rang, o.id",
        id,
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Ligne {
            id: int(r, "id")?,
            axe_id: int(r, "axe_id")?,
            parent_id: opt_int(r, "parent_id")?,
            niveau: code(r, "niveau", NiveauObjectif::parse)?,
            libelle: text(r, "libelle")?,
        })
    })
    .collect::<Result<_, StoreError>>()?;
    fn arbre(
        lignes: &[Ligne],
        axe_id: i64,
        parent: Option<i64>,
        fiches: &mut Enfants<FicheAction>,
    ) -> Vec<Objectif> {
        lignes
            .iter()
            .filter(|l| l.axe_id == axe_id && l.parent_id == parent)
            .map(|l| Objectif {
                id: Some(l.id),
                niveau: l.niveau,
                libelle: l.libelle.clone(),
                sous_objectifs: arbre(lignes, axe_id, Some(l.id), fiches),
                fiches_actions: fiches.remove(&l.id).unwrap_or_default(),
            })
            .collect()
    }
    let mut par_perimetre: HashMap<String, Vec<Axe>> = HashMap::new();
    for r in rows(
        conn,
        "SELECT * FROM axe WHERE contrat_id = $1 ORDER BY numero",
        id,
    )
    .await?
    {
        let axe_id = int(&r, "id")?;
        par_perimetre
            .entry(text(&r, "perimetre")?)
            .or_default()
            .push(Axe {
                id: Some(axe_id),
                numero: narrow(int(&r, "numero")?, "numero")?,
                titre: text(&r, "titre")?,
                description: opt_text(&r, "description")?,
                transversal: flag(&r, "transversal")?,
                objectifs: arbre(&objectifs, axe_id, None, &mut fiches_objectif),
                fiches_actions: fiches_axe.remove(&axe_id).unwrap_or_default(),
            });
    }
    Ok(par_perimetre)
}
