//! Reminders by e-mail, from the contracts to the outbox and out of it.
//!
//! [`planifier`] reads every contract not closed, asks the domain what it calls for that day
//! ([`pilote_domain::rappel`]) and queues one message per reason and address in
//! `courriel_sortant`, whose key is that pair: whatever the restarts and the instances, a
//! reason is queued once for an address. [`a_envoyer`] then claims the messages due, each by
//! one instance only; [`envoye`] marks one sent and journals it, [`echoue`] puts it back with a
//! growing delay, and past [`TENTATIVES`] leaves it failed for the administrator, who sees the
//! queue ([`file`]) and sends a message again ([`renvoyer`]). A message claimed and never
//! marked (a server stopped during the delivery) is not sent again on its own: it may have
//! gone; the administrator sees it « interrompu ».

use std::collections::{BTreeMap, BTreeSet, HashSet};

use pilote_domain::autorisation::{Acteur, Operation, Role};
use pilote_domain::compte::Email;
use pilote_domain::jeton::Jeton;
use pilote_domain::rappel::{self, Destinataires, Modification, Reglage};
use pilote_domain::{DatePartielle, IdContrat};
use serde::Serialize;
use sqlx::{AnyConnection, Connection};

use crate::contrat::autoriser;
use crate::journal::{self, Auteur};
use crate::ligne::{flag, int, narrow, opt_int, opt_parse, opt_text, parse, text};
use crate::{Backend, Store, StoreError, horloge};

/// How many times a message is tried before it is left failed.
pub const TENTATIVES: i64 = 5;
/// The delay before the second try, in seconds; it doubles at each failure.
const PREMIER_DELAI: i64 = 300;
/// After how long a message claimed and not marked counts as interrupted, in seconds.
const INTERRUPTION: i64 = 600;
/// How far back a run looks for what is queued already, in seconds: beyond the life of every
/// reason but a missed deadline recalled once (a year and a month).
const DEJA_VUS: i64 = 400 * 86_400;
/// How many messages one claim takes.
const PAR_LOT: i64 = 20;
/// The PostgreSQL advisory lock one instance at a time plans and sends under.
const VERROU_RAPPELS: i64 = 0x7261_7070_656c;

/// Pilote reading the contracts to remind their people: every contract, for row-level
/// security; its reads are no person's and are not journaled.
fn lecteur() -> Auteur {
    Auteur {
        acteur: Acteur {
            roles: vec![Role::Administrateur],
        },
        ..Auteur::systeme()
    }
}

/// Where a queued message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Etat {
    AEnvoyer,
    EnCours,
    Envoye,
    Echec,
}

impl Etat {
    fn code(self) -> &'static str {
        match self {
            Etat::AEnvoyer => "a-envoyer",
            Etat::EnCours => "en-cours",
            Etat::Envoye => "envoye",
            Etat::Echec => "echec",
        }
    }

    fn parse(code: &str) -> Result<Self, StoreError> {
        [Etat::AEnvoyer, Etat::EnCours, Etat::Envoye, Etat::Echec]
            .into_iter()
            .find(|e| e.code() == code)
            .ok_or_else(|| StoreError::Corrupt(format!("état de courriel « {code} »")))
    }
}

/// A message of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sortant {
    pub cle: String,
    pub destinataire: String,
    pub contrat: Option<IdContrat>,
    pub sujet: String,
    pub corps: String,
    pub etat: Etat,
    pub tentatives: i64,
    /// Unix seconds: when it is tried next; for one being sent, when it was claimed.
    pub prochain_essai: i64,
    pub derniere_erreur: Option<String>,
    pub cree_le: i64,
    pub envoye_le: Option<i64>,
}

impl Sortant {
    /// Claimed by an instance that never said how the delivery went.
    pub fn interrompu(&self, maintenant: i64) -> bool {
        self.etat == Etat::EnCours && self.prochain_essai < maintenant - INTERRUPTION
    }
}

