//! The public portal ([`pilote_domain::portail`]): the published contracts with the
//! geography, from the portfolio's read ([`crate::portefeuille`]); the postal codes shipped
//! with Pilote (`geographie/codes_postaux.tsv`, vendored from the npm package `codes-postaux`
//! by `scripts/vendor-codes-postaux.sh`); what is new in the published contracts — dated
//! achievements, meetings of their bodies, signatures — in three queries, and when each last
//! changed in a fourth. Made once per counter of changes and kept, so that the public's pages
//! are answered from memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pilote_domain::portail::{CodesPostaux, Nouveaute, Portail, Quoi};
use pilote_domain::{DatePartielle, IdContrat};
use sqlx::AnyConnection;

use crate::journal::Auteur;
use crate::ligne::{opt_int, opt_text, text};
use crate::portefeuille::GeographieLue;
use crate::{Store, StoreError};

/// The postal code and the commune of each line, after a header line.
const CODES_POSTAUX: &str = include_str!("../geographie/codes_postaux.tsv");

/// The portal last made, with the counter of changes it was made at.
#[derive(Debug, Default)]
pub(crate) struct PortailGarde(Mutex<Option<(i64, Arc<Portail>)>>);

/// The portal as the database holds it now.
#[tracing::instrument(skip_all)]
pub async fn lire(store: &Store) -> Result<Arc<Portail>, StoreError> {
    // The counter before the data: what is kept under it is never older than it.
    let generation = store.generation().await?;
    if let Some((lu_a, p)) = store.portail.0.lock().ok().and_then(|g| g.clone())
        && lu_a == generation
    {
        return Ok(p);
    }
    let (portefeuille, geographie) = crate::portefeuille::lu(store, generation).await?;
    let mut tx = store.lecture(&Auteur::ligne_de_commande()).await?;
    let nouveautes = nouveautes(&mut tx).await?;
    let mises_a_jour = mises_a_jour(&mut tx).await?;
    tx.commit().await?;
    let portail = Arc::new(Portail::new(
        &portefeuille,
        codes_postaux(&geographie),
        nouveautes,
        mises_a_jour,
    ));
    if let Ok(mut garde) = store.portail.0.lock() {
        *garde = Some((generation, Arc::clone(&portail)));
    }
    Ok(portail)
}

/// The shipped postal codes, each commune named as the geography knows it (an
/// arrondissement's code gives its commune); a commune the geography no longer holds is left
/// out.
fn codes_postaux(geographie: &GeographieLue) -> CodesPostaux {
    CodesPostaux::new(CODES_POSTAUX.lines().skip(1).filter_map(|ligne| {
        let (code, commune) = ligne.split_once('\t')?;
        Some((code.to_owned(), geographie.commune(commune)?))
    }))
}

/// When each published contract last changed: its own facts' last change, or the last one its
/// history records (a fiche-action's progress, a meeting added…), whichever is later.
async fn mises_a_jour(conn: &mut AnyConnection) -> Result<HashMap<IdContrat, i64>, StoreError> {
    let mut dates = HashMap::new();
    for r in sqlx::query(
        "SELECT c.id, c.modifie_le,
                (SELECT MAX(h.horodatage) FROM historique h WHERE h.contrat_id = c.id) AS dernier
         FROM contrat c WHERE c.publie = 1",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let Ok(id) = IdContrat::parse(&text(&r, "id")?) else {
            continue;
        };
        let modifie_le = time::OffsetDateTime::parse(
            &text(&r, "modifie_le")?,
            &time::format_description::well_known::Rfc3339,
        )
        .map_or(0, time::OffsetDateTime::unix_timestamp);
        let dernier = opt_int(&r, "dernier")?.unwrap_or(0);
        dates.insert(id, modifie_le.max(dernier));
    }
    Ok(dates)
}

/// The dated achievements, meetings and signatures of the published contracts.
async fn nouveautes(conn: &mut AnyConnection) -> Result<Vec<Nouveaute>, StoreError> {
    let requetes = [
        (
            Quoi::Realisation,
            "SELECT c.id, c.nom, r.titre AS titre, r.date AS date
             FROM realisation r JOIN contrat c ON c.id = r.contrat_id
             WHERE c.publie = 1 AND r.date IS NOT NULL",
        ),
        (
            Quoi::Reunion,
            "SELECT c.id, c.nom, i.nom AS titre, r.date AS date
             FROM reunion r JOIN instance i ON i.id = r.instance_id
             JOIN contrat c ON c.id = i.contrat_id
             WHERE c.publie = 1",
        ),
        (
            Quoi::Signature,
            "SELECT id, nom, signature_lieu AS titre, signature_date AS date
             FROM contrat WHERE publie = 1 AND signature_date IS NOT NULL",
        ),
    ];
    let mut nouveautes = Vec::new();
    for (quoi, sql) in requetes {
        for r in sqlx::query(sql).fetch_all(&mut *conn).await? {
            let (Some(date), Ok(contrat)) = (
                opt_text(&r, "date")?.and_then(|d| DatePartielle::parse(&d).ok()),
                IdContrat::parse(&text(&r, "id")?),
            ) else {
                continue;
            };
            nouveautes.push(Nouveaute {
                date,
                quoi,
                contrat,
                nom_contrat: text(&r, "nom")?,
                titre: opt_text(&r, "titre")?.unwrap_or_default(),
            });
        }
    }
    Ok(nouveautes)
}
