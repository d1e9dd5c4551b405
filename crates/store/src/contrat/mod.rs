//! Contracts: writing a whole contract in one transaction, reading it back whole, listing.

pub mod clsm;
pub mod diagnostic;
mod ecriture;
pub mod evaluation;
pub mod fiche;
pub mod gouvernance;
pub mod historique;
mod insertion;
pub(crate) mod lecture;
pub mod modification;
pub mod presentation;
pub mod rapport;
pub mod renouvellement;
pub mod signature;
pub mod strategie;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use pilote_domain::IdContrat;
use pilote_domain::autorisation::{Operation, PorteeContrat, peut};
use pilote_domain::contrat::{Contrat, ContratResume, StatutContrat};
use pilote_domain::territoire::TerritoireResolu;
use serde::Serialize;
use sqlx::{Any, AnyConnection, Transaction};

use crate::generation::Generation;
use crate::geographie::resoudre;
use crate::journal::{self, Auteur};
use crate::ligne::{flag, parse, text};
use crate::{Store, StoreError};
use historique::{Changement, Partie};

/// Reads `genre-identifiant`, the way forms name an element (`note-8`, `membre-31`): its kind
/// and its stable identifier, never its position.
pub(crate) fn designation(texte: &str) -> Option<(&str, i64)> {
    let (genre, id) = texte.rsplit_once('-')?;
    Some((genre, id.parse().ok().filter(|i| *i >= 1)?))
}

pub(crate) use ecriture::inserer;

/// The refusal of a change naming element `n` of kind `quoi` that the contract no longer has
/// (someone removed it meanwhile).
pub(crate) fn absent(quoi: &str, n: i64) -> StoreError {
    StoreError::Invalid(format!(
        "le contrat n'a pas cet élément ({quoi} n°{n}) : il a été retiré"
    ))
}

/// A contract as shown: what it holds, its resolved territory and its lineage.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContratComplet {
    #[serde(flatten)]
    pub contrat: Contrat,
    pub territoire_resolu: TerritoireResolu,
    pub lignee: Lignee,
    /// The version of the contract's own parts, moved on by every change to them
    /// (optimistic concurrency).
    pub version: i64,
}

impl ContratComplet {
    /// What the authorization policy needs of it.
    pub fn portee(&self) -> PorteeContrat {
        PorteeContrat::new(
            self.contrat.id.clone(),
            self.contrat.publie,
            &self.territoire_resolu,
        )
    }
}

/// A document a contract's public page links to: a fiche-action's or a diagnostic's, by its
/// identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentPublie {
    Fiche(i64),
    Diagnostic(i64),
}

/// Document `quel` of contract `id`, for anyone, when both are published (the contract, and
/// the document on purpose); « not found » otherwise, as for a document that does not exist.
pub async fn document_publie(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    quel: DocumentPublie,
) -> Result<pilote_domain::fiche_action::Document, StoreError> {
    let (sql, n) = match quel {
        DocumentPublie::Fiche(n) => (
            "SELECT d.* FROM document d JOIN fiche_action f ON f.id = d.fiche_id
             JOIN contrat c ON c.id = f.contrat_id
             WHERE d.id = $1 AND c.id = $2 AND c.publie = 1 AND d.publie = 1",
            n,
        ),
        DocumentPublie::Diagnostic(n) => (
            "SELECT x.* FROM document_diagnostic x JOIN diagnostic d ON d.id = x.diagnostic_id
             JOIN contrat c ON c.id = d.contrat_id
             WHERE x.id = $1 AND c.id = $2 AND c.publie = 1 AND x.publie = 1",
            n,
        ),
    };
    let mut tx = store.lecture(auteur).await?;
    let ligne = sqlx::query(sql)
        .bind(n)
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "le contrat « {id} » ne publie aucun document n°{n} de ce genre"
            ))
        })?;
    let document = lecture::document(&ligne)?;
    tx.commit().await?;
    Ok(document)
}

/// A contract to export, with its history when the reader may read it.
#[derive(Debug, Clone)]
pub struct ContratExporte {
    pub contrat: Contrat,
    pub historique: Option<Vec<historique::Entree>>,
}

/// The generations before and after a contract that Pilote holds.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Lignee {
    pub precedent: Option<LienContrat>,
    pub suivants: Vec<LienContrat>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LienContrat {
    pub id: IdContrat,
    pub nom: String,
    pub generation: u8,
}

/// Stores a new contract, as an administration operation (import, demo); nothing is written
/// if any part is refused.
pub async fn creer(store: &Store, contrat: &Contrat) -> Result<(), StoreError> {
    creer_pour(store, &Auteur::ligne_de_commande(), contrat).await
}

