//! Reminders by e-mail: what the contracts call for goes to the right people, with the page to
//! update and the unsubscribe link; once only for a reason and an address, across a restart
//! and across two instances at once; an unsubscribed address gets nothing more; a mail server
//! refusing leaves the message queued, tried again and shown to the administrator; the
//! settings of a contract and of a person, with their refusals in French. On SQLite, and on
//! PostgreSQL when `PILOTE_TEST_POSTGRES_URL` names a server.

use std::collections::BTreeMap;
use std::path::Path;

use axum::http::StatusCode;
use pilote_store::journal::{self, Filtre, Genre};
use pilote_store::rappel::Verrou;
use pilote_store::{Backend, Store, import};
use pilote_web::courriel::{Courriel, Dossier, Envoi, Expediteur};
use pilote_web::rappels::{Bilan, tournee};

use crate::support::application::{Appli, MDP_ESSAI, champ_cache, quoted_printable};

const COORDINATRICE: &str = "coordinatrice@caen.fr";
const PILOTE_1: &str = "pilote.un@caen.fr";
const PILOTE_2: &str = "pilote.deux@caen.fr";
const PARTENAIRE: &str = "partenaire@caen.fr";
const ADMIN: &str = "admin@essai.fr";
const URL: &str = "https://pilote.example";

/// The day `decalage` days from today, as stored (`AAAA-MM-JJ`).
fn jour(decalage: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(decalage);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Caen's contract, under way: fiche 1 has a step due in three days, fiche 2 one missed ten
/// days ago, and the steering committee meets in five days.
fn contrat() -> pilote_domain::contrat::Contrat {
    let texte = format!(
        r#"
        id = "caen-2019"
        nom = "CLS de Caen"
        generation = 1
        statut = "en-cours"
        territoire = {{ communes = ["14118"] }}
        [[axes]]
        numero = 1
        titre = "Accès aux soins"
        [[axes.fiches_actions]]
        numero = "1"
        titre = "Internes"
        [[axes.fiches_actions.etapes]]
        libelle = "Convention signée"
        echeance = "{}"
        [[axes.fiches_actions]]
        numero = "2"
        titre = "Maison de santé"
        [[axes.fiches_actions.etapes]]
        libelle = "Permis de construire"
        echeance = "{}"
        [[gouvernance]]
        nature = "copil"
        nom = "Comité de pilotage"
        [[gouvernance.reunions]]
        date = "{}"
        lieu = "Hôtel de ville"
        ordre_du_jour = ["Bilan de l'année", "Budget"]
        "#,
        jour(3),
        jour(-10),
        jour(5)
    );
    import::lire("caen-2019", &texte).unwrap()
}

/// The contract and its people, each with the password [`MDP_ESSAI`].
async fn preparer(appli: &Appli) {
    pilote_store::contrat::creer(&appli.store, &contrat())
        .await
        .unwrap();
    for (email, role) in [
        (COORDINATRICE, "coordinateur:caen-2019"),
        (PILOTE_1, "pilote:caen-2019:1"),
        (PILOTE_2, "pilote:caen-2019:2"),
        (PARTENAIRE, "partenaire:caen-2019"),
        (ADMIN, "administrateur"),
    ] {
        let roles = vec![pilote_domain::autorisation::Role::parse(role).unwrap()];
        let email = pilote_domain::compte::Email::parse(email).unwrap();
        pilote_store::compte::creer(&appli.store, &email, None, MDP_ESSAI, &roles)
            .await
            .unwrap();
    }
}

/// A mail server that refuses everything.
#[derive(Debug)]
struct EnPanne;

impl Expediteur for EnPanne {
    fn envoyer(&self, _: Courriel) -> Envoi<'_> {
        Box::pin(async { Err("envoi SMTP impossible : connexion refusée".to_owned()) })
    }
}

/// Messages as (address, subject), sorted.
type Enveloppes = Vec<(String, String)>;

