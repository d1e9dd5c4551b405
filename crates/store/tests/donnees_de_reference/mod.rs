//! Reference data loaded by the administrator, on both backends: each nature loaded with its
//! source and vintage; every bad file refused whole with its file, line and column named, the
//! previous vintage still in use; loads racing with reads never show half a file. The real
//! centroids of `../shared/data/communes_centroides.csv` are loaded when present.

use std::io::Cursor;

use pilote_domain::autorisation::Role;
use pilote_domain::diagnostic::Echelons;
use pilote_domain::donnees_de_reference::Nature;
use pilote_store::donnees_de_reference::{self, Declaration, communes_situees, jeux};
use pilote_store::{Auteur, Store, StoreError};

fn administrateur() -> Auteur {
    Auteur::ligne_de_commande()
}

fn declaration(nature: Nature, fichier: &str, millesime: u16) -> Declaration {
    Declaration {
        nature,
        source: "Essai".into(),
        millesime,
        fichier: fichier.into(),
        millesime_confirme: false,
        ecarter_lignes_fautives: false,
    }
}

async fn charger(
    store: &Store,
    declaration: &Declaration,
    contenu: &str,
) -> Result<donnees_de_reference::Chargement, StoreError> {
    donnees_de_reference::charger(
        store,
        &administrateur(),
        declaration,
        Cursor::new(contenu.to_owned().into_bytes()),
    )
    .await
}

/// The message of a refused load.
async fn refus(store: &Store, declaration: &Declaration, contenu: &str) -> String {
    match charger(store, declaration, contenu).await {
        Err(StoreError::Invalid(message)) => message,
        autre => panic!("refus attendu, obtenu {autre:?}"),
    }
}

const CENTROIDES: &str = "code_insee,lat,lon\n14118,49.18,-0.37\n76351,49.49,0.11\n\
    2A004,41.93,8.74\n97411,-20.88,55.45\n";

pub(crate) async fn les_donnees_de_reference_se_chargent_tout_ou_rien(store: &Store) {
    assert!(jeux(store).await.unwrap().is_empty());
    let centroides = declaration(Nature::Centroides, "centroides.csv", 2026);
    let charge = charger(store, &centroides, CENTROIDES).await.unwrap();
    assert_eq!((charge.jeu.lignes, charge.jeu.lignes_ecartees), (4, 0));
    assert_eq!(charge.jeu.mention(), "Essai, millésime 2026");
    assert_eq!(communes_situees(store).await.unwrap().len(), 4);

    // Each bad file is refused whole, naming what is wrong; the 4 communes stay in use.
    let fautes = [
        (
            "code,lat,lon\n14118,49.18,-0.37\n",
            "centroides.csv, ligne 1 : colonne « code_insee » absente ; colonnes trouvées : code, lat, lon",
        ),
        (
            "code_insee,lat,lon\n14118,49.18,-0.37\nABCDE,1,1\n",
            "centroides.csv, ligne 3, colonne 1 « code_insee » : code « ABCDE » inconnu de la géographie officielle (commune)",
        ),
        (
            "code_insee;lat;lon\n14118;95;-0,37\n",
            "centroides.csv, ligne 2, colonne 2 « lat » : 95 est hors des bornes (de -90 à 90 degrés)",
        ),
        (
            "code_insee,lat,lon\n14118,49.18,-0.37\n14118,49.18,-0.37\n",
            "centroides.csv, ligne 3, colonne 1 « code_insee » : la commune « 14118 » est déjà listée",
        ),
        (
            "code_insee,lat,lon\n14118,49.18,1e400\n",
            "centroides.csv, ligne 2, colonne 3 « lon » : « 1e400 » n'est pas un nombre",
        ),
        (
            "code_insee,lat,lon\n",
            "centroides.csv : aucune ligne à charger",
        ),
    ];
    for (contenu, attendu) in fautes {
        assert_eq!(refus(store, &centroides, contenu).await, attendu);
    }
    let ancien = declaration(Nature::Centroides, "centroides.csv", 2024);
    let message = refus(store, &ancien, "code_insee,lat,lon\n14118,49.18,-0.37\n").await;
    assert!(
        message.starts_with("centroides.csv : millésime 2024 antérieur à celui de la géographie officielle de Pilote (2026)"),
        "{message}"
    );
    let sans_source = Declaration {
        source: " ".into(),
        ..centroides.clone()
    };
    assert!(
        refus(store, &sans_source, CENTROIDES)
            .await
            .starts_with("source manquante")
    );
    let agent = Auteur {
        acteur: pilote_domain::autorisation::Acteur {
            roles: vec![Role::AgentArs {
                perimetre: pilote_domain::autorisation::Perimetre::National,
            }],
        },
        ..administrateur()
    };
    assert!(matches!(
        donnees_de_reference::charger(store, &agent, &centroides, Cursor::new(CENTROIDES)).await,
        Err(StoreError::Refuse(_))
    ));
    let jeu = &jeux(store).await.unwrap()[0];
    assert_eq!((jeu.millesime, jeu.lignes), (2026, 4));
    assert_eq!(communes_situees(store).await.unwrap().len(), 4);

    // Confirmed, an older vintage loads; the bad lines set aside are listed.
    let confirme = Declaration {
        millesime_confirme: true,
        ecarter_lignes_fautives: true,
        ..ancien
    };
    let charge = charger(
        store,
        &confirme,
        "code_insee,lat,lon\n14118,49.18,-0.37\n02311,49.45,3.55\n",
    )
    .await
    .unwrap();
    assert_eq!((charge.jeu.lignes, charge.jeu.lignes_ecartees), (1, 1));
    assert_eq!(
        charge.lignes_ecartees[0].to_string(),
        "ligne 3, colonne 1 « code_insee » : code « 02311 » inconnu de la géographie officielle (commune)"
    );
    let caen = communes_situees(store).await.unwrap();
    assert_eq!(caen.codes(), ["14118"]);
    assert!(
        caen.populations()[0] > 100_000.0,
        "population de la géographie"
    );
}