/// Stores a new contract on behalf of `auteur`, who must be allowed to create one on its
/// territory (an administrator, an ARS agent whose scope it lies in); nothing is written if
/// any part is refused.
#[tracing::instrument(skip_all, fields(contrat = %contrat.id))]
pub async fn creer_pour(
    store: &Store,
    auteur: &Auteur,
    contrat: &Contrat,
) -> Result<(), StoreError> {
    let mut tx = store.ecriture(auteur).await?;
    inserer_pour(&mut tx, auteur, contrat).await?;
    crate::avancer_generation(&mut tx).await?;
    tx.commit().await?;
    store.compteur.oublier();
    Ok(())
}

/// Inserts `contrat` on behalf of `auteur` once the policy lets them create it on its
/// territory, and journals it.
pub(crate) async fn inserer_pour(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    contrat: &Contrat,
) -> Result<(), StoreError> {
    // Checked before anything is written; a territory that does not resolve is refused by
    // `inserer`, with the codes at fault.
    if let Ok(territoire) = resoudre(conn, &contrat.territoire).await {
        let portee = PorteeContrat::new(contrat.id.clone(), contrat.publie, &territoire);
        if !peut(&auteur.acteur, &Operation::Creer, &portee) {
            return Err(StoreError::Refuse(
                "vous n'avez pas le droit de créer un contrat sur ce territoire".to_owned(),
            ));
        }
    }
    inserer(conn, contrat).await?;
    journaliser_creation(conn, auteur, contrat).await
}

/// The journal entry of a new contract.
pub(crate) async fn journaliser_creation(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    contrat: &Contrat,
) -> Result<(), StoreError> {
    journal::ecrire(
        conn,
        auteur,
        "création",
        &format!("contrat {}", contrat.id),
        None,
    )
    .await
}

/// Reads a whole contract for `auteur`: all of it for who reads the whole contract, its public
/// projection for the others ([`Contrat::projection_publique`]). One they may not read answers
/// exactly as one that does not exist, so that nothing leaks about what exists; a read of an
/// unpublished contract is journaled.
#[tracing::instrument(skip(store, auteur))]
pub async fn lire(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
) -> Result<ContratComplet, StoreError> {
    let mut tx = store.lecture(auteur).await?;
    let portee = autoriser(&mut tx, auteur, id, &Operation::LirePublie).await?;
    let mut complet = lecture::lire(&mut tx, id).await?;
    tx.commit().await?;
    if !peut(&auteur.acteur, &Operation::LireTout, &portee) {
        complet.contrat = complet.contrat.projection_publique();
    }
    if !portee.publie {
        store
            .lectures
            .consigner(auteur, format!("contrat {id}"), None);
    }
    Ok(complet)
}

/// What the list of contracts is narrowed to, and which page of it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filtre {
    /// A région's INSEE code: the contracts whose territory touches it.
    pub region: Option<String>,
    /// A département's code.
    pub departement: Option<String>,
    pub statut: Option<StatutContrat>,
    /// Words looked for in the name and the identifier, case and accents aside.
    pub texte: Option<String>,
    /// From 1.
    pub page: usize,
    pub par_page: usize,
}

impl Filtre {
    /// Contracts a page holds at most.
    pub const PAR_PAGE_MAX: usize = 500;
}

impl Default for Filtre {
    fn default() -> Self {
        Self {
            region: None,
            departement: None,
            statut: None,
            texte: None,
            page: 1,
            par_page: 50,
        }
    }
}

/// One page of the list of contracts.
#[derive(Debug, Clone, Serialize)]
pub struct Liste {
    pub contrats: Vec<ContratResume>,
    /// How many contracts the filter keeps, on every page.
    pub total: usize,
    pub page: usize,
    pub par_page: usize,
}

impl Liste {
    /// The number of pages (at least 1).
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.par_page.max(1)).max(1)
    }
}

/// The page of the contracts `auteur` may read that `filtre` keeps, in three queries whatever
/// their number; listing unpublished ones is journaled.
#[tracing::instrument(skip(store, auteur))]
pub async fn chercher(
    store: &Store,
    auteur: &Auteur,
    filtre: &Filtre,
) -> Result<Liste, StoreError> {
    let gardes = tous(store, auteur, filtre).await?;
    let par_page = filtre.par_page.clamp(1, Filtre::PAR_PAGE_MAX);
    let page = filtre.page.max(1);
    Ok(Liste {
        total: gardes.len(),
        contrats: gardes
            .into_iter()
            .skip((page - 1).saturating_mul(par_page))
            .take(par_page)
            .collect(),
        page,
        par_page,
    })
}

