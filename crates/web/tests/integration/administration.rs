//! The administration of people and roles in the browser, and the journal: who may grant what
//! (nobody more than they hold), an account created with a link to choose its password or a
//! provisional one, a role granted and withdrawn, an account deactivated and reactivated, its
//! password reset, its sessions ended; the journal filtered, paged and exported by
//! administrators; what Pilote holds about a person, downloaded by them. Refused input is
//! answered in French with nothing saved. On SQLite, and on PostgreSQL when
//! `PILOTE_TEST_POSTGRES_URL` names a server.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use futures_util::future::join_all;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::{Auteur, administration, compte, contrat, journal};

use crate::support::application::{Appli, MDP_ESSAI, Navigateur, contrat as contrat_essai};

const ADMIN: &str = "admin@essai.fr";
const ARS_NORMANDIE: &str = "ars-normandie@essai.fr";
const COORDINATRICE: &str = "coordinatrice@caen.fr";
const PILOTE: &str = "pilote@caen.fr";
/// A partner of Caen's contract who is also a national ARS agent.
const CUMUL: &str = "cumul@essai.fr";
/// The pilot whose account is created in the browser, and the password she chooses.
const NORA: &str = "nouvelle.pilote@caen.fr";
const NORA_MDP: &str = "la phrase de Nora pour Pilote";

/// Caen's contract (Calvados, Normandie), unpublished, three fiches-actions; Soissons's
/// (Aisne, Hauts-de-France), published; and the people above.
async fn preparer(appli: &Appli) {
    for c in [
        contrat_essai("caen-2019", false, &["14118"], 3),
        contrat_essai("soissons-2019", true, &["02722"], 2),
    ] {
        contrat::creer(&appli.store, &c).await.unwrap();
    }
    for (email, roles) in [
        (ADMIN, vec!["administrateur"]),
        (ARS_NORMANDIE, vec!["ars:region:28"]),
        (COORDINATRICE, vec!["coordinateur:caen-2019"]),
        (PILOTE, vec!["pilote:caen-2019:1"]),
        (CUMUL, vec!["partenaire:caen-2019", "ars:national"]),
    ] {
        let roles: Vec<Role> = roles.iter().map(|r| Role::parse(r).unwrap()).collect();
        compte::creer(
            &appli.store,
            &Email::parse(email).unwrap(),
            None,
            MDP_ESSAI,
            &roles,
        )
        .await
        .unwrap();
    }
}

async fn id(appli: &Appli, email: &str) -> i64 {
    administration::compte_de(&appli.store, &Email::parse(email).unwrap())
        .await
        .unwrap()
}

async fn roles(appli: &Appli, email: &str) -> Vec<String> {
    compte::roles(&appli.store, &Email::parse(email).unwrap())
        .await
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect()
}

async fn nombre_de_comptes(appli: &Appli) -> usize {
    compte::lister(&appli.store).await.unwrap().len()
}

/// Grants a role through the account's page.
async fn attribuer(
    n: &mut Navigateur<'_>,
    compte: i64,
    champs: &[(&str, &str)],
) -> crate::support::application::Reponse {
    n.post(&format!("/administration/comptes/{compte}/roles"), champs)
        .await
}

/// Whether a sign-in with this password succeeds, in a browser of its own.
async fn se_connecte(appli: &Appli, email: &str, mot_de_passe: &str) -> bool {
    let reponse = appli
        .navigateur()
        .post(
            "/connexion",
            &[("email", email), ("mot_de_passe", mot_de_passe)],
        )
        .await;
    reponse.status == StatusCode::SEE_OTHER
}

/// The links to choose a password in the e-mails sent to `email` so far.
fn liens_recus(appli: &Appli, email: &str) -> BTreeSet<String> {
    appli
        .courriels()
        .iter()
        .filter(|c| c.contains(&format!("To: {email}")))
        .filter_map(|c| {
            let debut = c.find("http://localhost/mot-de-passe/")?;
            c[debut + "http://localhost".len()..]
                .split_whitespace()
                .next()
                .map(str::to_owned)
        })
        .collect()
}