fn sortant(r: &sqlx::any::AnyRow) -> Result<Sortant, StoreError> {
    Ok(Sortant {
        cle: text(r, "cle")?,
        destinataire: text(r, "destinataire")?,
        contrat: opt_parse(r, "contrat_id")?,
        sujet: text(r, "sujet")?,
        corps: text(r, "corps")?,
        etat: Etat::parse(&text(r, "etat")?)?,
        tentatives: int(r, "tentatives")?,
        prochain_essai: int(r, "prochain_essai")?,
        derniere_erreur: opt_text(r, "derniere_erreur")?,
        cree_le: int(r, "cree_le")?,
        envoye_le: opt_int(r, "envoye_le")?,
    })
}

/// The contract's settings, the defaults when it has none.
async fn reglage_de(conn: &mut AnyConnection, id: &IdContrat) -> Result<Reglage, StoreError> {
    let Some(r) = sqlx::query(
        "SELECT actif, jours_avant, relance_jours, resume_hebdomadaire FROM reglage_rappels
         WHERE contrat_id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(conn)
    .await?
    else {
        return Ok(Reglage::default());
    };
    Ok(Reglage {
        actif: flag(&r, "actif")?,
        jours_avant: narrow(int(&r, "jours_avant")?, "jours_avant")?,
        relance_jours: narrow(int(&r, "relance_jours")?, "relance_jours")?,
        resume_hebdomadaire: flag(&r, "resume_hebdomadaire")?,
    })
}

/// Contract `id`'s reminder settings, for who reads the whole contract.
pub async fn reglage(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
) -> Result<Reglage, StoreError> {
    let mut tx = store.lecture(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::LireTout).await?;
    let reglage = reglage_de(&mut tx, id).await?;
    tx.commit().await?;
    Ok(reglage)
}

/// Sets contract `id`'s reminders, for who may change it. Journaled.
pub async fn regler(
    store: &Store,
    auteur: &Auteur,
    id: &IdContrat,
    reglage: &Reglage,
) -> Result<(), StoreError> {
    let (min, max) = Reglage::JOURS_AVANT;
    if !(min..=max).contains(&reglage.jours_avant) {
        return Err(StoreError::Invalid(format!(
            "le délai d'annonce doit être de {min} à {max} jours"
        )));
    }
    relance_admise(reglage.relance_jours)?;
    let mut tx = store.ecriture(auteur).await?;
    autoriser(&mut tx, auteur, id, &Operation::Modifier).await?;
    sqlx::query(
        "INSERT INTO reglage_rappels (contrat_id, actif, jours_avant, relance_jours,
            resume_hebdomadaire, modifie_le)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (contrat_id) DO UPDATE SET actif = excluded.actif,
            jours_avant = excluded.jours_avant, relance_jours = excluded.relance_jours,
            resume_hebdomadaire = excluded.resume_hebdomadaire, modifie_le = excluded.modifie_le",
    )
    .bind(id.as_str())
    .bind(i64::from(reglage.actif))
    .bind(i64::from(reglage.jours_avant))
    .bind(i64::from(reglage.relance_jours))
    .bind(i64::from(reglage.resume_hebdomadaire))
    .bind(horloge())
    .execute(&mut *tx)
    .await?;
    let detail = format!(
        "rappels {} ; annoncés {} jours avant ; relance {} ; résumé hebdomadaire {}",
        if reglage.actif { "actifs" } else { "arrêtés" },
        reglage.jours_avant,
        relance_en_mots(reglage.relance_jours),
        if reglage.resume_hebdomadaire {
            "oui"
        } else {
            "non"
        },
    );
    journal::ecrire(
        &mut tx,
        auteur,
        "modification",
        &format!("contrat {id}, rappels"),
        Some(&detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Refuses a recall frequency past [`Reglage::RELANCE_MAX`], a contract's or a person's.
fn relance_admise(jours: u16) -> Result<(), StoreError> {
    if jours > Reglage::RELANCE_MAX {
        return Err(StoreError::Invalid(format!(
            "une échéance dépassée se rappelle au plus tous les {} jours",
            Reglage::RELANCE_MAX
        )));
    }
    Ok(())
}

/// How often a missed deadline is recalled, in words.
pub fn relance_en_mots(jours: u16) -> String {
    match jours {
        0 => "une seule fois".to_owned(),
        1 => "chaque jour".to_owned(),
        7 => "chaque semaine".to_owned(),
        j => format!("tous les {j} jours"),
    }
}

/// A person's reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Abonnement {
    pub actif: bool,
    /// How often a missed deadline is recalled to them, in days; none: as each contract says.
    pub relance_jours: Option<u16>,
}

impl Default for Abonnement {
    fn default() -> Self {
        Self {
            actif: true,
            relance_jours: None,
        }
    }
}

/// The reminders of the account `auteur` is signed in with.
pub async fn abonnement(store: &Store, auteur: &Auteur) -> Result<Abonnement, StoreError> {
    let compte = auteur.compte.ok_or_else(crate::compte::sans_compte)?;
    let Some(r) = sqlx::query(
        "SELECT actif, relance_jours FROM abonnement_rappels WHERE utilisateur_id = $1",
    )
    .bind(compte)
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(Abonnement::default());
    };
    Ok(Abonnement {
        actif: flag(&r, "actif")?,
        relance_jours: opt_int(&r, "relance_jours")?
            .map(|j| narrow(j, "relance_jours"))
            .transpose()?,
    })
}

/// Writes `compte`'s reminders, its unsubscribe token made if it has none.
async fn ecrire_abonnement(
    conn: &mut AnyConnection,
    compte: i64,
    abonnement: &Abonnement,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO abonnement_rappels (utilisateur_id, jeton, actif, relance_jours, modifie_le)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (utilisateur_id) DO UPDATE SET actif = excluded.actif,
            relance_jours = excluded.relance_jours, modifie_le = excluded.modifie_le",
    )
    .bind(compte)
    .bind(Jeton::nouveau().as_str().to_owned())
    .bind(i64::from(abonnement.actif))
    .bind(abonnement.relance_jours.map(i64::from))
    .bind(horloge())
    .execute(conn)
    .await?;
    Ok(())
}