/// Every contract `auteur` may read that `filtre` keeps, its pages aside.
pub async fn tous(
    store: &Store,
    auteur: &Auteur,
    filtre: &Filtre,
) -> Result<Vec<ContratResume>, StoreError> {
    let texte = filtre
        .texte
        .as_deref()
        .map(pilote_domain::recherche::replier)
        .filter(|t| !t.is_empty());
    Ok(lister(store, auteur)
        .await?
        .into_iter()
        .filter(|c| {
            filtre.region.as_ref().is_none_or(|r| c.regions.contains(r))
                && filtre
                    .departement
                    .as_ref()
                    .is_none_or(|d| c.departements.contains(d))
                && filtre.statut.is_none_or(|s| c.statut == Some(s))
                && texte.as_ref().is_none_or(|t| {
                    pilote_domain::recherche::replier(&format!("{} {}", c.nom, c.id)).contains(t)
                })
        })
        .collect())
}

/// How many read transactions an export of many contracts runs side by side.
const LECTURES_D_EXPORT: usize = 4;

/// Contracts `ids`, for an export: each as `auteur` may read it (whole, or its public
/// projection) with its history when they read it whole, each read in one transaction; the
/// ids are read in [`LECTURES_D_EXPORT`] groups side by side (on their own connections), in
/// their order. One they may not read is « not found », as [`lire`] answers; reading
/// unpublished ones is journaled, once.
#[tracing::instrument(skip_all, fields(contrats = ids.len()))]
pub async fn pour_export(
    store: &Store,
    auteur: &Auteur,
    ids: &[IdContrat],
) -> Result<Vec<ContratExporte>, StoreError> {
    let taille = ids.len().div_ceil(LECTURES_D_EXPORT).max(1);
    let groupes = futures_util::future::try_join_all(
        ids.chunks(taille)
            .map(|groupe| lire_pour_export(store, auteur, groupe)),
    )
    .await?;
    let non_publies: Vec<&str> = groupes
        .iter()
        .flatten()
        .filter(|(_, publie)| !publie)
        .map(|(c, _)| c.contrat.id.as_str())
        .collect();
    if !non_publies.is_empty() {
        store.lectures.consigner(
            auteur,
            "export de contrats".to_owned(),
            Some(non_publies.join(", ")),
        );
    }
    Ok(groupes
        .into_iter()
        .flatten()
        .map(|(exporte, _)| exporte)
        .collect())
}

/// Contracts `ids` read in one transaction for an export, each with whether it is published.
async fn lire_pour_export(
    store: &Store,
    auteur: &Auteur,
    ids: &[IdContrat],
) -> Result<Vec<(ContratExporte, bool)>, StoreError> {
    let mut tx = store.lecture(auteur).await?;
    let mut exportes = Vec::with_capacity(ids.len());
    for id in ids {
        let portee = autoriser(&mut tx, auteur, id, &Operation::LirePublie).await?;
        let (contrat, _) = lecture::contrat(&mut tx, id).await?;
        let exporte = if peut(&auteur.acteur, &Operation::LireTout, &portee) {
            let mut entrees = historique::tout(&mut tx, id).await?;
            entrees.reverse();
            ContratExporte {
                contrat,
                historique: Some(entrees),
            }
        } else {
            ContratExporte {
                contrat: contrat.projection_publique(),
                historique: None,
            }
        };
        exportes.push((exporte, portee.publie));
    }
    tx.commit().await?;
    Ok(exportes)
}

/// The contracts `auteur` may read, by name then generation, with their territory's size,
/// from the read model of the list (no geography read); listing unpublished ones is
/// journaled.
pub async fn lister(store: &Store, auteur: &Auteur) -> Result<Vec<ContratResume>, StoreError> {
    let mut tx = store.lecture(auteur).await?;
    let lisibles: Vec<PorteeContrat> = portees(&mut tx)
        .await?
        .into_iter()
        .filter(|p| peut(&auteur.acteur, &Operation::LirePublie, p))
        .collect();
    let non_publies: Vec<&str> = lisibles
        .iter()
        .filter(|p| !p.publie)
        .map(|p| p.id.as_str())
        .collect();
    let detail = (!non_publies.is_empty()).then(|| non_publies.join(", "));
    let resumes = lecture::lister(&mut tx, lisibles).await?;
    tx.commit().await?;
    if detail.is_some() {
        store
            .lectures
            .consigner(auteur, "liste des contrats".to_owned(), detail);
    }
    Ok(resumes)
}

