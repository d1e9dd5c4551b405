//! Open data (`/donnees`), on SQLite and PostgreSQL: the page lists the files, their schemas
//! and their licence; every published contract together as XLSX, JSON and one CSV per sheet,
//! each CSV described by a Table Schema naming its very columns; nothing unpublished; a file
//! that does not exist refused in French.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Reader, open_workbook_auto_from_rs};

use crate::support::application::{Appli, contrat};

const FEUILLES: [&str; 14] = [
    "contrats",
    "axes",
    "objectifs",
    "fiches-actions",
    "budget",
    "indicateurs",
    "mesures",
    "etapes",
    "notes",
    "instances",
    "reunions",
    "decisions",
    "partenaires",
    "coordination",
];

async fn scenario(appli: &Appli) {
    for c in [
        contrat("caen-2024", true, &["14118"], 2),
        contrat("angers-2023", true, &["49007"], 3),
        contrat("cherbourg-2025", false, &["50129"], 1),
    ] {
        pilote_store::contrat::creer(&appli.store, &c)
            .await
            .unwrap();
    }
    let mut public = appli.navigateur();

    let page = public.get("/donnees").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.corps
            .contains("Licence Ouverte / Open Licence version 2.0")
    );
    assert!(
        page.corps
            .contains("Dernière modification d'un contrat publié"),
        "{}",
        page.corps
    );
    assert!(
        page.corps
            .contains("href=\"/donnees/fiches-actions.schema.json\"")
    );
    assert!(
        page.corps
            .contains("href=\"/contrats/caen-2024/export.xlsx\"")
    );
    assert!(!page.corps.contains("cherbourg"));
    assert!(!page.corps.contains("historique.csv"));

    // Each sheet as CSV, described by its schema: the same columns, in order.
    for code in FEUILLES {
        let csv = public.get(&format!("/donnees/{code}.csv")).await;
        assert_eq!(csv.status, StatusCode::OK, "{code}");
        assert_eq!(csv.entete("content-type"), Some("text/csv; charset=utf-8"));
        assert!(!csv.corps.contains("cherbourg"), "{code}");
        let entetes: Vec<String> = csv
            .corps
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap()
            .split(';')
            .map(|c| c.trim_matches('"').to_owned())
            .collect();
        let schema = public.get(&format!("/donnees/{code}.schema.json")).await;
        assert_eq!(schema.status, StatusCode::OK, "{code}");
        let schema: serde_json::Value = serde_json::from_str(&schema.corps).unwrap();
        let champs: Vec<String> = schema["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(champs, entetes, "{code}");
        assert_eq!(schema["licenses"][0]["name"], "etalab-2.0");
    }
    let fiches = public.get("/donnees/fiches-actions.csv").await.corps;
    assert!(fiches.contains("caen-2024") && fiches.contains("angers-2023"));

    // All of them as JSON, in the import format, with the licence and the last change.
    let json = public.get("/donnees/contrats.json").await;
    assert_eq!(json.status, StatusCode::OK);
    let jeu: serde_json::Value = serde_json::from_str(&json.corps).unwrap();
    assert_eq!(jeu["licence"], "Licence Ouverte / Open Licence version 2.0");
    assert!(jeu["modifie_le"].as_str().unwrap().starts_with("20"));
    let ids: Vec<&str> = jeu["contrats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"caen-2024") && ids.contains(&"angers-2023"));

    // And as a workbook.
    let xlsx = public.get("/donnees/contrats.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let mut classeur = open_workbook_auto_from_rs(Cursor::new(xlsx.octets.clone())).unwrap();
    let contrats = classeur.worksheet_range("Contrat").unwrap();
    assert_eq!(contrats.rows().count(), 3, "a header and two contracts");

    // What is not there is said so.
    for fichier in [
        "historique.csv",
        "historique.schema.json",
        "contrats.pdf",
        "x",
    ] {
        let r = public.get(&format!("/donnees/{fichier}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{fichier}");
        assert!(r.corps.contains("dans les données ouvertes"), "{fichier}");
    }
}

#[tokio::test]
async fn les_donnees_ouvertes_se_telechargent_avec_leur_schema_sur_sqlite() {
    let appli = Appli::avec(&[], &[]).await;
    scenario(&appli).await;
}

#[tokio::test]
async fn les_donnees_ouvertes_se_telechargent_avec_leur_schema_sur_postgresql() {
    let nom = format!("pilote_donnees_ouvertes_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : données ouvertes PostgreSQL non exercées");
        return;
    };
    scenario(&appli).await;
    base.supprimer(appli).await;
}