/// What `abonnement` says, in words, for the journal.
fn abonnement_en_mots(abonnement: &Abonnement) -> String {
    match (abonnement.actif, abonnement.relance_jours) {
        (false, _) => "rappels arrêtés".to_owned(),
        (true, None) => "rappels reçus ; relance selon chaque contrat".to_owned(),
        (true, Some(j)) => format!("rappels reçus ; relance {}", relance_en_mots(j)),
    }
}

/// Sets the reminders of the account `auteur` is signed in with. Journaled.
pub async fn abonner(
    store: &Store,
    auteur: &Auteur,
    abonnement: &Abonnement,
) -> Result<(), StoreError> {
    let compte = auteur.compte.ok_or_else(crate::compte::sans_compte)?;
    if let Some(jours) = abonnement.relance_jours {
        relance_admise(jours)?;
    }
    let mut tx = store.transaction_ecriture().await?;
    ecrire_abonnement(&mut tx, compte, abonnement).await?;
    journal::ecrire(
        &mut tx,
        auteur,
        "modification",
        &format!("rappels de {}", auteur.qui),
        Some(&abonnement_en_mots(abonnement)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The address an unsubscribe token stands for, and whether it still receives reminders;
/// none for a token unknown.
pub async fn par_jeton(store: &Store, jeton: &str) -> Result<Option<(Email, bool)>, StoreError> {
    let Some(r) = sqlx::query(
        "SELECT u.email, a.actif FROM abonnement_rappels a
         JOIN utilisateur u ON u.id = a.utilisateur_id WHERE a.jeton = $1",
    )
    .bind(jeton)
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some((parse(&r, "email")?, flag(&r, "actif")?)))
}

/// Stops every reminder to the address unsubscribe token `jeton` stands for; returns it.
/// Journaled under that address.
pub async fn desinscrire(store: &Store, jeton: &str, origine: &str) -> Result<Email, StoreError> {
    let mut tx = store.transaction_ecriture().await?;
    let r = sqlx::query(
        "SELECT a.utilisateur_id, u.email FROM abonnement_rappels a
         JOIN utilisateur u ON u.id = a.utilisateur_id WHERE a.jeton = $1",
    )
    .bind(jeton)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        StoreError::NotFound(
            "ce lien de désinscription n'existe pas : copiez-le en entier depuis le courriel"
                .to_owned(),
        )
    })?;
    let email: Email = parse(&r, "email")?;
    sqlx::query(
        "UPDATE abonnement_rappels SET actif = 0, modifie_le = $1 WHERE utilisateur_id = $2",
    )
    .bind(horloge())
    .bind(int(&r, "utilisateur_id")?)
    .execute(&mut *tx)
    .await?;
    let auteur = Auteur {
        acteur: Acteur::public(),
        compte: Some(int(&r, "utilisateur_id")?),
        qui: email.to_string(),
        origine: origine.to_owned(),
    };
    journal::ecrire(
        &mut tx,
        &auteur,
        "modification",
        &format!("rappels de {email}"),
        Some("désinscription par le lien d'un courriel"),
    )
    .await?;
    tx.commit().await?;
    Ok(email)
}