/// Every contract's summary, whoever may read it: for a read model the policy is applied to
/// afterwards.
pub(crate) async fn resumes(conn: &mut AnyConnection) -> Result<Vec<ContratResume>, StoreError> {
    let portees = portees(conn).await?;
    lecture::lister(conn, portees).await
}

/// Computes what the list shows of the territories not yet summed up (contracts that predate
/// migration 9, or whose geography was reloaded); returns how many were.
pub(crate) async fn resumer_territoires(store: &Store) -> Result<usize, StoreError> {
    let mut tx = store.ecriture(&Auteur::ligne_de_commande()).await?;
    let lignes = sqlx::query("SELECT id FROM contrat WHERE population IS NULL")
        .fetch_all(&mut *tx)
        .await?;
    for r in &lignes {
        let id: IdContrat = parse(r, "id")?;
        let territoire = lecture::selection(&mut tx, &id).await?;
        let resolu = resoudre(&mut tx, &territoire).await?;
        ecriture::resumer_territoire(&mut tx, &id, &resolu).await?;
    }
    if !lignes.is_empty() {
        crate::avancer_generation(&mut tx).await?;
    }
    tx.commit().await?;
    store.compteur.oublier();
    Ok(lignes.len())
}

/// Publishes a contract or withdraws it from the public; the change is journaled.
pub async fn publier(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    publie: bool,
) -> Result<(), StoreError> {
    let mut modification = ouvrir(store, auteur, id, None).await?;
    let avant = flag(
        &sqlx::query("SELECT publie FROM contrat WHERE id = $1")
            .bind(id.as_str())
            .fetch_one(&mut *modification)
            .await?,
        "publie",
    )?;
    let oui_non = |b: bool| Some(if b { "oui" } else { "non" }.to_owned());
    sqlx::query("UPDATE contrat SET publie = $1 WHERE id = $2")
        .bind(i64::from(publie))
        .bind(id.as_str())
        .execute(&mut *modification)
        .await?;
    let changement = Changement::si_different("publication", oui_non(avant), oui_non(publie));
    conclure(modification, auteur, changement.as_slice()).await
}

/// The history of a contract, newest first, for whoever reads it whole; reading it is
/// journaled like any read of unpublished data.
pub async fn historique(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
) -> Result<Vec<historique::Entree>, StoreError> {
    let mut tx = store.lecture(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::LireTout).await?;
    let mut entrees = historique::tout(&mut tx, id).await?;
    tx.commit().await?;
    entrees.reverse();
    store
        .lectures
        .consigner(auteur, format!("historique du contrat {id}"), None);
    Ok(entrees)
}

/// Whether `auteur` may perform `operation` on contract `id`, before any input is looked at:
/// `NotFound` for a contract they may not read, `Refuse` for one they may not change so.
pub async fn autorise(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    operation: &Operation,
) -> Result<PorteeContrat, StoreError> {
    let mut tx = store.lecture(auteur).await?;
    let portee = autoriser(&mut tx, auteur, id, operation).await?;
    tx.commit().await?;
    Ok(portee)
}

/// Checks `operation` against the policy for `auteur` and returns the contract's scope.
pub(crate) async fn autoriser(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    id: &IdContrat,
    operation: &Operation,
) -> Result<PorteeContrat, StoreError> {
    let portee = portee(conn, id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("aucun contrat « {id} »")))?;
    decider(auteur, operation, &portee)?;
    Ok(portee)
}

/// What the policy answers `auteur` for `operation` on the contract of scope `portee`: a
/// contract they may not even read is « not found »; one they read but may not change this
/// way is « refused ».
pub(crate) fn decider(
    auteur: &Auteur,
    operation: &Operation,
    portee: &PorteeContrat,
) -> Result<(), StoreError> {
    let id = &portee.id;
    if peut(&auteur.acteur, operation, portee) {
        Ok(())
    } else if peut(&auteur.acteur, &Operation::LirePublie, portee) {
        Err(StoreError::Refuse(match operation {
            Operation::LireTout => {
                format!("vous n'avez pas accès aux parties non publiées du contrat « {id} »")
            }
            Operation::ModifierFiche(numero) => {
                format!("vous n'avez pas le droit de modifier la fiche-action n°{numero}")
            }
            _ => format!("vous n'avez pas le droit de modifier le contrat « {id} »"),
        }))
    } else {
        Err(StoreError::NotFound(format!("aucun contrat « {id} »")))
    }
}

/// A change under way on contract `id`: its transaction, opened once the author may make it
/// and the version of the part it changes claimed. Dropped without [`conclure`], it is rolled
/// back: a refusal found half-way leaves nothing behind.
pub(crate) struct Modification {
    tx: Transaction<'static, Any>,
    id: IdContrat,
    partie: Partie,
    version: i64,
    /// How the journal names what changes.
    objet: String,
    /// The store's counter of changes, forgotten once the change is committed.
    compteur: Arc<Generation>,
}

