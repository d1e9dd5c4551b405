//! The journal: who did what, when, from where. Every change writes its entry inside the
//! transaction of what it records, so that neither exists without the other. Reads of
//! unpublished data are journaled off the request path: their entries go to a [`Tampon`]
//! whose task writes them in batches, so that a read never writes nor waits for a writer;
//! [`Store::close`] writes what is left. Entries older than the retention are purged by
//! `pilote journal purge`.

use pilote_domain::autorisation::{Acteur, Role};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};
use tokio::sync::{mpsc, oneshot};

use crate::ligne::{int, opt_text, text};
use crate::lot::{LOT, Valeur};
use crate::{Store, StoreError};

/// Who acts and from where: what the authorization policy and the journal need of a request.
#[derive(Debug, Clone)]
pub struct Auteur {
    pub acteur: Acteur,
    /// The account, for a signed-in person.
    pub compte: Option<i64>,
    /// How the journal names them: the account's address, or « public ».
    pub qui: String,
    /// Where from: the client's IP address, or « ligne de commande ».
    pub origine: String,
}

impl Auteur {
    /// An anonymous visitor.
    pub fn public(origine: impl Into<String>) -> Self {
        Self {
            acteur: Acteur::public(),
            compte: None,
            qui: "public".to_owned(),
            origine: origine.into(),
        }
    }

    /// Pilote itself, acting on its own (the daily purge of the journal).
    pub fn systeme() -> Self {
        Self {
            acteur: Acteur::public(),
            compte: None,
            qui: "Pilote".to_owned(),
            origine: "serveur".to_owned(),
        }
    }

    /// Whoever runs the `pilote` command on the server, who holds the administrator's rights.
    pub fn ligne_de_commande() -> Self {
        Self {
            acteur: Acteur {
                roles: vec![Role::Administrateur],
            },
            compte: None,
            qui: "administration".to_owned(),
            origine: "ligne de commande".to_owned(),
        }
    }
}

/// One entry, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entree {
    /// Unix seconds.
    pub horodatage: i64,
    pub qui: String,
    pub origine: String,
    pub action: String,
    pub objet: String,
    pub detail: Option<String>,
}

/// Writes an entry in the caller's transaction.
pub(crate) async fn ecrire(
    conn: &mut AnyConnection,
    auteur: &Auteur,
    action: &str,
    objet: &str,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO journal (horodatage, utilisateur_id, qui, origine, action, objet, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(crate::horloge())
    .bind(auteur.compte)
    .bind(&auteur.qui)
    .bind(&auteur.origine)
    .bind(action)
    .bind(objet)
    .bind(detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// An entry waiting in the [`Tampon`].
#[derive(Debug)]
struct EnAttente {
    horodatage: i64,
    compte: Option<i64>,
    qui: String,
    origine: String,
    action: &'static str,
    objet: String,
    detail: Option<String>,
}

enum Message {
    Entree(EnAttente),
    /// Answered once every entry sent before it is written.
    Vider(oneshot::Sender<()>),
}

/// The journal entries of reads, written in batches by a task of their own.
#[derive(Debug, Clone)]
pub(crate) struct Tampon {
    envoi: mpsc::UnboundedSender<Message>,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Message::Entree(e) => f.debug_tuple("Entree").field(e).finish(),
            Message::Vider(_) => f.write_str("Vider"),
        }
    }
}

impl Tampon {
    /// Starts the task that writes the entries through `pool`; it ends once every handle is
    /// dropped and what was sent is written.
    pub(crate) fn demarrer(pool: AnyPool) -> Self {
        let (envoi, mut reception) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            let mut lot = Vec::new();
            let mut attentes = Vec::new();
            while let Some(message) = reception.recv().await {
                let mut suivant = Some(message);
                while let Some(message) = suivant {
                    match message {
                        Message::Entree(e) => lot.push(e),
                        Message::Vider(fait) => attentes.push(fait),
                    }
                    // One statement per batch: a batch tried again is never half-written.
                    suivant = (lot.len() < LOT)
                        .then(|| reception.try_recv().ok())
                        .flatten();
                }
                ecrire_lot(&pool, &mut lot).await;
                for fait in attentes.drain(..) {
                    let _ = fait.send(());
                }
            }
        });
        Self { envoi }
    }

    /// Journals a read by `auteur`, to be written shortly.
    pub(crate) fn consigner(&self, auteur: &Auteur, objet: String, detail: Option<String>) {
        self.consigner_action(auteur, LECTURE, objet, detail);
    }

    /// Journals `action` by `auteur`, to be written shortly: a read, or what is journaled off
    /// any transaction (a refusal, a failed sign-in).
    pub(crate) fn consigner_action(
        &self,
        auteur: &Auteur,
        action: &'static str,
        objet: String,
        detail: Option<String>,
    ) {
        let entree = EnAttente {
            horodatage: crate::horloge(),
            compte: auteur.compte,
            qui: auteur.qui.clone(),
            origine: auteur.origine.clone(),
            action,
            objet,
            detail,
        };
        if self.envoi.send(Message::Entree(entree)).is_err() {
            tracing::error!("journal des lectures arrêté : une entrée n'a pas été écrite");
        }
    }

    /// Waits until every entry sent so far is written.
    pub(crate) async fn vider(&self) {
        let (fait, attente) = oneshot::channel();
        if self.envoi.send(Message::Vider(fait)).is_ok() {
            let _ = attente.await;
        }
    }
}