/// A person holding a role on a contract, as reminders reach them.
struct Personne {
    email: String,
    jeton: Option<String>,
    actif: bool,
    relance_jours: Option<u16>,
    coordinateur: bool,
    /// The numbers of the fiches-actions they pilot.
    fiches: BTreeSet<String>,
}

/// The people of every contract, by contract: active accounts holding a role on it.
async fn personnes(
    conn: &mut AnyConnection,
) -> Result<BTreeMap<String, BTreeMap<i64, Personne>>, StoreError> {
    let mut par_contrat: BTreeMap<String, BTreeMap<i64, Personne>> = BTreeMap::new();
    for r in sqlx::query(
        "SELECT a.contrat_id, a.utilisateur_id, a.role, a.fiche, u.email, b.jeton, b.actif,
                b.relance_jours
         FROM attribution_lue a JOIN utilisateur u ON u.id = a.utilisateur_id
         LEFT JOIN abonnement_rappels b ON b.utilisateur_id = a.utilisateur_id
         WHERE a.contrat_id IS NOT NULL AND u.desactive_le IS NULL",
    )
    .fetch_all(conn)
    .await?
    {
        let personne = par_contrat
            .entry(text(&r, "contrat_id")?)
            .or_default()
            .entry(int(&r, "utilisateur_id")?)
            .or_insert(Personne {
                email: text(&r, "email")?,
                jeton: opt_text(&r, "jeton")?,
                actif: opt_int(&r, "actif")?.is_none_or(|a| a != 0),
                relance_jours: opt_int(&r, "relance_jours")?
                    .map(|j| narrow(j, "relance_jours"))
                    .transpose()?,
                coordinateur: false,
                fiches: BTreeSet::new(),
            });
        match text(&r, "role")?.as_str() {
            "coordinateur" => personne.coordinateur = true,
            "pilote" => {
                if let Some(fiche) = opt_text(&r, "fiche")? {
                    personne.fiches.insert(fiche);
                }
            }
            _ => {}
        }
    }
    Ok(par_contrat)
}

/// The changes of the seven days before `maintenant` in contract `id`'s history.
async fn semaine(
    conn: &mut AnyConnection,
    id: &str,
    maintenant: i64,
) -> Result<Vec<Modification>, StoreError> {
    sqlx::query(
        "SELECT qui, champ FROM historique WHERE contrat_id = $1 AND horodatage >= $2 ORDER BY id",
    )
    .bind(id)
    .bind(maintenant - 7 * 86_400)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Modification {
            qui: text(r, "qui")?,
            champ: text(r, "champ")?,
        })
    })
    .collect()
}

/// A message planned: to whom, about what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prevu {
    pub cle: String,
    pub destinataire: String,
    pub contrat: IdContrat,
    pub sujet: String,
    pub corps: String,
}