pub(crate) async fn les_medecins_qpv_et_indicateurs_se_chargent(store: &Store) {
    let rpps = declaration(Nature::Rpps, "rpps.txt", 2026);
    let extrait = "Identifiant PP|Code profession|Code savoir-faire|Code commune (coord. structure)\n\
        10001|10|SM54|14118\n10002|10|SM53|14118\n10002|10|SM53|76351\n10003|60||14118\n";
    assert!(
        refus(store, &rpps, extrait)
            .await
            .starts_with("chargez d'abord les centroïdes")
    );
    charger(
        store,
        &declaration(Nature::Centroides, "centroides.csv", 2026),
        CENTROIDES,
    )
    .await
    .unwrap();
    let charge = charger(store, &rpps, extrait).await.unwrap();
    assert_eq!(charge.jeu.lignes, 2, "Caen et Le Havre");
    assert_eq!(
        refus(store, &rpps, "Identifiant PP|Code profession\n1|10\n").await,
        "rpps.txt, ligne 1 : colonne « Code savoir-faire » absente ; colonnes trouvées : Identifiant PP, Code profession"
    );

    let qpv = declaration(Nature::Qpv, "qpv.csv", 2024);
    let charge = charger(
        store,
        &qpv,
        "code_qpv,nom,code_insee,population\nQN01401M,Chemin Vert,14118,5210\n\
         QN07601M,Mont-Gaillard,76351,7400\nQN07601M,Mont-Gaillard,76322,120\n",
    )
    .await
    .unwrap();
    assert_eq!(charge.jeu.lignes, 3);
    for (contenu, attendu) in [
        (
            "code_qpv,nom,code_insee,population\nQN01401M,Chemin Vert,14118,-3\n",
            "qpv.csv, ligne 2, colonne 4 « population » : -3 n'est pas un nombre entier positif ou nul",
        ),
        (
            "code_qpv,nom,code_insee,population\nQN 1,Chemin Vert,14118,3\n",
            "qpv.csv, ligne 2, colonne 1 « code_qpv » : code « QN 1 » : lettres, chiffres et tirets seulement, 30 au plus",
        ),
        (
            "code_qpv,nom,code_insee,population\nQN1,,14118,3\n",
            "qpv.csv, ligne 2, colonne 2 « nom » : valeur manquante",
        ),
    ] {
        assert_eq!(refus(store, &qpv, contenu).await, attendu);
    }
    let plus_ancien = declaration(Nature::Qpv, "qpv.csv", 2015);
    assert!(
        refus(
            store,
            &plus_ancien,
            "code_qpv,nom,code_insee,population\nQ1,A,14118,3\n"
        )
        .await
        .contains("antérieur à celui en usage (2024)")
    );

    let indicateurs = declaration(Nature::Indicateurs, "indicateurs.csv", 2025);
    let charge = charger(
        store,
        &indicateurs,
        "niveau;code;indicateur;annee;valeur;source\n\
         commune;14118;Taux de pauvreté;2021;19,5;INSEE Filosofi\n\
         departement;14;Taux de pauvreté;2021;13,2;\n\
         region;28;Taux de pauvreté;2021;13,5;\n\
         epci;200065597;Taux de pauvreté;2021;16,1;\n\
         france;FR;Taux de pauvreté;2021;14,5;\n",
    )
    .await
    .unwrap();
    assert_eq!(charge.jeu.lignes, 5);
    // Read back at a territory's levels: its EPCI, its département, its région, France; the
    // commune's value is not the EPCI's, and a territory of two départements has none.
    let echelons = Echelons {
        territoire: Some(("epci", "200065597".into())),
        departement: Some("14".into()),
        region: Some("28".into()),
    };
    let valeurs = donnees_de_reference::valeurs_d_indicateurs(store, &echelons)
        .await
        .unwrap();
    let lues: Vec<(&str, f64, &str)> = valeurs
        .iter()
        .map(|v| (v.niveau.as_str(), v.valeur, v.source.as_str()))
        .collect();
    assert_eq!(
        lues,
        [
            ("departement", 13.2, "Essai"),
            ("epci", 16.1, "Essai"),
            ("france", 14.5, "Essai"),
            ("region", 13.5, "Essai"),
        ]
    );
    assert_eq!(valeurs[0].annee, 2021);
    let sans_departement = Echelons {
        departement: None,
        territoire: None,
        ..echelons
    };
    let niveaux: Vec<String> =
        donnees_de_reference::valeurs_d_indicateurs(store, &sans_departement)
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.niveau)
            .collect();
    assert_eq!(niveaux, ["france", "region"]);
    for (contenu, attendu) in [
        (
            "niveau,code,indicateur,annee,valeur\ncanton,1401,Taux,2021,3\n",
            "indicateurs.csv, ligne 2, colonne 1 « niveau » : niveau « canton » inconnu ; valeurs possibles : commune, epci, departement, region, france",
        ),
        (
            "niveau,code,indicateur,annee,valeur\nfrance,France,Taux,2021,3\n",
            "indicateurs.csv, ligne 2, colonne 2 « code » : code « France » : la France s'écrit FR",
        ),
        (
            "niveau,code,indicateur,annee,valeur\nregion,99,Taux,2021,3\n",
            "indicateurs.csv, ligne 2, colonne 2 « code » : code « 99 » inconnu de la géographie officielle (region)",
        ),
        (
            "niveau,code,indicateur,annee,valeur\nregion,28,Taux,2021,3\nregion,28,Taux,2021,4\n",
            "indicateurs.csv, ligne 3 : « Taux » de 28 en 2021 est déjà donné plus haut",
        ),
        (
            "niveau,code,indicateur,annee,valeur\nregion,28,Taux,1850,3\n",
            "indicateurs.csv, ligne 2, colonne 4 « annee » : année 1850 : attendue de 1900 à 2026",
        ),
        (
            "niveau,code,indicateur,annee\nregion,28,Taux,2021\n",
            "indicateurs.csv, ligne 1 : colonne « valeur » absente ; colonnes trouvées : niveau, code, indicateur, annee",
        ),
    ] {
        let message = refus(store, &indicateurs, contenu).await;
        let attendu = attendu.replace("2026", &donnees_de_reference::annee_courante().to_string());
        assert_eq!(message, attendu);
    }
    let natures: Vec<Nature> = jeux(store)
        .await
        .unwrap()
        .iter()
        .map(|j| j.nature)
        .collect();
    assert_eq!(natures, Nature::TOUS);
    // Every load is journaled.
    let entrees = pilote_store::journal::dernieres(store, 50).await.unwrap();
    assert_eq!(
        entrees.iter().filter(|e| e.action == "charger").count(),
        4,
        "centroïdes, RPPS, QPV, indicateurs (refus non journalisés)"
    );
}

