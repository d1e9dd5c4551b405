//! Backup and restore, on each backend and from one to the other: a round trip gives every
//! table back equal (identity counters included, sessions left out); a backup taken while
//! people write holds every write acknowledged before it began; an archive that is not one,
//! is cut short or altered, and a database that is not empty, are refused with nothing
//! restored.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_domain::fiche_action::{Note, StatutAction};
use pilote_store::connexion::{self, Issue};
use pilote_store::contrat::fiche::suivi::{self, Element};
use pilote_store::contrat::fiche::{self, Avancement};
use pilote_store::import::{self, SiPresent};
use pilote_store::sauvegarde::{self, Bilan, Fichiers, Futur};
use pilote_store::{Store, administration, compte, contrat, demo, invitation, journal, session};

use super::{Base, admin, contrat_complet, id};

/// A document storage in memory.
#[derive(Debug, Default)]
struct Memoire(Mutex<BTreeMap<String, Vec<u8>>>);

impl Memoire {
    fn cles(&self) -> BTreeMap<String, Vec<u8>> {
        self.0.lock().unwrap().clone()
    }
}

impl Fichiers for Memoire {
    fn lire<'a>(&'a self, cle: &'a str) -> Futur<'a, Option<Vec<u8>>> {
        let octets = self.0.lock().unwrap().get(cle).cloned();
        Box::pin(async move { Ok(octets) })
    }

    fn deposer<'a>(&'a self, cle: &'a str, octets: Vec<u8>) -> Futur<'a, ()> {
        self.0.lock().unwrap().insert(cle.to_owned(), octets);
        Box::pin(async { Ok(()) })
    }

    fn supprimer<'a>(&'a self, cle: &'a str) -> Futur<'a, ()> {
        self.0.lock().unwrap().remove(cle);
        Box::pin(async { Ok(()) })
    }
}

#[derive(Debug, Clone, Copy)]
enum Moteur {
    Sqlite,
    Postgres,
}

/// A fresh database, or `None` where PostgreSQL is not configured.
async fn base(moteur: Moteur) -> Option<Base> {
    match moteur {
        Moteur::Sqlite => super::sqlite().await,
        Moteur::Postgres => super::postgres().await,
    }
}

const MDP: &str = "un long mot de passe";

/// Two generations whose identifiers sort the other way round from their order.
const LIGNEE: [&str; 2] = [
    "id = \"zz-essai-2014\"\nnom = \"Essai 2014\"\ngeneration = 1\nperiode = \"2014-2018\"\n\
     territoire = { communes = [\"14118\"] }\n",
    "id = \"aa-essai-2019\"\nnom = \"Essai 2019\"\ngeneration = 2\nprecedent = \"zz-essai-2014\"\n\
     periode = \"2019-2023\"\nterritoire = { communes = [\"14118\"] }\n",
];