/// Gives an unsubscribe token to every person of a contract who has none, so that every
/// message carries one.
async fn donner_les_jetons(store: &Store) -> Result<(), StoreError> {
    let sans: Vec<i64> = sqlx::query(
        "SELECT DISTINCT a.utilisateur_id FROM attribution a
         LEFT JOIN abonnement_rappels b ON b.utilisateur_id = a.utilisateur_id
         WHERE a.contrat_id IS NOT NULL AND b.utilisateur_id IS NULL",
    )
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| int(r, "utilisateur_id"))
    .collect::<Result<_, _>>()?;
    if sans.is_empty() {
        return Ok(());
    }
    let mut tx = store.transaction_ecriture().await?;
    for compte in sans {
        sqlx::query(
            "INSERT INTO abonnement_rappels (utilisateur_id, jeton, actif, modifie_le)
             VALUES ($1, $2, 1, $3) ON CONFLICT (utilisateur_id) DO NOTHING",
        )
        .bind(compte)
        .bind(Jeton::nouveau().as_str().to_owned())
        .bind(horloge())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The messages the contracts call for on `aujourdhui` and not yet queued: each contract's
/// reminders ([`rappel::dus`]) and the coordination's digest ([`rappel::resume`]), each to the
/// people it is for who still receive reminders, under the key their recall frequency gives,
/// once per key and address. `url` is the site's public address, for the links.
pub async fn prevoir(
    store: &Store,
    aujourdhui: DatePartielle,
    url: &str,
) -> Result<Vec<Prevu>, StoreError> {
    donner_les_jetons(store).await?;
    let maintenant = horloge();
    let mut tx = store.lecture(&lecteur()).await?;
    let ids: Vec<String> =
        sqlx::query("SELECT id FROM contrat WHERE statut IS NULL OR statut <> 'clos' ORDER BY id")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| text(r, "id"))
            .collect::<Result<_, _>>()?;
    let mut personnes = personnes(&mut tx).await?;
    // What was queued in the last reasons' lifetime, not to queue it again; an older reason
    // coming back is still refused by the queue's key.
    let deja: HashSet<(String, String)> =
        sqlx::query("SELECT cle, destinataire FROM courriel_sortant WHERE cree_le >= $1")
            .bind(maintenant - DEJA_VUS)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((text(r, "cle")?, text(r, "destinataire")?)))
            .collect::<Result<_, StoreError>>()?;
    let mut prevus = Vec::new();
    let mut vus = HashSet::new();
    for id in ids {
        let Some(gens) = personnes.remove(&id) else {
            continue;
        };
        let id: IdContrat = id
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("{e}")))?;
        let (contrat, _) = crate::contrat::lecture::contrat(&mut tx, &id).await?;
        let reglage = reglage_de(&mut tx, &id).await?;
        let modifications = semaine(&mut tx, id.as_str(), maintenant).await?;
        let rappels = rappel::dus(&contrat, aujourdhui, &reglage)
            .into_iter()
            .chain(rappel::resume(
                &contrat,
                aujourdhui,
                &reglage,
                &modifications,
            ));
        for r in rappels {
            for p in gens.values().filter(|p| p.actif) {
                let pour_lui = match &r.destinataires {
                    Destinataires::Pilotes(fiche) => p.fiches.contains(fiche),
                    Destinataires::Coordination => p.coordinateur,
                    Destinataires::Equipe => true,
                };
                let Some(jeton) = p.jeton.as_deref().filter(|_| pour_lui) else {
                    continue;
                };
                let cle = r.cle(p.relance_jours.unwrap_or(reglage.relance_jours));
                let paire = (cle, p.email.clone());
                if deja.contains(&paire) || !vus.insert(paire.clone()) {
                    continue;
                }
                prevus.push(Prevu {
                    cle: paire.0,
                    destinataire: paire.1,
                    contrat: id.clone(),
                    sujet: r.sujet.clone(),
                    corps: r.corps(&contrat.nom, url, jeton),
                });
            }
        }
    }
    tx.commit().await?;
    Ok(prevus)
}