impl Modification {
    /// The version this change produces.
    pub(crate) fn version(&self) -> i64 {
        self.version
    }
}

impl std::ops::Deref for Modification {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for Modification {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// Opens a change to contract `id`'s own parts (its strategy, its signature…): the author's
/// right, then version `lue` claimed (`None`: whatever the current one).
pub(crate) async fn ouvrir(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    lue: Option<i64>,
) -> Result<Modification, StoreError> {
    let mut tx = store.ecriture(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::Modifier).await?;
    let version = historique::reclamer(&mut tx, id, lue).await?;
    Ok(Modification {
        tx,
        id: id.clone(),
        partie: Partie::Contrat,
        version,
        objet: format!("contrat {id}"),
        compteur: Arc::clone(&store.compteur),
    })
}

/// Opens a change to fiche-action `numero` of contract `id`: the author's right on it, then
/// version `lue` of the fiche claimed; returns the fiche's row id with the change.
pub(crate) async fn ouvrir_fiche(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    numero: &str,
    lue: i64,
) -> Result<(Modification, i64), StoreError> {
    let mut tx = store.ecriture(auteur).await?;
    autoriser(
        &mut tx,
        auteur,
        id,
        &Operation::ModifierFiche(numero.to_owned()),
    )
    .await?;
    let (fiche, version) = historique::reclamer_fiche(&mut tx, id, numero, lue).await?;
    let modification = Modification {
        tx,
        id: id.clone(),
        partie: Partie::Fiche(fiche),
        version,
        objet: format!("contrat {id}, fiche-action n°{numero}"),
        compteur: Arc::clone(&store.compteur),
    };
    Ok((modification, fiche))
}

/// Records `changements` in the history of the contract and commits; with no change, nothing
/// is kept, not even the version claimed.
pub(crate) async fn conclure(
    mut modification: Modification,
    auteur: &Auteur,
    changements: &[Changement],
) -> Result<(), StoreError> {
    if changements.is_empty() {
        modification.tx.rollback().await?;
        return Ok(());
    }
    let cle = (&modification.id, modification.partie, modification.version);
    historique::enregistrer(
        &mut modification.tx,
        auteur,
        cle,
        &modification.objet,
        changements,
    )
    .await?;
    crate::avancer_generation(&mut modification.tx).await?;
    modification.tx.commit().await?;
    modification.compteur.oublier();
    Ok(())
}

/// What the policy needs of one contract.
async fn portee(
    conn: &mut AnyConnection,
    id: &IdContrat,
) -> Result<Option<PorteeContrat>, StoreError> {
    let Some(r) = sqlx::query("SELECT publie FROM contrat WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut portee = PorteeContrat {
        id: id.clone(),
        publie: flag(&r, "publie")?,
        departements: BTreeSet::new(),
        regions: BTreeSet::new(),
    };
    for r in sqlx::query("SELECT departement, region FROM contrat_portee WHERE contrat_id = $1")
        .bind(id.as_str())
        .fetch_all(&mut *conn)
        .await?
    {
        portee.departements.insert(text(&r, "departement")?);
        portee.regions.insert(text(&r, "region")?);
    }
    Ok(Some(portee))
}

/// What the policy needs of every contract, in two queries.
async fn portees(conn: &mut AnyConnection) -> Result<Vec<PorteeContrat>, StoreError> {
    let mut portees: BTreeMap<String, PorteeContrat> = BTreeMap::new();
    for r in sqlx::query("SELECT id, publie FROM contrat")
        .fetch_all(&mut *conn)
        .await?
    {
        portees.insert(
            text(&r, "id")?,
            PorteeContrat {
                id: parse(&r, "id")?,
                publie: flag(&r, "publie")?,
                departements: BTreeSet::new(),
                regions: BTreeSet::new(),
            },
        );
    }
    for r in sqlx::query("SELECT contrat_id, departement, region FROM contrat_portee")
        .fetch_all(&mut *conn)
        .await?
    {
        if let Some(p) = portees.get_mut(&text(&r, "contrat_id")?) {
            p.departements.insert(text(&r, "departement")?);
            p.regions.insert(text(&r, "region")?);
        }
    }
    Ok(portees.into_values().collect())
}

/// Whether a contract with this identifier exists.
pub(crate) async fn existe(conn: &mut AnyConnection, id: &IdContrat) -> Result<bool, StoreError> {
    Ok(sqlx::query("SELECT 1 FROM contrat WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?
        .is_some())
}