/// The messages in `dossier`, each as (address, subject), and their bodies by address.
fn recus(dossier: &Path) -> (Enveloppes, BTreeMap<String, Vec<String>>) {
    let mut paires = Vec::new();
    let mut corps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in std::fs::read_dir(dossier).into_iter().flatten() {
        let texte = quoted_printable(&std::fs::read_to_string(e.unwrap().path()).unwrap())
            .replace("\r\n", "\n");
        let entete = |nom: &str| {
            texte
                .lines()
                .find_map(|l| l.strip_prefix(nom))
                .unwrap()
                .trim()
                .to_owned()
        };
        let a = entete("To: ");
        paires.push((a.clone(), entete("Subject: ")));
        corps.entry(a).or_default().push(texte);
    }
    paires.sort();
    (paires, corps)
}

fn dossier() -> (tempfile::TempDir, Dossier) {
    let d = tempfile::tempdir().unwrap();
    let expediteur = Dossier::new(d.path().to_owned(), "Pilote <pilote@essai.fr>").unwrap();
    (d, expediteur)
}

async fn passer(store: &Store, expediteur: &dyn Expediteur) -> Bilan {
    tournee(store, expediteur, URL).await.unwrap().unwrap()
}

async fn scenario(appli: &Appli) {
    // The first run: each person gets what concerns them, once.
    let (d1, courrier) = dossier();
    let bilan = passer(&appli.store, &courrier).await;
    let (recus1, corps) = recus(d1.path());
    let sujets = |a: &str| -> Vec<&str> {
        recus1
            .iter()
            .filter(|(x, _)| x == a)
            .map(|(_, s)| s.as_str())
            .collect()
    };
    assert_eq!(
        sujets(PILOTE_1).len(),
        2,
        "son étape et la réunion : {recus1:?}"
    );
    assert_eq!(
        sujets(PILOTE_2).len(),
        2,
        "son retard et la réunion : {recus1:?}"
    );
    assert_eq!(sujets(PARTENAIRE).len(), 1, "la réunion : {recus1:?}");
    assert_eq!(
        sujets(COORDINATRICE).len(),
        2,
        "la réunion et le point de la semaine : {recus1:?}"
    );
    assert!(sujets(ADMIN).is_empty(), "aucun rôle sur le contrat");
    assert_eq!(bilan.envoyes, 7);
    assert_eq!(bilan.mis_en_file, 7);
    let du_pilote = corps[PILOTE_1].join("\n");
    assert!(
        du_pilote.contains(
            "L'étape « Convention signée » de la fiche-action n°1 « Internes » arrive à échéance"
        ),
        "{du_pilote}"
    );
    assert!(
        du_pilote
            .contains("Pour mettre à jour : https://pilote.example/contrats/caen-2019/fiches/1"),
        "{du_pilote}"
    );
    assert!(
        du_pilote.contains("- Bilan de l'année\n- Budget"),
        "l'ordre du jour : {du_pilote}"
    );
    let lien = du_pilote
        .split("https://pilote.example/rappels/desinscription/")
        .nth(1)
        .map(|s| {
            s.chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .expect("un lien de désinscription");
    // Each sending is journaled, by Pilote, under the contract.
    let filtre = Filtre {
        genre: Some(Genre::Rappel),
        contrat: Some("caen-2019".parse().unwrap()),
        ..Filtre::default()
    };
    assert_eq!(
        journal::chercher(&appli.store, &filtre, 100)
            .await
            .unwrap()
            .len(),
        7
    );

    // Again, and after a restart: nothing new.
    let (d2, courrier2) = dossier();
    assert_eq!(passer(&appli.store, &courrier2).await, Bilan::default());
    let redemarre = Store::open(&appli.url).await.unwrap();
    assert_eq!(passer(&redemarre, &courrier2).await, Bilan::default());
    assert!(recus(d2.path()).0.is_empty(), "rien n'est renvoyé");

    // Two instances at once, on a queue emptied: each message goes once.
    appli.sql("DELETE FROM courriel_sortant").await;
    let autre = Store::open(&appli.url).await.unwrap();
    let (d3, courrier3) = dossier();
    // On PostgreSQL, an instance finding the lock held leaves the run to its holder.
    if appli.store.backend() == Backend::Postgres {
        let verrou = Verrou::prendre(&appli.store).await.unwrap().unwrap();
        assert!(tournee(&autre, &courrier3, URL).await.unwrap().is_none());
        verrou.rendre().await.unwrap();
    }
    let (a, b) = tokio::join!(
        tournee(&appli.store, &courrier3, URL),
        tournee(&autre, &courrier3, URL)
    );
    let (a, b) = (
        a.unwrap().unwrap_or_default(),
        b.unwrap().unwrap_or_default(),
    );
    assert_eq!(a.envoyes + b.envoyes, 7, "{a:?} {b:?}");
    assert_eq!(
        recus(d3.path()).0,
        recus1,
        "les mêmes messages, une fois chacun"
    );
    autre.close().await;
    redemarre.close().await;

    // The unsubscribe link: a page that asks, then no more reminders to that address.
    let mut n = appli.navigateur();
    let inconnu = n
        .get(&format!("/rappels/desinscription/{}", "0".repeat(64)))
        .await;
    assert_eq!(inconnu.status, StatusCode::NOT_FOUND);
    assert!(
        inconnu
            .texte()
            .contains("Ce lien de désinscription n'existe pas")
    );
    let page = n.get(&format!("/rappels/desinscription/{lien}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.corps);
    assert!(page.texte().contains(PILOTE_1));
    let fait = n
        .post(&format!("/rappels/desinscription/{lien}"), &[])
        .await;
    assert_eq!(fait.status, StatusCode::OK, "{}", fait.corps);
    assert!(fait.texte().contains("ne recevra plus de rappels"));
    appli.sql("DELETE FROM courriel_sortant").await;
    let (d4, courrier4) = dossier();
    assert_eq!(passer(&appli.store, &courrier4).await.envoyes, 5);
    assert!(recus(d4.path()).0.iter().all(|(a, _)| a != PILOTE_1));

    // The mail server down: queued, tried again later, shown to the administrator.
    appli.sql("DELETE FROM courriel_sortant").await;
    let panne = passer(&appli.store, &EnPanne).await;
    assert_eq!((panne.envoyes, panne.reportes), (0, 5), "{panne:?}");
    let mut admin = appli.connecte(ADMIN).await;
    let file = admin.get("/administration/courriels").await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.corps);
    let texte = file.texte();
    assert!(texte.contains("Nouvel essai le"), "{texte}");
    assert!(texte.contains("connexion refusée"), "{texte}");
    let mut coordinatrice = appli.connecte(COORDINATRICE).await;
    let refus = coordinatrice.get("/administration/courriels").await;
    assert_eq!(refus.status, StatusCode::FORBIDDEN);
    // Not yet due again: a run sends nothing; due, it goes.
    let (d5, courrier5) = dossier();
    assert_eq!(passer(&appli.store, &courrier5).await.envoyes, 0);
    appli
        .sql("UPDATE courriel_sortant SET prochain_essai = 0")
        .await;
    assert_eq!(passer(&appli.store, &courrier5).await.envoyes, 5);
    assert_eq!(recus(d5.path()).0.len(), 5);
    // Refused a fifth time: failed, until the administrator sends it again.
    appli
        .sql(
            "UPDATE courriel_sortant SET etat = 'a-envoyer', tentatives = 4, prochain_essai = 0
             WHERE destinataire = 'partenaire@caen.fr'",
        )
        .await;
    assert_eq!(passer(&appli.store, &EnPanne).await.echecs, 1);
    let file = admin.get("/administration/courriels").await.corps;
    assert!(
        file.contains("Refusé 5 fois par le serveur de courriel."),
        "{file}"
    );
    let cle = champ_cache(&file, "cle").unwrap();
    let vide = admin.post("/administration/courriels/renvoi", &[]).await;
    assert_eq!(vide.status, StatusCode::BAD_REQUEST);
    let renvoi = admin
        .post(
            "/administration/courriels/renvoi",
            &[("cle", &cle), ("destinataire", PARTENAIRE)],
        )
        .await;
    assert_eq!(renvoi.status, StatusCode::SEE_OTHER, "{}", renvoi.corps);
    assert_eq!(passer(&appli.store, &courrier5).await.envoyes, 1);
    let encore = admin
        .post(
            "/administration/courriels/renvoi",
            &[("cle", &cle), ("destinataire", PARTENAIRE)],
        )
        .await;
    assert_eq!(encore.status, StatusCode::CONFLICT);
    assert!(encore.texte().contains("n'est ni en échec ni interrompu"));

    // The contract's settings: refused input beside its field, the pilot refused, reminders
    // turned off.
    let page = coordinatrice.get("/contrats/caen-2019/rappels").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.corps);
    assert!(
        page.texte()
            .contains("Ce que ces réglages donnent aujourd'hui")
    );
    let mauvais = coordinatrice
        .post(
            "/contrats/caen-2019/rappels",
            &[("actif", "oui"), ("jours_avant", "abc"), ("relance", "14")],
        )
        .await;
    assert_eq!(mauvais.status, StatusCode::BAD_REQUEST);
    assert!(
        mauvais
            .texte()
            .contains("« abc » n'est pas un nombre de jours proposé")
    );
    let mut pilote = appli.connecte(PILOTE_2).await;
    let interdit = pilote
        .post(
            "/contrats/caen-2019/rappels",
            &[("jours_avant", "7"), ("relance", "14")],
        )
        .await;
    assert_eq!(interdit.status, StatusCode::FORBIDDEN);
    let eteint = coordinatrice
        .post(
            "/contrats/caen-2019/rappels",
            &[("jours_avant", "7"), ("relance", "14")],
        )
        .await;
    assert_eq!(eteint.status, StatusCode::SEE_OTHER, "{}", eteint.corps);
    appli.sql("DELETE FROM courriel_sortant").await;
    let (d6, courrier6) = dossier();
    assert_eq!(passer(&appli.store, &courrier6).await.mis_en_file, 0);
    assert!(recus(d6.path()).0.is_empty());

    // One's own settings, from « Mon compte ».
    let mauvaise = pilote
        .post("/compte/rappels", &[("actif", "oui"), ("relance", "999")])
        .await;
    assert_eq!(mauvaise.status, StatusCode::BAD_REQUEST);
    assert!(
        mauvaise
            .texte()
            .contains("Fréquence de rappel « 999 » inconnue")
    );
    let reglee = pilote
        .post("/compte/rappels", &[("actif", "oui"), ("relance", "7")])
        .await;
    assert_eq!(reglee.status, StatusCode::SEE_OTHER);
    let compte = pilote.get("/compte?fait=rappels").await.texte();
    assert!(compte.contains("Vos rappels sont réglés."));
    assert!(
        compte.contains(r#"<option value="7" selected>chaque semaine</option>"#),
        "{compte}"
    );
}

#[tokio::test]
async fn les_rappels_sur_sqlite() {
    let appli = Appli::demarrer("http://localhost", None).await;
    preparer(&appli).await;
    scenario(&appli).await;
}

#[tokio::test]
async fn les_rappels_sur_postgresql() {
    let nom = format!("pilote_rappels_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : scénario PostgreSQL non exécuté");
        return;
    };
    preparer(&appli).await;
    scenario(&appli).await;
    base.supprimer(appli).await;
}
