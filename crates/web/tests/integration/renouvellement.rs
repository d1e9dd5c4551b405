//! Renewal: the next generation of an ended contract, with the actions chosen, linked both
//! ways.

use crate::support::application::{Appli, contrat as contrat_essai};
use axum::http::StatusCode;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_domain::contrat::StatutContrat;
use pilote_store::{compte, contrat};

const MDP: &str = "un mot de passe assez long";

async fn appli(statut: StatutContrat) -> Appli {
    let appli = Appli::demarrer("http://localhost", None).await;
    let mut k = contrat_essai("caen-2019", true, &["14118"], 3);
    k.statut = Some(statut);
    k.periode = Some(pilote_domain::Periode::new(2019, Some(2023)).unwrap());
    contrat::creer(&appli.store, &k).await.unwrap();
    for (email, role) in [
        ("ars@normandie.fr", "ars:region:28"),
        ("coord@caen.fr", "coordinateur:caen-2019"),
    ] {
        let roles = vec![Role::parse(role).unwrap()];
        compte::creer(
            &appli.store,
            &Email::parse(email).unwrap(),
            None,
            MDP,
            &roles,
        )
        .await
        .unwrap();
    }
    appli
}

#[tokio::test]
async fn l_ars_prepare_la_generation_suivante_avec_les_actions_choisies() {
    let appli = appli(StatutContrat::Clos).await;
    let mut ars = appli.navigateur();
    ars.connecter("ars@normandie.fr", MDP).await;
    let pilotage = ars.get("/contrats/caen-2019/pilotage").await.texte();
    assert!(pilotage.contains("Génération suivante"));
    let page = ars.get("/contrats/caen-2019/renouvellement").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.corps.contains("value=\"caen-2024\""),
        "identifiant proposé"
    );

    let r = ars
        .post(
            "/contrats/caen-2019/renouvellement",
            &[
                ("identifiant", "caen-2025"),
                ("nom", "CLS de Caen 2025-2029"),
                ("periode", "2025-2029"),
                ("fiches", "1"),
                ("fiches", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some("/contrats/caen-2025/pilotage?fait=creation")
    );
    let nouveau = ars.get("/contrats/caen-2025").await.texte();
    assert!(nouveau.contains("2e génération"));
    assert!(nouveau.contains("<a href=\"/contrats/caen-2019\">CLS d'essai caen-2019</a>"));
    assert!(nouveau.contains("Action 1 de caen-2019"));
    assert!(nouveau.contains("Action 3 de caen-2019"));
    assert!(!nouveau.contains("Action 2 de caen-2019"));
    assert!(nouveau.contains("Non publié"));
    let ancien = ars.get("/contrats/caen-2019").await.texte();
    assert!(ancien.contains("<a href=\"/contrats/caen-2025\">CLS de Caen 2025-2029</a>"));
    assert!(ancien.contains(
        "<td>génération suivante</td><td>—</td><td>CLS de Caen 2025-2029 (caen-2025)</td>"
    ));
}

#[tokio::test]
async fn un_renouvellement_fautif_ou_non_permis_est_refuse() {
    let appli = appli(StatutContrat::EnCours).await;
    let mut ars = appli.navigateur();
    ars.connecter("ars@normandie.fr", MDP).await;
    assert!(
        !ars.get("/contrats/caen-2019")
            .await
            .texte()
            .contains("Préparer la génération suivante")
    );
    let bon = [
        ("identifiant", "caen-2025"),
        ("nom", "CLS 2025"),
        ("fiches", "1"),
    ];
    for (champs, message) in [
        (
            vec![("identifiant", "Caen 2025"), ("nom", "x")],
            "Caen 2025",
        ),
        (
            vec![("identifiant", "caen-2025"), ("nom", "")],
            "Indiquez le nom du nouveau contrat.",
        ),
        (
            vec![
                ("identifiant", "caen-2025"),
                ("nom", "x"),
                ("periode", "bientôt"),
            ],
            "bientôt",
        ),
        (bon.to_vec(), "n'est ni en évaluation ni clos"),
        (
            vec![("identifiant", "caen-2019"), ("nom", "x")],
            "n'est ni en évaluation ni clos",
        ),
    ] {
        let r = ars
            .post("/contrats/caen-2019/renouvellement", &champs)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{champs:?}");
        assert!(r.texte().contains(message), "{message}\n{}", r.texte());
        assert!(r.corps.contains("value=\""), "saisies gardées");
    }
    // Closed, but an action that does not exist, or an identifier taken.
    appli
        .sql("UPDATE contrat SET statut = 'clos' WHERE id = 'caen-2019'")
        .await;
    for (champs, message) in [
        (
            vec![("identifiant", "caen-2025"), ("nom", "x"), ("fiches", "9")],
            "Le contrat n'a pas de fiche-action n°9.",
        ),
        (
            vec![("identifiant", "caen-2019"), ("nom", "x")],
            "un contrat ne peut pas être son propre précédent.",
        ),
    ] {
        let r = ars
            .post("/contrats/caen-2019/renouvellement", &champs)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{champs:?}");
        assert!(r.texte().contains(message), "{message}\n{}", r.texte());
    }
    assert_eq!(
        ars.get("/contrats/caen-2025").await.status,
        StatusCode::NOT_FOUND
    );
    let r = ars.post("/contrats/caen-2019/renouvellement", &bon).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = ars.post("/contrats/caen-2019/renouvellement", &bon).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("Un contrat « caen-2025 » existe déjà."));
    // The coordinator may change the contract but not create one.
    let mut coord = appli.navigateur();
    coord.connecter("coord@caen.fr", MDP).await;
    assert_eq!(
        coord.get("/contrats/caen-2019/renouvellement").await.status,
        StatusCode::FORBIDDEN
    );
    let r = coord.post("/contrats/caen-2019/renouvellement", &bon).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