/// Writes `lot` in one statement (it holds at most [`LOT`] entries), trying again a few times
/// if the database refuses (busy, restarting); the batch is emptied in every case, a final
/// failure being logged with its count.
async fn ecrire_lot(pool: &AnyPool, lot: &mut Vec<EnAttente>) {
    if lot.is_empty() {
        return;
    }
    let mut essai = 0;
    loop {
        let ecriture = async {
            let mut conn = pool.acquire().await?;
            crate::lot::inserer(
                &mut conn,
                "journal (horodatage, utilisateur_id, qui, origine, action, objet, detail)",
                "",
                lot,
                |e| {
                    vec![
                        Valeur::Entier(Some(e.horodatage)),
                        Valeur::Entier(e.compte),
                        Valeur::Texte(Some(e.qui.clone())),
                        Valeur::Texte(Some(e.origine.clone())),
                        Valeur::Texte(Some(e.action.to_owned())),
                        Valeur::Texte(Some(e.objet.clone())),
                        Valeur::Texte(e.detail.clone()),
                    ]
                },
            )
            .await
        };
        match ecriture.await {
            Ok(()) => break,
            Err(e) if essai < 5 => {
                essai += 1;
                tracing::warn!(erreur = %e, essai, "journal des lectures : nouvel essai");
                tokio::time::sleep(std::time::Duration::from_millis(50 << essai)).await;
            }
            Err(e) => {
                tracing::error!(erreur = %e, entrees = lot.len(), "journal des lectures : entrées perdues");
                break;
            }
        }
    }
    lot.clear();
}

/// The latest entries, newest first, the reads still waiting included (the command line).
pub async fn dernieres(store: &Store, nombre: u32) -> Result<Vec<Entree>, StoreError> {
    Ok(chercher(store, &Filtre::default(), nombre)
        .await?
        .into_iter()
        .map(|(_, e)| e)
        .collect())
}

/// How long the journal is kept by default, in months of 30 days (the CNIL recommends six
/// months to a year).
pub const CONSERVATION_MOIS: u32 = 12;

/// The action of a read of unpublished data.
const LECTURE: &str = "lecture";
/// The action of a request refused to a signed-in person.
pub(crate) const REFUS: &str = "refus";
/// The actions of signing in and out.
const CONNEXIONS: [&str; 4] = [
    "connexion",
    "déconnexion",
    "échec de connexion",
    "connexion bloquée",
];
/// The action of a reminder sent by e-mail.
pub(crate) const RAPPEL: &str = "rappel";
/// The action of a purge of the journal.
const PURGE: &str = "purge";

/// The kinds of entries the journal is read by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Genre {
    /// A read of unpublished data.
    Lecture,
    /// A change: to a contract, an account, the directory, the reference data…
    Modification,
    /// Signing in or out, a failed attempt.
    Connexion,
    /// A request refused to a signed-in person.
    Refus,
    /// A reminder sent by e-mail.
    Rappel,
}

impl Genre {
    pub const TOUS: [Genre; 5] = [
        Genre::Lecture,
        Genre::Modification,
        Genre::Connexion,
        Genre::Refus,
        Genre::Rappel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Genre::Lecture => LECTURE,
            Genre::Modification => "modification",
            Genre::Connexion => "connexion",
            Genre::Refus => REFUS,
            Genre::Rappel => RAPPEL,
        }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            Genre::Lecture => "Lecture de données non publiées",
            Genre::Modification => "Modification",
            Genre::Connexion => "Connexion",
            Genre::Refus => "Refus",
            Genre::Rappel => "Rappel envoyé",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::TOUS.into_iter().find(|g| g.code() == code)
    }

    /// The kind of an entry of `action`.
    pub fn de(action: &str) -> Self {
        match action {
            LECTURE => Genre::Lecture,
            REFUS => Genre::Refus,
            RAPPEL => Genre::Rappel,
            a if CONNEXIONS.contains(&a) => Genre::Connexion,
            _ => Genre::Modification,
        }
    }
}