/// Fills `store` with a bit of everything: the demo contracts and a complete one, a lineage,
/// accounts and roles, an invitation, changes (history), a removed note (its identifier never
/// to be given again), a session, a failed sign-in, reads in the journal; and the files of
/// the documents in `documents`.
async fn peupler(store: &Store, documents: &Memoire) {
    demo::charger(store).await.unwrap();
    let complet = contrat_complet();
    contrat::creer(store, &complet).await.unwrap();
    let lignee: Vec<_> = LIGNEE
        .iter()
        .enumerate()
        .map(|(i, t)| import::lire(&format!("lignee-{i}.toml"), t).unwrap())
        .collect();
    import::importer(store, &lignee, SiPresent::Refuser)
        .await
        .unwrap();
    for f in complet.toutes_les_fiches() {
        for d in &f.documents {
            documents.0.lock().unwrap().insert(
                d.reference.clone(),
                format!("contenu de {}", d.reference).into_bytes(),
            );
        }
    }
    let marie = Email::parse("marie@caen.fr").unwrap();
    compte::creer(store, &marie, Some("Marie"), MDP, &[Role::Administrateur])
        .await
        .unwrap();
    let paul = Email::parse("paul@caen.fr").unwrap();
    compte::creer(
        store,
        &paul,
        None,
        MDP,
        &[Role::parse("pilote:essai-complet-2020:1.1").unwrap()],
    )
    .await
    .unwrap();
    administration::attribuer_par_adresse(store, &paul, &Role::parse("ars:region:28").unwrap())
        .await
        .unwrap();
    invitation::inviter(
        store,
        &admin(),
        &Email::parse("invitee@caen.fr").unwrap(),
        &Role::parse("pilote:essai-complet-2020:1.2").unwrap(),
    )
    .await
    .unwrap();
    let essai = &complet.id;
    let version = |numero: &'static str| async move {
        fiche::lire(store, &admin(), essai, numero)
            .await
            .unwrap()
            .version
    };
    let avancement = Avancement {
        statut: Some(StatutAction::EnCours),
        pourcentage: Some(40),
    };
    fiche::avancer(
        store,
        &admin(),
        essai,
        "1.1",
        version("1.1").await,
        avancement,
    )
    .await
    .unwrap();
    for texte in ["gardée", "retirée"] {
        let note = Note {
            id: None,
            date: "2025-03-01".parse().unwrap(),
            texte: texte.to_owned(),
            auteur: Some("Marie".to_owned()),
        };
        suivi::ajouter_note(store, &admin(), (essai, "1.2"), version("1.2").await, &note)
            .await
            .unwrap();
    }
    let retiree = fiche::lire(store, &admin(), essai, "1.2")
        .await
        .unwrap()
        .fiche
        .notes
        .iter()
        .find(|n| n.texte == "retirée")
        .and_then(|n| n.id)
        .unwrap();
    suivi::retirer(
        store,
        &admin(),
        (essai, "1.2"),
        version("1.2").await,
        Element::Note(retiree),
    )
    .await
    .unwrap();
    let Issue::Ouverte(_) = connexion::par_mot_de_passe(store, "marie@caen.fr", MDP, "10.0.0.1")
        .await
        .unwrap()
    else {
        panic!("connexion refusée")
    };
    connexion::par_mot_de_passe(store, "paul@caen.fr", "mauvais mot de passe", "10.0.0.2")
        .await
        .unwrap();
    for id in ["caen-2019", "essai-complet-2020"] {
        contrat::lire(store, &admin(), &super::id(id))
            .await
            .unwrap();
    }
    // The reads' entries written before the backup.
    journal::dernieres(store, 1).await.unwrap();
}

/// An archive of `store`, and what the backup says of it.
async fn archiver(store: &Store, documents: Option<&Memoire>) -> (Vec<u8>, Bilan) {
    let mut archive = Vec::new();
    let bilan = sauvegarde::sauvegarder(store, &mut archive, documents.map(|d| d as &dyn Fichiers))
        .await
        .unwrap();
    (archive, bilan)
}

/// An archive's tables: each one's rows (column → value, in no order) and its counter.
type Contenu = BTreeMap<String, (BTreeSet<String>, Option<i64>)>;

