//! `pilote donnees` as an administrator runs it on the server: what is missing listed with
//! where to find it, a file loaded with its source and vintage, a bad one refused with its
//! line and column and nothing loaded, an older vintage confirmed, bad lines set aside.

use crate::acces::pilote;

#[test]
fn les_donnees_de_reference_se_chargent_en_ligne_de_commande() {
    let dossier = tempfile::tempdir().unwrap();
    let d = dossier.path();
    let base = format!("sqlite://{}", d.join("pilote.db").display());
    let donnees = |arguments: &[&str]| {
        let mut tous = vec!["--database-url", base.as_str(), "donnees"];
        tous.extend_from_slice(arguments);
        pilote(d, &tous)
    };
    let (reussi, texte) = donnees(&["liste"]);
    assert!(reussi, "{texte}");
    assert!(texte.contains(
        "Centroïdes des communes : aucun fichier chargé ; où le trouver : CSV code_insee, lat, lon"
    ));

    std::fs::write(
        d.join("centroides.csv"),
        "code_insee,lat,lon\n14118,49.18,-0.37\n02311,49.45,3.55\n",
    )
    .unwrap();
    let charger = |millesime: &str, options: &[&str]| {
        let mut arguments = vec![
            "charger",
            "--nature",
            "centroides",
            "--source",
            "IGN, ADMIN EXPRESS",
            "--millesime",
            millesime,
        ];
        arguments.extend_from_slice(options);
        arguments.push("centroides.csv");
        donnees(&arguments)
    };
    let (reussi, texte) = charger("2026", &[]);
    assert!(!reussi);
    assert!(
        texte.contains(
            "centroides.csv, ligne 3, colonne 1 « code_insee » : code « 02311 » inconnu de la géographie officielle (commune)"
        ),
        "{texte}"
    );
    let (reussi, texte) = charger("2024", &["--ecarter-lignes-fautives"]);
    assert!(!reussi);
    assert!(texte.contains("millésime 2024 antérieur à celui de la géographie officielle"));
    let (reussi, texte) = charger("deux mille", &[]);
    assert!(!reussi);
    assert!(
        texte.contains("millésime « deux mille » : indiquez une année"),
        "{texte}"
    );
    let (_, texte) = donnees(&["liste"]);
    assert!(
        texte.contains("Centroïdes des communes : aucun fichier chargé"),
        "rien de chargé"
    );

    let (reussi, texte) = charger(
        "2024",
        &["--millesime-anterieur", "--ecarter-lignes-fautives"],
    );
    assert!(reussi, "{texte}");
    assert!(texte.contains(
        "Centroïdes des communes : fichier « centroides.csv » chargé, 1 commune(s) situées (IGN, ADMIN EXPRESS, millésime 2024)."
    ));
    assert!(texte.contains("1 ligne(s) écartée(s) :\n  ligne 3, colonne 1 « code_insee »"));
    let (_, texte) = donnees(&["liste"]);
    assert!(
        texte.contains("Centroïdes des communes : 1 commune(s) situées de centroides.csv (IGN, ADMIN EXPRESS, millésime 2024), chargé le "),
        "{texte}"
    );
}