/// Queues `prevus`; returns how many were queued (one queued meanwhile, by another instance,
/// is not queued again).
pub async fn mettre_en_file(store: &Store, prevus: &[Prevu]) -> Result<u64, StoreError> {
    let maintenant = horloge();
    let mut mis = 0;
    for lot in prevus.chunks(500) {
        let mut tx = store.transaction_ecriture().await?;
        for p in lot {
            mis += sqlx::query(
                "INSERT INTO courriel_sortant (cle, destinataire, contrat_id, sujet, corps, etat,
                    tentatives, prochain_essai, cree_le)
                 VALUES ($1, $2, $3, $4, $5, 'a-envoyer', 0, $6, $6)
                 ON CONFLICT (cle, destinataire) DO NOTHING",
            )
            .bind(&p.cle)
            .bind(&p.destinataire)
            .bind(p.contrat.as_str())
            .bind(&p.sujet)
            .bind(&p.corps)
            .bind(maintenant)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
    }
    Ok(mis)
}

/// Claims up to [`PAR_LOT`] messages due: each is this caller's to send, and no other's.
pub async fn a_envoyer(store: &Store) -> Result<Vec<Sortant>, StoreError> {
    let maintenant = horloge();
    let mut tx = store.transaction_ecriture().await?;
    let dus: Vec<Sortant> = sqlx::query(
        "SELECT * FROM courriel_sortant WHERE etat = 'a-envoyer' AND prochain_essai <= $1
         ORDER BY prochain_essai, cle LIMIT $2",
    )
    .bind(maintenant)
    .bind(PAR_LOT)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(sortant)
    .collect::<Result<_, _>>()?;
    let mut pris = Vec::with_capacity(dus.len());
    for mut s in dus {
        // On PostgreSQL another instance may have claimed it since the read: the update then
        // finds it no longer to send.
        let claim = sqlx::query(
            "UPDATE courriel_sortant SET etat = 'en-cours', tentatives = tentatives + 1,
                prochain_essai = $1
             WHERE cle = $2 AND destinataire = $3 AND etat = 'a-envoyer'",
        )
        .bind(maintenant)
        .bind(&s.cle)
        .bind(&s.destinataire)
        .execute(&mut *tx)
        .await?;
        if claim.rows_affected() == 1 {
            s.etat = Etat::EnCours;
            s.tentatives += 1;
            s.prochain_essai = maintenant;
            pris.push(s);
        }
    }
    tx.commit().await?;
    Ok(pris)
}