fn contenu(archive: &[u8]) -> Contenu {
    let mut tables = Contenu::new();
    let mut courante: Option<(String, Vec<String>)> = None;
    for ligne in archive.split(|o| *o == b'\n').skip(1) {
        if ligne.is_empty() {
            continue;
        }
        let valeur: serde_json::Value = serde_json::from_slice(ligne).unwrap();
        match valeur {
            serde_json::Value::Array(valeurs) => {
                let (table, colonnes) = courante.as_ref().unwrap();
                let rangee: BTreeMap<&String, serde_json::Value> =
                    colonnes.iter().zip(valeurs).collect();
                let nouvelle = tables
                    .get_mut(table)
                    .unwrap()
                    .0
                    .insert(serde_json::to_string(&rangee).unwrap());
                assert!(nouvelle, "{table} : ligne en double");
            }
            serde_json::Value::Object(section) if section.contains_key("table") => {
                let table = section["table"].as_str().unwrap().to_owned();
                let colonnes = section["colonnes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c[0].as_str().unwrap().to_owned())
                    .collect();
                let compteur = section["dernier_identifiant"].as_i64();
                tables.insert(table.clone(), (BTreeSet::new(), compteur));
                courante = Some((table, colonnes));
            }
            _ => courante = None,
        }
    }
    tables
}

/// Backs `source` up, restores the archive into a fresh `cible`, and finds every table equal.
async fn aller_retour(source: Moteur, cible: Moteur) {
    let (Some(depart), Some(arrivee)) = (base(source).await, base(cible).await) else {
        return;
    };
    let documents = Memoire::default();
    peupler(&depart.store, &documents).await;
    let (archive, bilan) = archiver(&depart.store, Some(&documents)).await;
    assert_eq!(bilan.documents, 1, "{bilan:?}");
    assert!(bilan.documents_absents.is_empty(), "{bilan:?}");
    let compte = |table: &str| {
        bilan
            .tables
            .iter()
            .find(|(t, _)| t == table)
            .map(|(_, n)| *n)
            .unwrap()
    };
    assert_eq!(compte("contrat"), 8);
    assert_eq!(compte("utilisateur"), 2);
    assert!(compte("historique") > 0 && compte("journal") > 0 && compte("invitation") == 1);
    assert!(
        !bilan
            .tables
            .iter()
            .any(|(t, _)| t == "session" || t == "commune")
    );

    let remis = Memoire::default();
    let restaure = sauvegarde::restaurer(&arrivee.store, &archive[..], Some(&remis))
        .await
        .unwrap();
    assert_eq!(restaure.tables, bilan.tables);
    assert_eq!(remis.cles(), documents.cles());
    // The journal as `pilote journal list` shows it, before anything else reads.
    // (The source's journal has since noted the backup itself.)
    let mut source = journal::dernieres(&depart.store, 10_000).await.unwrap();
    let sauvegarde = source.remove(0);
    assert_eq!(
        (sauvegarde.objet.as_str(), sauvegarde.qui.as_str()),
        (sauvegarde::OBJET_JOURNAL, "administration")
    );
    assert_eq!(
        source,
        journal::dernieres(&arrivee.store, 10_000).await.unwrap()
    );

    // Every table equal, counters included: the archive of the restored database holds the
    // same rows as the first.
    let (seconde, _) = archiver(&arrivee.store, None).await;
    let (avant, apres) = (contenu(&archive), contenu(&seconde));
    assert_eq!(
        avant.keys().collect::<Vec<_>>(),
        apres.keys().collect::<Vec<_>>()
    );
    for (table, (lignes, compteur)) in &avant {
        let (lignes_apres, compteur_apres) = &apres[table];
        assert_eq!(lignes, lignes_apres, "table {table}");
        assert_eq!(compteur, compteur_apres, "compteur de {table}");
    }
    assert!(avant["note"].1 > Some(0), "une note retirée a été comptée");

    // And as the application reads them.
    for resume in contrat::chercher(&depart.store, &admin(), &contrat::Filtre::default())
        .await
        .unwrap()
        .contrats
    {
        let lu = |store: &Store| {
            let id = resume.id.clone();
            let store = store.clone();
            async move {
                serde_json::to_value(contrat::lire(&store, &admin(), &id).await.unwrap()).unwrap()
            }
        };
        assert_eq!(lu(&depart.store).await, lu(&arrivee.store).await);
    }
    let comptes = |store: &Store| {
        let store = store.clone();
        async move { format!("{:?}", compte::lister(&store).await.unwrap()) }
    };
    assert_eq!(comptes(&depart.store).await, comptes(&arrivee.store).await);
    // The password still opens the account; no session came along.
    let issue = connexion::par_mot_de_passe(&arrivee.store, "marie@caen.fr", MDP, "ici")
        .await
        .unwrap();
    let Issue::Ouverte(jeton) = issue else {
        panic!("{issue:?}")
    };
    assert!(
        session::trouver(&arrivee.store, &jeton)
            .await
            .unwrap()
            .is_some()
    );

    // The restored database goes on: a new note gets an identifier never given before.
    let essai = id("essai-complet-2020");
    let lue = fiche::lire(&arrivee.store, &admin(), &essai, "1.2")
        .await
        .unwrap()
        .version;
    let note = Note {
        id: None,
        date: "2025-04-01".parse().unwrap(),
        texte: "après la restauration".to_owned(),
        auteur: None,
    };
    suivi::ajouter_note(&arrivee.store, &admin(), (&essai, "1.2"), lue, &note)
        .await
        .unwrap();
    let nouvelle = fiche::lire(&arrivee.store, &admin(), &essai, "1.2")
        .await
        .unwrap()
        .fiche
        .notes
        .iter()
        .find(|n| n.texte == note.texte)
        .and_then(|n| n.id)
        .unwrap();
    assert!(
        Some(nouvelle) > avant["note"].1,
        "identifiant {nouvelle} redonné"
    );
    depart.fermer().await;
    arrivee.fermer().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn aller_retour_de_sqlite_a_sqlite() {
    aller_retour(Moteur::Sqlite, Moteur::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn aller_retour_de_sqlite_a_postgres() {
    aller_retour(Moteur::Sqlite, Moteur::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn aller_retour_de_postgres_a_sqlite() {
    aller_retour(Moteur::Postgres, Moteur::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn aller_retour_de_postgres_a_postgres() {
    aller_retour(Moteur::Postgres, Moteur::Postgres).await;
}

/// Writers add notes to three fiches-actions without pause; once some are acknowledged, a
/// backup starts: every note acknowledged before it started is in the archive, which then
/// restores (a consistent snapshot: no row without what it refers to).
async fn sous_ecriture(moteur: Moteur) {
    let (Some(source), Some(cible)) = (base(moteur).await, base(moteur).await) else {
        return;
    };
    let store = source.store.clone();
    let essai = contrat_complet();
    contrat::creer(&store, &essai).await.unwrap();
    let acquittees = Arc::new(Mutex::new(Vec::<String>::new()));
    let arret = Arc::new(AtomicBool::new(false));
    let ecrivains: Vec<_> = ["1.1", "1.2", "M1"]
        .into_iter()
        .map(|numero| {
            let (store, id, acquittees, arret) = (
                store.clone(),
                essai.id.clone(),
                acquittees.clone(),
                arret.clone(),
            );
            tokio::spawn(async move {
                let mut k = 0;
                while !arret.load(Ordering::SeqCst) {
                    let texte = format!("charge {numero} n°{k}");
                    let note = Note {
                        id: None,
                        date: "2025-05-01".parse().unwrap(),
                        texte: texte.clone(),
                        auteur: None,
                    };
                    let lue = fiche::lire(&store, &admin(), &id, numero)
                        .await
                        .unwrap()
                        .version;
                    match suivi::ajouter_note(&store, &admin(), (&id, numero), lue, &note).await {
                        Ok(()) => acquittees.lock().unwrap().push(texte),
                        Err(e) => panic!("écriture refusée sous charge : {e:?}"),
                    }
                    k += 1;
                }
            })
        })
        .collect();
    while acquittees.lock().unwrap().len() < 30 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let avant: Vec<String> = acquittees.lock().unwrap().clone();
    let (archive, bilan) = archiver(&store, None).await;
    let pendant = acquittees.lock().unwrap().len();
    arret.store(true, Ordering::SeqCst);
    for ecrivain in ecrivains {
        ecrivain.await.unwrap();
    }
    let notes = contenu(&archive).remove("note").unwrap().0;
    let textes: BTreeSet<String> = notes
        .iter()
        .map(|n| {
            let n: serde_json::Value = serde_json::from_str(n).unwrap();
            n["texte"].as_str().unwrap().to_owned()
        })
        .collect();
    let perdues: Vec<&String> = avant.iter().filter(|t| !textes.contains(*t)).collect();
    assert!(
        perdues.is_empty(),
        "{} écritures acquittées avant la sauvegarde absentes : {perdues:?}",
        perdues.len()
    );
    eprintln!(
        "sauvegarde sous charge ({moteur:?}) : {} notes acquittées avant, {} à la fin, {} \
         dans l'archive",
        avant.len(),
        pendant,
        textes.len()
    );
    let restaure = sauvegarde::restaurer(&cible.store, &archive[..], None)
        .await
        .unwrap();
    assert_eq!(restaure.lignes(), bilan.lignes());
    source.fermer().await;
    cible.fermer().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn une_sauvegarde_sous_ecriture_garde_ce_qui_precede_sur_sqlite() {
    sous_ecriture(Moteur::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn une_sauvegarde_sous_ecriture_garde_ce_qui_precede_sur_postgres() {
    sous_ecriture(Moteur::Postgres).await;
}

/// The message of a refused restore into `store`.
async fn refus(store: &Store, archive: &[u8], documents: Option<&Memoire>) -> String {
    sauvegarde::restaurer(store, archive, documents.map(|d| d as &dyn Fichiers))
        .await
        .unwrap_err()
        .to_string()
}

/// Whatever is wrong, nothing is restored and the message says what: a file that is not an
/// archive, one cut short (its documents' files removed again), altered, of another
/// geography or schema, with documents but nowhere to put them, and a database not empty.
async fn refus_de_restauration(moteur: Moteur) {
    let (Some(source), Some(cible)) = (base(moteur).await, base(moteur).await) else {
        return;
    };
    let documents = Memoire::default();
    peupler(&source.store, &documents).await;
    let (archive, _) = archiver(&source.store, Some(&documents)).await;
    let texte = String::from_utf8(archive.clone()).unwrap();
    let store = &cible.store;
    let remis = Memoire::default();

    for (fichier, attendu) in [
        (&b""[..], "le fichier est vide"),
        (
            &b"id = \"caen-2019\"\n"[..],
            "n'est pas une sauvegarde de Pilote",
        ),
        (
            &b"\x1f\x8b\x08\x00 gzip\n"[..],
            "n'est pas une sauvegarde de Pilote",
        ),
    ] {
        let message = refus(store, fichier, Some(&remis)).await;
        assert!(message.contains(attendu), "{message}");
    }
    // Cut before its last line, in the middle of a line, after its documents.
    let sans_fin = &archive[..texte.trim_end().rfind('\n').unwrap() + 1];
    let message = refus(store, sans_fin, Some(&remis)).await;
    assert!(message.contains("sauvegarde tronquée"), "{message}");
    assert!(remis.cles().is_empty(), "les fichiers remis sont retirés");
    let message = refus(store, &archive[..archive.len() / 2], Some(&remis)).await;
    assert!(message.contains("tronquée"), "{message}");

    let alteree = texte.replacen("\"gardée\"", "\"gardee\"", 1);
    assert_ne!(alteree, texte);
    let message = refus(store, alteree.as_bytes(), Some(&remis)).await;
    assert!(message.contains("sauvegarde altérée"), "{message}");

    let premiere = texte.lines().next().unwrap();
    let autre_geographie = texte.replacen(
        premiere,
        &premiere.replace("\"geographie\":\"", "\"geographie\":\"autre"),
        1,
    );
    let message = refus(store, autre_geographie.as_bytes(), Some(&remis)).await;
    assert!(
        message.contains("géographie officielle « autre"),
        "{message}"
    );
    let autre_schema = texte.replacen(
        premiere,
        &premiere.replace("\"schema\":", "\"schema\":9"),
        1,
    );
    let message = refus(store, autre_schema.as_bytes(), Some(&remis)).await;
    assert!(message.contains("schéma n°9"), "{message}");
    let message = refus(store, &archive, None).await;
    assert!(message.contains("indiquez le stockage"), "{message}");

    // Nothing of the above was kept: the database is still empty, and takes the archive.
    sauvegarde::restaurer(store, &archive[..], Some(&remis))
        .await
        .unwrap();
    // Now it is not empty.
    let message = refus(store, &archive, Some(&Memoire::default())).await;
    assert!(
        message.contains("n'est pas vide") && message.contains("contrat"),
        "{message}"
    );
    source.fermer().await;
    cible.fermer().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn une_restauration_fautive_ne_restaure_rien_sur_sqlite() {
    refus_de_restauration(Moteur::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn une_restauration_fautive_ne_restaure_rien_sur_postgres() {
    refus_de_restauration(Moteur::Postgres).await;
}