/// Two administrators load two versions of the centroids at once while others read them:
/// each reading sees one file whole, never a mix or nothing; both loads are acknowledged and
/// the last committed is the one in use.
pub(crate) async fn un_chargement_ne_se_voit_qu_acheve(store: &Store) {
    let petit = "code_insee,lat,lon\n14118,49.18,-0.37\n";
    charger(
        store,
        &declaration(Nature::Centroides, "petit.csv", 2026),
        petit,
    )
    .await
    .unwrap();
    let grand: String = std::iter::once("code_insee,lat,lon\n".to_owned())
        .chain(
            codes_du_calvados()
                .into_iter()
                .map(|code| format!("{code},46.5,2.5\n")),
        )
        .collect();
    let total = grand.lines().count() - 1;
    let mut lectures = Vec::new();
    for _ in 0..4 {
        let store = store.clone();
        lectures.push(tokio::spawn(async move {
            let mut vus = Vec::new();
            for _ in 0..20 {
                vus.push(communes_situees(&store).await.unwrap().len());
            }
            vus
        }));
    }
    let mut chargements = Vec::new();
    for fichier in ["grand-1.csv", "grand-2.csv"] {
        let (store, grand) = (store.clone(), grand.clone());
        chargements.push(tokio::spawn(async move {
            charger(
                &store,
                &declaration(Nature::Centroides, fichier, 2026),
                &grand,
            )
            .await
        }));
    }
    for chargement in chargements {
        assert_eq!(
            chargement.await.unwrap().unwrap().jeu.lignes as usize,
            total
        );
    }
    for lecture in lectures {
        for vu in lecture.await.unwrap() {
            assert!(vu == 1 || vu == total, "lu {vu} communes : ni 1 ni {total}");
        }
    }
    let jeu = &jeux(store).await.unwrap()[0];
    assert!(jeu.fichier.starts_with("grand-"));
    assert_eq!(communes_situees(store).await.unwrap().len(), total);
}