/// What the journal is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filtre {
    /// Part of who acted (an address, « public », « administration »), case aside.
    pub personne: Option<String>,
    /// The contract the entries are about.
    pub contrat: Option<pilote_domain::IdContrat>,
    pub genre: Option<Genre>,
    /// From this moment (Unix seconds), included.
    pub depuis: Option<i64>,
    /// Until this moment, excluded.
    pub jusqu_a: Option<i64>,
    /// The entries older than this one (its id): the next page.
    pub avant: Option<i64>,
    /// The entries of this account's actions (the right of access of the GDPR).
    pub compte: Option<i64>,
}

/// `texte` as a `LIKE` pattern finding it anywhere, its wildcards escaped.
pub(crate) fn motif_like(texte: &str) -> String {
    let echappe = texte
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{echappe}%")
}

/// The entries matching `filtre`, newest first, at most `nombre`, each with its id (for the
/// next page); the reads still waiting are written first.
pub async fn chercher(
    store: &Store,
    filtre: &Filtre,
    nombre: u32,
) -> Result<Vec<(i64, Entree)>, StoreError> {
    store.lectures.vider().await;
    let genre = filtre.genre.map(Genre::code).unwrap_or_default();
    let contrat = filtre
        .contrat
        .as_ref()
        .map(|c| c.as_str().to_owned())
        .unwrap_or_default();
    let personne = filtre
        .personne
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(motif_like)
        .unwrap_or_default();
    let connexions = CONNEXIONS.map(|a| format!("'{a}'")).join(", ");
    let requete = format!(
        "SELECT id, horodatage, qui, origine, action, objet, detail FROM journal
         WHERE ($1 = '' OR ($1 = '{LECTURE}' AND action = '{LECTURE}')
                OR ($1 = '{REFUS}' AND action = '{REFUS}')
                OR ($1 = '{RAPPEL}' AND action = '{RAPPEL}')
                OR ($1 = 'connexion' AND action IN ({connexions}))
                OR ($1 = 'modification'
                    AND action NOT IN ('{LECTURE}', '{REFUS}', '{RAPPEL}', {connexions})))
           AND ($2 = '' OR objet = 'contrat ' || $2 OR objet LIKE 'contrat ' || $2 || ',%'
                OR objet = 'historique du contrat ' || $2)
           AND ($3 = '' OR LOWER(qui) LIKE $3 ESCAPE '\\')
           AND horodatage >= $4 AND horodatage < $5 AND id < $6
           AND ($7 < 0 OR utilisateur_id = $7)
         ORDER BY id DESC LIMIT $8"
    );
    sqlx::query(&requete)
        .bind(genre)
        .bind(contrat)
        .bind(personne)
        .bind(filtre.depuis.unwrap_or(i64::MIN))
        .bind(filtre.jusqu_a.unwrap_or(i64::MAX))
        .bind(filtre.avant.unwrap_or(i64::MAX))
        .bind(filtre.compte.unwrap_or(-1))
        .bind(i64::from(nombre))
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                int(r, "id")?,
                Entree {
                    horodatage: int(r, "horodatage")?,
                    qui: text(r, "qui")?,
                    origine: text(r, "origine")?,
                    action: text(r, "action")?,
                    objet: text(r, "objet")?,
                    detail: opt_text(r, "detail")?,
                },
            ))
        })
        .collect()
}

/// The last purge: when, and what it removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Purge {
    pub horodatage: i64,
    pub detail: Option<String>,
}

/// The last purge of the journal, if any was made.
pub async fn derniere_purge(store: &Store) -> Result<Option<Purge>, StoreError> {
    sqlx::query(&format!(
        "SELECT horodatage, detail FROM journal WHERE action = '{PURGE}'
         ORDER BY id DESC LIMIT 1"
    ))
    .fetch_optional(store.pool())
    .await?
    .map(|r| {
        Ok(Purge {
            horodatage: int(&r, "horodatage")?,
            detail: opt_text(&r, "detail")?,
        })
    })
    .transpose()
}

/// Deletes the entries older than `jours` days, and journals the purge itself (which the
/// journal's page shows); returns how many went.
pub async fn purger(store: &Store, jours: u32) -> Result<u64, StoreError> {
    let limite = crate::horloge() - i64::from(jours) * 86_400;
    let mut tx = store.transaction_ecriture().await?;
    let supprimees = sqlx::query("DELETE FROM journal WHERE horodatage < $1")
        .bind(limite)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let detail = format!("{supprimees} entrée(s) de plus de {jours} jours supprimée(s)");
    ecrire(&mut tx, &Auteur::systeme(), PURGE, "journal", Some(&detail)).await?;
    tx.commit().await?;
    Ok(supprimees)
}
