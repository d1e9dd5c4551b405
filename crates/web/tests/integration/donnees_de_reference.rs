//! The reference data's administration page (`/administration/donnees`), on SQLite and
//! PostgreSQL: what is missing said with where to find it; a file loaded with its source and
//! vintage; every bad upload refused with its message beside the form, nothing loaded, the
//! previous file still in use; only an administrator reaches it.

use axum::http::StatusCode;

use crate::support::application::{Appli, MDP_ESSAI};

const COMPTES: [(&str, &str); 2] = [
    ("admin@pilote.fr", "administrateur"),
    ("ars@france.fr", "ars:national"),
];

async fn scenario(appli: &Appli) {
    for (email, role) in COMPTES {
        let roles = vec![pilote_domain::autorisation::Role::parse(role).unwrap()];
        let email = pilote_domain::compte::Email::parse(email).unwrap();
        pilote_store::compte::creer(&appli.store, &email, None, MDP_ESSAI, &roles)
            .await
            .unwrap();
    }
    // The public is sent to sign in; an ARS agent, even national, is refused.
    let mut public = appli.navigateur();
    let reponse = public.get("/administration/donnees").await;
    assert_eq!(reponse.status, StatusCode::SEE_OTHER);
    let mut agent = appli.connecte("ars@france.fr").await;
    let reponse = agent.get("/administration/donnees").await;
    assert_eq!(reponse.status, StatusCode::FORBIDDEN);
    assert!(
        reponse
            .texte()
            .contains("Seul un administrateur de la plateforme charge les données de référence")
    );
    assert!(
        !agent
            .get("/")
            .await
            .corps
            .contains("/administration/donnees")
    );
    let reponse = agent
        .deposer(
            "/administration/donnees/centroides",
            &[("source", "IGN"), ("millesime", "2026")],
            ("c.csv", b"code_insee,lat,lon\n14118,49.18,-0.37\n"),
        )
        .await;
    assert_eq!(reponse.status, StatusCode::FORBIDDEN);

    let mut admin = appli.connecte("admin@pilote.fr").await;
    assert!(
        admin
            .get("/")
            .await
            .corps
            .contains("href=\"/administration/donnees\"")
    );
    let page = admin.get("/administration/donnees").await;
    assert_eq!(page.status, StatusCode::OK);
    let texte = page.texte();
    assert_eq!(texte.matches("Non chargé.").count(), 4, "{texte}");
    assert!(texte.contains("BD ADMIN EXPRESS de l'IGN"));

    // Another tab of the same browser sends the files.
    let onglet = admin.clone();
    let charger = |champs: Vec<(&'static str, &'static str)>, fichier: &'static str| {
        let mut onglet = onglet.clone();
        async move {
            onglet
                .deposer(
                    "/administration/donnees/centroides",
                    &champs,
                    ("centroides.csv", fichier.as_bytes()),
                )
                .await
        }
    };
    let reponse = charger(
        vec![("source", "IGN, ADMIN EXPRESS"), ("millesime", "2026")],
        "code_insee,lat,lon\n14118,49.18,-0.37\n76351,49.49,0.11\n",
    )
    .await;
    assert_eq!(reponse.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reponse.redirection(),
        Some("/administration/donnees?fait=centroides#centroides")
    );
    let page = admin
        .get("/administration/donnees?fait=centroides")
        .await
        .texte();
    assert!(page.contains("Le fichier est chargé et en usage."));
    assert!(page.contains("<dd>IGN, ADMIN EXPRESS</dd>"));
    assert!(page.contains("<dd>2 commune(s) situées</dd>"));
    assert_eq!(page.matches("Non chargé.").count(), 3);

    // Each bad upload comes back with its message and what was typed; nothing is loaded.
    let fautes = [
        (
            vec![("source", "IGN"), ("millesime", "2026")],
            "code_insee,lat,lon\nABCDE,49.18,-0.37\n",
            "Fichier refusé, rien n'est chargé : centroides.csv, ligne 2, colonne 1 « code_insee » : code « ABCDE » inconnu de la géographie officielle (commune).",
            "fichier",
        ),
        (
            vec![("source", "IGN"), ("millesime", "2026")],
            "insee;lat;lon\n14118;49,18;-0,37\n",
            "Fichier refusé, rien n'est chargé : centroides.csv, ligne 1 : colonne « code_insee » absente ; colonnes trouvées : insee, lat, lon.",
            "fichier",
        ),
        (
            vec![("source", "IGN"), ("millesime", "deux mille")],
            "code_insee,lat,lon\n14118,49.18,-0.37\n",
            "Millésime « deux mille » : indiquez une année de 1990 à",
            "millesime",
        ),
        (
            vec![("source", "IGN"), ("millesime", "2024")],
            "code_insee,lat,lon\n14118,49.18,-0.37\n",
            "Millésime 2024 antérieur à celui de la géographie officielle de Pilote (2026)",
            "millesime",
        ),
        (
            vec![("source", ""), ("millesime", "2026")],
            "code_insee,lat,lon\n14118,49.18,-0.37\n",
            "Source manquante : nommez qui publie ces données.",
            "source",
        ),
        (
            vec![("source", "IGN"), ("millesime", "2026")],
            "",
            "Joignez le fichier à charger.",
            "fichier",
        ),
    ];
    for (champs, fichier, attendu, champ) in fautes {
        let reponse = charger(champs.clone(), fichier).await;
        assert_eq!(reponse.status, StatusCode::BAD_REQUEST, "{attendu}");
        let texte = reponse.texte();
        assert!(texte.contains(attendu), "{attendu} absent de :\n{texte}");
        assert!(texte.contains("aria-invalid=\"true\""));
        assert!(
            texte.contains(&format!("aria-describedby=\"centroides-{champ}-erreur\"")),
            "{attendu} : pas à côté du champ {champ}"
        );
        assert!(
            texte.contains(&format!("value=\"{}\"", champs[1].1)),
            "saisie gardée"
        );
        assert!(
            texte.contains("<dd>2 commune(s) situées</dd>"),
            "l'ancien fichier en usage"
        );
    }
    let reponse = admin.get("/administration/donnees/inconnue").await;
    assert_eq!(reponse.status, StatusCode::METHOD_NOT_ALLOWED);
    let reponse = admin
        .deposer(
            "/administration/donnees/inconnue",
            &[("source", "IGN"), ("millesime", "2026")],
            ("x.csv", b"a\n"),
        )
        .await;
    assert_eq!(reponse.status, StatusCode::NOT_FOUND);
    assert!(
        reponse
            .texte()
            .contains("Nature de données inconnu(e) « inconnue »")
    );

    // Bad lines set aside on request, and listed under the file in use.
    let reponse = charger(
        vec![
            ("source", "IGN"),
            ("millesime", "2024"),
            ("millesime_anterieur", "oui"),
            ("ecarter", "oui"),
        ],
        "code_insee,lat,lon\n14118,49.18,-0.37\n02311,49.45,3.55\n",
    )
    .await;
    assert_eq!(reponse.status, StatusCode::SEE_OTHER);
    let page = admin.get("/administration/donnees").await.texte();
    assert!(
        page.contains("<dd>1 commune(s) situées</dd>")
            && page.contains("<dt>Lignes écartées</dt><dd>1</dd>"),
        "{page}"
    );
    assert!(page.contains(
        "<li>ligne 3, colonne 1 « code_insee » : code « 02311 » inconnu de la géographie officielle (commune)</li>"
    ));
}

#[tokio::test]
async fn l_administrateur_charge_les_donnees_de_reference_sur_sqlite() {
    let appli = Appli::avec(&[], &[]).await;
    scenario(&appli).await;
}

#[tokio::test]
async fn l_administrateur_charge_les_donnees_de_reference_sur_postgresql() {
    let nom = format!("pilote_donnees_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : données de référence PostgreSQL non exercées");
        return;
    };
    scenario(&appli).await;
    base.supprimer(appli).await;
}