/// The codes of the Calvados in the shipped geography (some hundreds).
fn codes_du_calvados() -> std::collections::BTreeSet<String> {
    pilote_store::geographie::extrait()
        .unwrap()
        .communes
        .into_iter()
        .filter(|c| c.departement == "14")
        .map(|c| c.code.to_string())
        .collect()
}

/// The real file, when `../shared/data` is beside the project: 34,973 communes of the 2024
/// geography, 8 of them merged since into communes of the 2026 one (set aside, listed).
pub(crate) async fn les_centroides_reels_se_chargent(store: &Store) {
    let chemin = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/communes_centroides.csv"
    );
    let Ok(fichier) = std::fs::File::open(chemin) else {
        eprintln!("{chemin} absent : centroïdes réels non essayés");
        return;
    };
    let declaration = Declaration {
        source: "Compilation INSEE et La Poste".into(),
        millesime_confirme: true,
        ecarter_lignes_fautives: true,
        ..declaration(Nature::Centroides, "communes_centroides.csv", 2024)
    };
    let debut = std::time::Instant::now();
    let charge = donnees_de_reference::charger(store, &administrateur(), &declaration, fichier)
        .await
        .unwrap();
    eprintln!(
        "centroïdes réels : {} communes, {} écartées, en {:?}",
        charge.jeu.lignes,
        charge.jeu.lignes_ecartees,
        debut.elapsed()
    );
    assert_eq!(charge.jeu.lignes + charge.jeu.lignes_ecartees, 34_973);
    assert!(
        charge.jeu.lignes_ecartees < 50,
        "{:?}",
        charge.lignes_ecartees
    );
    let communes = communes_situees(store).await.unwrap();
    let paris_1er = communes.indice("75101").unwrap();
    assert!(communes.populations()[paris_1er] > 10_000.0);
}

