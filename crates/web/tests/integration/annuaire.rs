//! The partners directory's page: an entry corrected for every contract that names it,
//! duplicates merged, refusals said with nothing changed, kept by administrators and national
//! ARS agents only.

use axum::http::StatusCode;
use pilote_store::{annuaire, import};

use crate::support::application::Appli;

/// Three published contracts: two name the ARS under two spellings, the third names both.
async fn appli() -> Appli {
    let mut contrats = Vec::new();
    for (id, parties) in [
        ("caen-2025", vec!["ARS Normandie"]),
        ("lisieux-2025", vec!["ARS de Normandie"]),
        (
            "bayeux-2025",
            vec!["ARS Normandie", "ARS de Basse-Normandie"],
        ),
    ] {
        let mut texte = format!(
            "id = \"{id}\"\nnom = \"CLS {id}\"\ngeneration = 1\npublie = true\n\
             territoire = {{ communes = [\"14118\"] }}\n"
        );
        for nom in parties {
            texte.push_str(&format!(
                "[[parties]]\norganisation = {{ nom = \"{nom}\", nature = \"ars\" }}\n\
                 roles = [\"signataire\"]\n"
            ));
        }
        contrats.push(import::lire(id, &texte).unwrap());
    }
    let comptes = [
        ("admin@pilote.fr", "administrateur"),
        ("ars@normandie.fr", "ars:region:28"),
        ("coord@caen.fr", "coordinateur:caen-2025"),
    ];
    Appli::avec(&contrats, &comptes).await
}

/// The directory's entry named `nom`.
async fn entree(appli: &Appli, nom: &str) -> String {
    let entrees = annuaire::lister(&appli.store).await.unwrap();
    let trouvee = entrees.iter().find(|i| i.organisation.nom == nom);
    trouvee.expect("l'entrée").id.to_string()
}

#[tokio::test]
async fn l_annuaire_se_corrige_et_ses_doublons_se_fusionnent() {
    let appli = appli().await;
    let mut a = appli.connecte("admin@pilote.fr").await;
    assert!(
        a.get("/contrats")
            .await
            .texte()
            .contains("Annuaire des partenaires")
    );
    let page = a.get("/annuaire").await;
    assert_eq!(page.status, StatusCode::OK);
    let texte = page.texte();
    assert!(texte.contains("Les 3 organisations"), "{texte}");
    assert!(texte.contains("<a href=\"/contrats/bayeux-2025\">CLS bayeux-2025</a>"));

    // A correction holds for every contract; one that would make a duplicate is refused.
    let basse = entree(&appli, "ARS de Basse-Normandie").await;
    let r = a
        .post(
            "/annuaire/modification",
            &[
                ("entree", &basse),
                ("nom", "ARS Normandie"),
                ("nature", "ars"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte().contains("fusionnez les deux entrées"),
        "{}",
        r.texte()
    );
    assert!(
        r.texte().contains("value=\"ARS Normandie\""),
        "saisie perdue"
    );
    assert_eq!(r.entete("hx-push-url"), Some("/annuaire"));
    let r = a
        .post(
            "/annuaire/modification",
            &[
                ("entree", &basse),
                ("nom", "ARS Normandie (ex-Basse-Normandie)"),
                ("nature", "ars"),
                ("siren", "12"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.corps
            .contains(&format!("aria-describedby=\"entree-{basse}-siren-erreur\""))
    );
    let r = a
        .post(
            "/annuaire/modification",
            &[
                ("entree", &basse),
                ("nom", "ARS Normandie (délégation du Calvados)"),
                ("nature", "ars"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some(format!("/annuaire?fait=entree-{basse}#entree-{basse}").as_str())
    );
    let publique = appli
        .navigateur()
        .get("/contrats/bayeux-2025")
        .await
        .texte();
    assert!(
        publique.contains("ARS Normandie (délégation du Calvados)"),
        "la page publique suit"
    );

    // Merging: refused while a contract names both, done otherwise.
    let (normandie, de_normandie) = (
        entree(&appli, "ARS Normandie").await,
        entree(&appli, "ARS de Normandie").await,
    );
    let r = a
        .post(
            "/annuaire/fusion",
            &[("garder", &normandie), ("doublon", &basse)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte()
            .contains("sont toutes deux parties de bayeux-2025"),
        "{}",
        r.texte()
    );
    let r = a
        .post(
            "/annuaire/fusion",
            &[("garder", &normandie), ("doublon", &normandie)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("deux entrées différentes"));
    let r = a
        .post(
            "/annuaire/fusion",
            &[("garder", &normandie), ("doublon", &de_normandie)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let entrees = annuaire::lister(&appli.store).await.unwrap();
    assert_eq!(entrees.len(), 2);
    let gardee = entrees
        .iter()
        .find(|i| i.organisation.nom == "ARS Normandie")
        .unwrap();
    assert_eq!(gardee.contrats, 3, "Caen, Lisieux et Bayeux la nomment");
    let lisieux = appli
        .navigateur()
        .get("/contrats/lisieux-2025")
        .await
        .texte();
    assert!(lisieux.contains("ARS Normandie") && !lisieux.contains("ARS de Normandie"));
    let journal = pilote_store::journal::dernieres(&appli.store, 10)
        .await
        .unwrap();
    assert!(journal.iter().any(|e| e.action == "fusion"
        && e.detail.as_deref().is_some_and(|d| {
            d.contains("ARS de Normandie (Agence régionale de santé) fusionnée")
        })));
}

#[tokio::test]
async fn seuls_l_administration_et_l_ars_nationale_tiennent_l_annuaire() {
    let appli = appli().await;
    for email in ["ars@normandie.fr", "coord@caen.fr"] {
        let mut n = appli.connecte(email).await;
        assert!(
            !n.get("/contrats")
                .await
                .texte()
                .contains("Annuaire des partenaires")
        );
        assert_eq!(
            n.get("/annuaire").await.status,
            StatusCode::FORBIDDEN,
            "{email}"
        );
        let r = n
            .post(
                "/annuaire/modification",
                &[("entree", "1"), ("nom", "Intrus"), ("nature", "ars")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{email}");
    }
    let entrees = annuaire::lister(&appli.store).await.unwrap();
    assert!(entrees.iter().all(|i| i.organisation.nom != "Intrus"));
}