/// The one link sent to `email` since `avant` were.
fn nouveau_lien(appli: &Appli, email: &str, avant: &BTreeSet<String>) -> String {
    let nouveaux: Vec<String> = liens_recus(appli, email)
        .difference(avant)
        .cloned()
        .collect();
    assert_eq!(nouveaux.len(), 1, "{nouveaux:?}");
    nouveaux[0].clone()
}

async fn la_delegation_borne_ce_que_chacun_attribue(appli: &Appli) {
    let mut coordinatrice = appli.connecte(COORDINATRICE).await;
    // The list: the accounts holding a role on her contract, and no other.
    let liste = coordinatrice.get("/administration/comptes").await;
    assert_eq!(liste.status, StatusCode::OK);
    for vu in [PILOTE, CUMUL, COORDINATRICE] {
        assert!(liste.corps.contains(vu), "{vu}");
    }
    for cache in [ADMIN, ARS_NORMANDIE] {
        assert!(!liste.corps.contains(cache), "{cache}");
    }
    let recherche = coordinatrice.get("/administration/comptes?q=PILOTE").await;
    assert!(recherche.corps.contains(PILOTE) && !recherche.corps.contains(CUMUL));
    // A role on her contract: granted, journaled in her name.
    let pilote = id(appli, PILOTE).await;
    let r = attribuer(
        &mut coordinatrice,
        pilote,
        &[
            ("nature", "pilote"),
            ("portee", "caen-2019"),
            ("fiche", "2"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.corps);
    assert!(
        roles(appli, PILOTE)
            .await
            .contains(&"pilote:caen-2019:2".to_owned())
    );
    let entree = &journal::dernieres(&appli.store, 1).await.unwrap()[0];
    assert_eq!(
        (entree.qui.as_str(), entree.detail.as_deref()),
        (COORDINATRICE, Some("rôle pilote:caen-2019:2 attribué"))
    );
    // Beyond what she holds: refused in French, nothing granted.
    for (champs, statut, message) in [
        (
            vec![("nature", "coordinateur"), ("portee", "soissons-2019")],
            StatusCode::FORBIDDEN,
            "nul n'attribue plus que ce qu'il détient",
        ),
        (
            vec![("nature", "ars-departement"), ("portee", "14")],
            StatusCode::FORBIDDEN,
            "nul n'attribue plus que ce qu'il détient",
        ),
        (
            vec![("nature", "administrateur")],
            StatusCode::FORBIDDEN,
            "nul n'attribue plus que ce qu'il détient",
        ),
        (
            vec![("nature", "partenaire"), ("portee", "absent-2099")],
            StatusCode::NOT_FOUND,
            "Aucun contrat « absent-2099 »",
        ),
    ] {
        let avant = roles(appli, PILOTE).await;
        let r = attribuer(&mut coordinatrice, pilote, &champs).await;
        assert_eq!(r.status, statut, "{champs:?}");
        assert!(r.texte().contains(message), "{champs:?} : {}", r.texte());
        assert_eq!(roles(appli, PILOTE).await, avant);
    }
    // An account she does not see is as absent; she sees the partner who is also an ARS
    // agent, but does not act on the account as a whole.
    let admin = id(appli, ADMIN).await;
    assert_eq!(
        coordinatrice
            .get(&format!("/administration/comptes/{admin}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let cumul = id(appli, CUMUL).await;
    let page = coordinatrice
        .get(&format!("/administration/comptes/{cumul}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.corps.contains("Désactiver le compte"));
    let r = coordinatrice
        .post(
            &format!("/administration/comptes/{cumul}/activation"),
            &[("etat", "desactive")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.texte().contains("rôles que vous ne détenez pas"));
    assert!(se_connecte(appli, CUMUL, MDP_ESSAI).await);
    // A region's agent grants in the région, not beyond.
    let mut ars = appli.connecte(ARS_NORMANDIE).await;
    let r = attribuer(
        &mut ars,
        cumul,
        &[("nature", "ars-departement"), ("portee", "14")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.corps);
    let r = attribuer(
        &mut ars,
        cumul,
        &[("nature", "ars-region"), ("portee", "32")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A pilot manages no account; the public is sent to sign in.
    let mut pilote_nav = appli.connecte(PILOTE).await;
    assert_eq!(
        pilote_nav.get("/administration/comptes").await.status,
        StatusCode::FORBIDDEN
    );
    let public = appli.navigateur().get("/administration/comptes").await;
    assert_eq!(
        public.redirection(),
        Some("/connexion?suite=%2Fadministration%2Fcomptes")
    );
}

async fn un_compte_se_cree_avec_un_lien_a_usage_unique(appli: &Appli) {
    let mut coordinatrice = appli.connecte(COORDINATRICE).await;
    let nouvelle = NORA;
    let comptes = nombre_de_comptes(appli).await;
    // Bad input: said beside its field, nothing created.
    for (champs, message) in [
        (
            vec![("email", "pas une adresse"), ("nature", "pilote")],
            "Adresse électronique invalide « pas une adresse »",
        ),
        (
            vec![("email", nouvelle), ("nature", "inconnu")],
            "Rôle « inconnu » inconnu",
        ),
        (
            vec![
                ("email", nouvelle),
                ("nature", "pilote"),
                ("portee", "caen-2019"),
            ],
            "Indiquez le numéro de la fiche-action",
        ),
        (
            vec![
                ("email", nouvelle),
                ("nature", "pilote"),
                ("portee", "caen-2019"),
                ("fiche", "9.9"),
            ],
            "Aucune fiche-action n°9.9 dans le contrat « caen-2019 »",
        ),
        (
            vec![
                ("email", nouvelle),
                ("nature", "pilote"),
                ("portee", "caen-2019"),
                ("fiche", "3"),
                ("premier", "pigeon"),
            ],
            "Choix « pigeon » inconnu",
        ),
    ] {
        let r = coordinatrice.post("/administration/comptes", &champs).await;
        assert!(r.status.is_client_error(), "{champs:?} : {}", r.status);
        let texte = r.texte();
        assert!(texte.contains(message), "{champs:?} : {texte}");
        assert!(texte.contains("aria-invalid=\"true\""), "{champs:?}");
        assert_eq!(nombre_de_comptes(appli).await, comptes);
    }
    let r = coordinatrice
        .post(
            "/administration/comptes",
            &[
                ("email", nouvelle),
                ("nom", "Nora Nouvelle"),
                ("nature", "pilote"),
                ("portee", "caen-2019"),
                ("fiche", "3"),
                ("premier", "lien"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.corps);
    assert!(r.redirection().unwrap().ends_with("?fait=cree"));
    assert_eq!(roles(appli, nouvelle).await, ["pilote:caen-2019:3"]);
    assert!(!se_connecte(appli, nouvelle, MDP_ESSAI).await);
    // The link: a page, a refused password leaves it valid, then used once.
    let lien = nouveau_lien(appli, nouvelle, &BTreeSet::new());
    let mut personne = appli.navigateur();
    let page = personne.get(&lien).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texte().contains("Un compte vous a été ouvert"));
    for (nouveau, confirmation, message) in [
        (
            "une phrase assez longue",
            "une autre phrase",
            "Les deux mots de passe saisis diffèrent.",
        ),
        ("court", "court", "Mot de passe trop court"),
    ] {
        let r = personne
            .post(
                &lien,
                &[("nouveau", nouveau), ("confirmation", confirmation)],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.texte().contains(message), "{}", r.texte());
    }
    let choisi = NORA_MDP;
    let r = personne
        .post(&lien, &[("nouveau", choisi), ("confirmation", choisi)])
        .await;
    assert_eq!(r.redirection(), Some("/compte?fait=mot-de-passe-choisi"));
    assert_eq!(personne.get("/compte").await.status, StatusCode::OK);
    assert!(se_connecte(appli, nouvelle, choisi).await);
    let encore = appli.navigateur().get(&lien).await;
    assert_eq!(encore.status, StatusCode::NOT_FOUND);
    assert!(encore.texte().contains("a déjà servi"));
    // The same address again: the role is added to the account there.
    let r = coordinatrice
        .post(
            "/administration/comptes",
            &[
                ("email", nouvelle),
                ("nature", "partenaire"),
                ("portee", "caen-2019"),
            ],
        )
        .await;
    assert!(
        r.redirection()
            .unwrap()
            .ends_with("?fait=role-ajoute#roles")
    );
    assert_eq!(
        roles(appli, nouvelle).await,
        ["pilote:caen-2019:3", "partenaire:caen-2019"]
    );
    // A provisional password instead: shown once, changed at the first sign-in.
    let r = coordinatrice
        .post(
            "/administration/comptes",
            &[
                ("email", "provisoire@caen.fr"),
                ("nature", "partenaire"),
                ("portee", "caen-2019"),
                ("premier", "provisoire"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let marque = "<code class=\"pilote-secret\">";
    let debut = r.corps.find(marque).unwrap() + marque.len();
    let provisoire = &r.corps[debut..debut + 20];
    let mut n = appli.navigateur();
    n.connecter("provisoire@caen.fr", provisoire).await;
    assert_eq!(
        n.get("/contrats").await.redirection(),
        Some("/compte/mot-de-passe?suite=%2Fcontrats")
    );
}

async fn un_compte_se_desactive_se_reinitialise_et_perd_ses_sessions(appli: &Appli) {
    let mut coordinatrice = appli.connecte(COORDINATRICE).await;
    let mut pilote = appli.connecte(PILOTE).await;
    let id_pilote = id(appli, PILOTE).await;
    let adresse = format!("/administration/comptes/{id_pilote}");
    // Its sessions ended.
    let r = coordinatrice
        .post(&format!("{adresse}/sessions"), &[])
        .await;
    assert_eq!(
        r.redirection(),
        Some(format!("{adresse}?fait=sessions").as_str())
    );
    assert_eq!(pilote.get("/compte").await.status, StatusCode::SEE_OTHER);
    // Deactivated: signs in no more; the journal keeps who did it.
    let mut pilote = appli.connecte(PILOTE).await;
    let r = coordinatrice
        .post(&format!("{adresse}/activation"), &[("etat", "desactive")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(pilote.get("/compte").await.status, StatusCode::SEE_OTHER);
    assert!(!se_connecte(appli, PILOTE, MDP_ESSAI).await);
    let page = coordinatrice.get(&adresse).await;
    assert!(page.corps.contains("Désactivé") && page.corps.contains("Réactiver le compte"));
    let filtre = journal::Filtre {
        genre: Some(journal::Genre::Modification),
        ..journal::Filtre::default()
    };
    let (_, entree) = &journal::chercher(&appli.store, &filtre, 1).await.unwrap()[0];
    assert_eq!(entree.qui, COORDINATRICE);
    assert_eq!(entree.objet, format!("compte {PILOTE}"));
    assert!(
        entree
            .detail
            .as_deref()
            .unwrap()
            .starts_with("compte désactivé ; sessions fermées : 1")
    );
    let r = coordinatrice
        .post(&format!("{adresse}/activation"), &[("etat", "desactive")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.texte().contains("déjà désactivé"));
    let r = coordinatrice
        .post(&format!("{adresse}/activation"), &[("etat", "peut-être")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = coordinatrice
        .post(&format!("{adresse}/activation"), &[("etat", "actif")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(se_connecte(appli, PILOTE, MDP_ESSAI).await);
    // One's own account is not deactivated here.
    let mut admin = appli.connecte(ADMIN).await;
    let soi = id(appli, ADMIN).await;
    let r = admin
        .post(
            &format!("/administration/comptes/{soi}/activation"),
            &[("etat", "desactive")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.texte().contains("votre propre compte"));
    // The password reset by a link: the former stops at once, the link opens once.
    let avant = liens_recus(appli, PILOTE);
    let r = coordinatrice
        .post(&format!("{adresse}/mot-de-passe"), &[("premier", "lien")])
        .await;
    assert_eq!(
        r.redirection(),
        Some(format!("{adresse}?fait=lien-envoye").as_str())
    );
    assert!(!se_connecte(appli, PILOTE, MDP_ESSAI).await);
    let lien = nouveau_lien(appli, PILOTE, &avant);
    let mut personne = appli.navigateur();
    assert!(
        personne
            .get(&lien)
            .await
            .texte()
            .contains("a été réinitialisé")
    );
    let nouveau = "un nouveau mot de passe du pilote";
    personne
        .post(&lien, &[("nouveau", nouveau), ("confirmation", nouveau)])
        .await;
    assert!(se_connecte(appli, PILOTE, nouveau).await);
    // A second link makes the first useless.
    let avant = liens_recus(appli, PILOTE);
    coordinatrice
        .post(&format!("{adresse}/mot-de-passe"), &[("premier", "lien")])
        .await;
    let premier = nouveau_lien(appli, PILOTE, &avant);
    let avant = liens_recus(appli, PILOTE);
    coordinatrice
        .post(&format!("{adresse}/mot-de-passe"), &[("premier", "lien")])
        .await;
    let second = nouveau_lien(appli, PILOTE, &avant);
    assert_eq!(appli.navigateur().get(&second).await.status, StatusCode::OK);
    assert_eq!(
        appli.navigateur().get(&premier).await.status,
        StatusCode::NOT_FOUND
    );
    // With no choice said: refused, nothing reset.
    let r = coordinatrice
        .post(&format!("{adresse}/mot-de-passe"), &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // A role withdrawn, then withdrawn again: said not held.
    let r = coordinatrice
        .post(
            &format!("{adresse}/roles/retrait"),
            &[("role", "pilote:caen-2019:1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !roles(appli, PILOTE)
            .await
            .contains(&"pilote:caen-2019:1".to_owned())
    );
    let r = coordinatrice
        .post(
            &format!("{adresse}/roles/retrait"),
            &[("role", "pilote:caen-2019:1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.texte().contains("n'a pas le rôle pilote:caen-2019:1"));
    let r = coordinatrice
        .post(&format!("{adresse}/roles/retrait"), &[("role", "chef")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("Rôle inconnu « chef »"));
}

async fn le_journal_se_filtre_se_pagine_et_s_exporte(appli: &Appli) {
    // A failed sign-in and a refusal are journaled too.
    assert!(!se_connecte(appli, PILOTE, "ce n'est pas le bon").await);
    let mut nora = appli.navigateur();
    nora.connecter(NORA, NORA_MDP).await;
    assert_eq!(
        nora.get("/administration/comptes").await.status,
        StatusCode::FORBIDDEN
    );
    let mut admin = appli.connecte(ADMIN).await;
    let page = admin.get("/administration/journal").await;
    assert_eq!(page.status, StatusCode::OK);
    let texte = page.texte();
    assert!(
        texte.contains("conservé <strong>12 mois</strong>"),
        "{texte}"
    );
    assert!(texte.contains("Aucune purge n'a encore eu lieu"));
    let refus = admin
        .get("/administration/journal?genre=refus")
        .await
        .texte();
    assert!(refus.contains("GET /administration/comptes") && refus.contains(NORA));
    assert!(!refus.contains("rôle pilote:caen-2019:2 attribué"));
    let connexions = admin
        .get(&format!(
            "/administration/journal?genre=connexion&personne={PILOTE}"
        ))
        .await
        .texte();
    assert!(connexions.contains("échec de connexion") && connexions.contains("par mot de passe"));
    assert!(!connexions.contains(COORDINATRICE));
    let modifications = admin
        .get("/administration/journal?genre=modification&personne=COORDINATRICE")
        .await
        .texte();
    assert!(modifications.contains("rôle pilote:caen-2019:2 attribué"));
    // By contract: its creation, not the other's.
    let caen = admin
        .get("/administration/journal?contrat=caen-2019")
        .await
        .texte();
    assert!(caen.contains("contrat caen-2019") && !caen.contains("contrat soissons-2019"));
    // A period without any entry; bad filters said in French.
    let ancien = admin
        .get("/administration/journal?du=01/01/2020&au=31/12/2020")
        .await;
    assert!(
        ancien
            .texte()
            .contains("Aucune entrée ne répond à ces critères")
    );
    for (requete, message) in [
        ("du=32/13/2026", "Date « 32/13/2026 » illisible"),
        (
            "du=05/12/2026&au=01/12/2026",
            "La période finit avant de commencer",
        ),
        (
            "contrat=Pas%20un%20id",
            "Identifiant de contrat « Pas un id » invalide",
        ),
        ("genre=tout", "Genre « tout » inconnu"),
    ] {
        let r = admin
            .get(&format!("/administration/journal?{requete}"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{requete}");
        assert!(r.texte().contains(message), "{requete} : {}", r.texte());
    }
    // The export: the same filters, as CSV.
    let csv = admin
        .get("/administration/journal.csv?genre=modification&personne=coordinatrice")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.entete("content-type").unwrap().starts_with("text/csv"));
    let lignes: Vec<&str> = csv.corps.lines().collect();
    assert!(lignes[0].contains("Horodatage (UTC);Qui;Origine;Genre;Action;Objet;Détail"));
    assert!(lignes.len() > 2);
    assert!(lignes[1..].iter().all(|l| l.contains(COORDINATRICE)));
    // Pages of a hundred, the older entries next.
    let maintenant = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut valeurs = Vec::new();
    for i in 0..150 {
        valeurs.push(format!(
            "({}, 'pagination@essai.fr', 'essai', 'modification', 'objet {i:03}', NULL)",
            maintenant - 1000 + i
        ));
    }
    appli
        .sql(&format!(
            "INSERT INTO journal (horodatage, qui, origine, action, objet, detail) VALUES {}",
            valeurs.join(", ")
        ))
        .await;
    let premiere = admin
        .get("/administration/journal?personne=pagination")
        .await;
    assert_eq!(premiere.corps.matches("<td>objet ").count(), 100);
    assert!(premiere.corps.contains("objet 149") && !premiere.corps.contains("objet 049"));
    let marque = "fr-pagination__link--lg-label\" href=\"";
    let texte = premiere.texte();
    let debut = texte.find(marque).unwrap() + marque.len();
    let suivante = texte[debut..].split('"').next().unwrap().to_owned();
    let suivante = admin.get(&suivante).await;
    assert_eq!(suivante.corps.matches("<td>objet ").count(), 50);
    assert!(suivante.corps.contains("objet 049") && !suivante.corps.contains("objet 050"));
    // A purge is shown with what it removed.
    journal::purger(&appli.store, 30).await.unwrap();
    let apres = admin.get("/administration/journal").await.texte();
    assert!(apres.contains("Dernière purge"), "{apres}");
    assert!(apres.contains("0 entrée(s) de plus de 30 jours supprimée(s)"));
    // Read by administrators only.
    let mut cumul = appli.connecte(CUMUL).await;
    assert_eq!(
        cumul.get("/administration/journal").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn chacun_telecharge_ce_que_pilote_garde_de_lui(appli: &Appli) {
    let mut pilote = appli.navigateur();
    pilote.connecter(NORA, NORA_MDP).await;
    let page = pilote.get("/compte").await.texte();
    assert!(page.contains("Mes données") && page.contains("Mes dernières actions au journal"));
    assert!(
        page.contains("<title>Mon compte — Pilote (essai)</title>"),
        "{page}"
    );
    let r = pilote.get("/compte/donnees.json").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.entete("content-disposition")
            .unwrap()
            .contains("mes-donnees-pilote.json")
    );
    let donnees: serde_json::Value = serde_json::from_str(&r.corps).unwrap();
    assert_eq!(donnees["email"], NORA);
    assert!(!donnees["roles"].as_array().unwrap().is_empty());
    let journal = donnees["journal"].as_array().unwrap();
    assert!(!journal.is_empty());
    // Only the entries of their own actions.
    assert!(journal.iter().all(|e| e["qui"] == NORA), "{journal:?}");
    assert!(!r.corps.contains(COORDINATRICE));
    let public = appli.navigateur().get("/compte/donnees.json").await;
    assert_eq!(public.status, StatusCode::SEE_OTHER);
}

/// Several managers granting at once: each distinct grant saved once, the same grant sent
/// twice saved once and refused once as held already, no server error.
async fn des_attributions_simultanees_ne_se_perdent_pas(appli: &Appli) {
    let cible = id(appli, CUMUL).await;
    let mut taches = Vec::new();
    for i in 0..8 {
        let store = appli.store.clone();
        taches.push(tokio::spawn(async move {
            let fiche = if i < 4 { "2" } else { "3" };
            let role = Role::parse(&format!("pilote:caen-2019:{fiche}")).unwrap();
            administration::attribuer(&store, &Auteur::ligne_de_commande(), cible, &role).await
        }));
    }
    let mut faits = 0;
    for t in taches {
        match t.await.unwrap() {
            Ok(()) => faits += 1,
            Err(pilote_store::StoreError::Conflict(m)) => assert!(m.contains("a déjà le rôle")),
            Err(autre) => panic!("{autre}"),
        }
    }
    assert_eq!(faits, 2);
    let tenus = roles(appli, CUMUL).await;
    for role in ["pilote:caen-2019:2", "pilote:caen-2019:3"] {
        assert_eq!(tenus.iter().filter(|r| *r == role).count(), 1, "{tenus:?}");
    }
}

/// Managers at work at once over HTTP: grants, withdrawals, lists and account pages read
/// meanwhile. No server error; every acknowledged grant is there, every acknowledged
/// withdrawal too; the same role withdrawn twice at once is withdrawn once.
async fn des_gestionnaires_a_l_oeuvre_en_meme_temps(appli: &Appli) {
    let cible = id(appli, NORA).await;
    let mut navigateurs = Vec::new();
    for email in [ADMIN, COORDINATRICE, ADMIN, COORDINATRICE] {
        navigateurs.push(appli.connecte(email).await);
    }
    let adresse = format!("/administration/comptes/{cible}");
    let reponses = join_all(navigateurs.iter_mut().enumerate().map(|(k, n)| {
        let adresse = adresse.clone();
        async move {
            let mut statuts = Vec::new();
            for tour in 0..3 {
                // Each manager grants pilots' roles, the same ones as others some turns, then
                // withdraws the partner's role all of them withdraw.
                let fiche = format!("{}", 1 + (k + tour) % 3);
                let r = n
                    .post(
                        &format!("{adresse}/roles"),
                        &[
                            ("nature", "pilote"),
                            ("portee", "caen-2019"),
                            ("fiche", &fiche),
                        ],
                    )
                    .await;
                statuts.push(("attribution", fiche.clone(), r.status));
                let r = n
                    .post(
                        &format!("{adresse}/roles/retrait"),
                        &[("role", "partenaire:caen-2019")],
                    )
                    .await;
                statuts.push(("retrait", String::new(), r.status));
                statuts.push((
                    "liste",
                    String::new(),
                    n.get("/administration/comptes").await.status,
                ));
                statuts.push(("page", String::new(), n.get(&adresse).await.status));
            }
            statuts
        }
    }))
    .await;
    let statuts: Vec<_> = reponses.into_iter().flatten().collect();
    assert!(
        statuts.iter().all(|(_, _, s)| !s.is_server_error()),
        "{statuts:?}"
    );
    // The partner's role, withdrawn by several at once: once acknowledged, the others told it
    // is no longer held.
    let retraits: Vec<StatusCode> = statuts
        .iter()
        .filter(|(quoi, _, _)| *quoi == "retrait")
        .map(|(_, _, s)| *s)
        .collect();
    assert_eq!(
        retraits
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count(),
        1,
        "{retraits:?}"
    );
    assert!(
        retraits
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::NOT_FOUND)
    );
    let tenus = roles(appli, NORA).await;
    assert!(
        !tenus.contains(&"partenaire:caen-2019".to_owned()),
        "{tenus:?}"
    );
    // Every grant acknowledged is held, once; a grant refused was held already.
    for (quoi, fiche, statut) in &statuts {
        if *quoi == "attribution" {
            let role = format!("pilote:caen-2019:{fiche}");
            assert!(
                *statut == StatusCode::SEE_OTHER || *statut == StatusCode::CONFLICT,
                "{role} : {statut}"
            );
            assert_eq!(tenus.iter().filter(|r| **r == role).count(), 1, "{tenus:?}");
        }
    }
}

async fn scenario(appli: &Appli) {
    preparer(appli).await;
    la_delegation_borne_ce_que_chacun_attribue(appli).await;
    un_compte_se_cree_avec_un_lien_a_usage_unique(appli).await;
    un_compte_se_desactive_se_reinitialise_et_perd_ses_sessions(appli).await;
    le_journal_se_filtre_se_pagine_et_s_exporte(appli).await;
    chacun_telecharge_ce_que_pilote_garde_de_lui(appli).await;
    des_attributions_simultanees_ne_se_perdent_pas(appli).await;
    des_gestionnaires_a_l_oeuvre_en_meme_temps(appli).await;
}

#[tokio::test]
async fn l_administration_des_comptes_sur_sqlite() {
    scenario(&Appli::demarrer("http://localhost", None).await).await;
}

#[tokio::test]
async fn l_administration_des_comptes_sur_postgresql() {
    let nom = format!("pilote_administration_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : scénario PostgreSQL non exécuté");
        return;
    };
    scenario(&appli).await;
    base.supprimer(appli).await;
}