/// The APL computed from the loaded centroids and practitioners: every commune's value, the
/// summaries by département, région and France, Paris reached through its arrondissements,
/// the result stored with its inputs, and a scenario replayed on it.
pub(crate) async fn l_apl_se_calcule_depuis_les_donnees_chargees(store: &Store) {
    use pilote_store::acces_medical::{self, Etape};
    assert_eq!(
        acces_medical::entrees_de(&jeux(store).await.unwrap()).unwrap_err(),
        [Nature::Centroides, Nature::Rpps]
    );
    charger(
        store,
        &declaration(Nature::Centroides, "centroides.csv", 2026),
        "code_insee,lat,lon\n14118,49.18,-0.37\n14327,49.21,-0.33\n14047,49.28,-0.70\n\
         75101,48.86,2.34\n75102,48.87,2.34\n",
    )
    .await
    .unwrap();
    assert_eq!(
        acces_medical::entrees_de(&jeux(store).await.unwrap()).unwrap_err(),
        [Nature::Rpps]
    );
    let mut rpps =
        "Identifiant PP|Code profession|Code savoir-faire|Code commune (coord. structure)\n"
            .to_owned();
    for (i, commune) in ["14118"; 40].iter().chain(&["75101"; 10]).enumerate() {
        rpps.push_str(&format!("{i}|10|SM54|{commune}\n"));
    }
    charger(store, &declaration(Nature::Rpps, "rpps.txt", 2026), &rpps)
        .await
        .unwrap();
    let entrees = acces_medical::entrees_de(&jeux(store).await.unwrap()).unwrap();
    let etapes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let suivies = std::sync::Arc::clone(&etapes);
    let acces = acces_medical::calculer(store, entrees.clone(), move |e| {
        suivies.lock().unwrap().push(e)
    })
    .await
    .unwrap();
    assert_eq!(
        *etapes.lock().unwrap(),
        [
            Etape::Lecture,
            Etape::Trajets,
            Etape::Apl,
            Etape::Enregistrement
        ]
    );
    let communes = acces.scenario.communes();
    let apl = acces.scenario.apl().valeurs();
    let caen = communes.indice("14118").unwrap();
    let bayeux = communes.indice("14047").unwrap();
    assert!(apl[caen] > 0.0 && apl[caen] > apl[bayeux], "{apl:?}");
    assert_eq!(
        acces.communes_de("75056").len(),
        2,
        "Paris par ses arrondissements"
    );
    assert_eq!(acces.territoires[caen], ("14".to_owned(), "28".to_owned()));
    let calvados = acces.departements["14"];
    assert!(calvados.population > 100_000.0);
    assert!(acces.regions.contains_key("11") && acces.france.population > calvados.population);
    // Stored with what it was computed from.
    let stockees: Vec<(String, f64)> = sqlx_lignes(store).await;
    assert_eq!(stockees.len(), 5);
    // A scenario: two practitioners more in Bayeux raise its APL and its neighbours'.
    let changement = acces.scenario.changement("14047=+2").unwrap();
    let effets = acces.scenario.simuler(&[changement]).unwrap();
    let a_bayeux = effets.iter().find(|e| e.commune == bayeux).unwrap();
    assert!(a_bayeux.apres > a_bayeux.avant);
    assert!(
        effets
            .iter()
            .all(|e| communes.code(e.commune).starts_with("14"))
    );
}

/// Every commune's stored APL.
async fn sqlx_lignes(store: &Store) -> Vec<(String, f64)> {
    pilote_store::acces_medical::stockee(store).await.unwrap()
}