/// Marks `sortant` sent, and journals it.
pub async fn envoye(store: &Store, sortant: &Sortant) -> Result<(), StoreError> {
    let mut tx = store.transaction_ecriture().await?;
    sqlx::query(
        "UPDATE courriel_sortant SET etat = 'envoye', envoye_le = $1, derniere_erreur = NULL
         WHERE cle = $2 AND destinataire = $3",
    )
    .bind(horloge())
    .bind(&sortant.cle)
    .bind(&sortant.destinataire)
    .execute(&mut *tx)
    .await?;
    let objet = match &sortant.contrat {
        Some(c) => format!("contrat {c}, {}", sortant.sujet),
        None => sortant.sujet.clone(),
    };
    let detail = format!("à {} ({})", sortant.destinataire, sortant.cle);
    journal::ecrire(
        &mut tx,
        &Auteur::systeme(),
        journal::RAPPEL,
        &objet,
        Some(&detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Puts `sortant`, refused with `erreur`, back in the queue for later (five minutes, then
/// twice as long at each failure), or leaves it failed after [`TENTATIVES`]; returns its state.
pub async fn echoue(store: &Store, sortant: &Sortant, erreur: &str) -> Result<Etat, StoreError> {
    let etat = if sortant.tentatives >= TENTATIVES {
        Etat::Echec
    } else {
        Etat::AEnvoyer
    };
    let delai = PREMIER_DELAI << (sortant.tentatives - 1).clamp(0, 16);
    sqlx::query(
        "UPDATE courriel_sortant SET etat = $1, prochain_essai = $2, derniere_erreur = $3
         WHERE cle = $4 AND destinataire = $5",
    )
    .bind(etat.code())
    .bind(horloge() + delai)
    .bind(erreur)
    .bind(&sortant.cle)
    .bind(&sortant.destinataire)
    .execute(store.ecrivain())
    .await?;
    Ok(etat)
}

/// Refuses who is not an administrator.
fn administrateur(auteur: &Auteur) -> Result<(), StoreError> {
    if auteur.acteur.roles.contains(&Role::Administrateur) {
        Ok(())
    } else {
        Err(StoreError::Refuse(
            "seuls les administrateurs voient la file des courriels".to_owned(),
        ))
    }
}

/// The outbox as the administrator reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct File {
    /// Messages not sent: waiting, being sent (or interrupted), failed; the oldest first.
    pub en_attente: Vec<Sortant>,
    /// How many were sent in the last thirty days.
    pub envoyes_30_jours: i64,
}

/// The outbox, for an administrator.
pub async fn file(store: &Store, auteur: &Auteur) -> Result<File, StoreError> {
    administrateur(auteur)?;
    let mut conn = store.pool().acquire().await?;
    let en_attente = sqlx::query(
        "SELECT * FROM courriel_sortant WHERE etat <> 'envoye' ORDER BY cree_le, cle LIMIT 500",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(sortant)
    .collect::<Result<_, _>>()?;
    let envoyes_30_jours = int(
        &sqlx::query(
            "SELECT COUNT(*) AS n FROM courriel_sortant WHERE etat = 'envoye' AND envoye_le >= $1",
        )
        .bind(horloge() - 30 * 86_400)
        .fetch_one(&mut *conn)
        .await?,
        "n",
    )?;
    Ok(File {
        en_attente,
        envoyes_30_jours,
    })
}

/// Queues again a message failed or interrupted, for its next delivery, by an administrator.
/// Journaled.
pub async fn renvoyer(
    store: &Store,
    auteur: &Auteur,
    cle: &str,
    destinataire: &str,
) -> Result<(), StoreError> {
    administrateur(auteur)?;
    let maintenant = horloge();
    let mut tx = store.transaction_ecriture().await?;
    let remis = sqlx::query(
        "UPDATE courriel_sortant SET etat = 'a-envoyer', tentatives = 0, prochain_essai = $1
         WHERE cle = $2 AND destinataire = $3
           AND (etat = 'echec' OR (etat = 'en-cours' AND prochain_essai < $4))",
    )
    .bind(maintenant)
    .bind(cle)
    .bind(destinataire)
    .bind(maintenant - INTERRUPTION)
    .execute(&mut *tx)
    .await?;
    if remis.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "le courriel « {cle} » à {destinataire} n'est ni en échec ni interrompu : il est \
             envoyé, ou en cours d'envoi"
        )));
    }
    journal::ecrire(
        &mut tx,
        auteur,
        "modification",
        &format!("courriel {cle}"),
        Some(&format!("renvoyé à {destinataire}")),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The right to plan and send reminders, held by one instance at a time on PostgreSQL (an
/// advisory lock held by a connection of its own, outside the pools, released when it closes);
/// on SQLite every instance holds it, the queue's keys and claims keeping each message to one
/// sending.
pub struct Verrou(Option<AnyConnection>);

impl Verrou {
    /// Takes the lock, or answers `None` when another instance holds it.
    pub async fn prendre(store: &Store) -> Result<Option<Self>, StoreError> {
        if store.backend() == Backend::Sqlite {
            return Ok(Some(Self(None)));
        }
        let mut conn = store.connexion_a_part().await?;
        let pris = flag(
            &sqlx::query("SELECT CASE WHEN pg_try_advisory_lock($1) THEN 1 ELSE 0 END AS pris")
                .bind(VERROU_RAPPELS)
                .fetch_one(&mut conn)
                .await?,
            "pris",
        )?;
        Ok(pris.then(|| Self(Some(conn))))
    }

    /// Releases the lock, closing its connection.
    pub async fn rendre(self) -> Result<(), StoreError> {
        if let Some(conn) = self.0 {
            conn.close().await?;
        }
        Ok(())
    }
}
