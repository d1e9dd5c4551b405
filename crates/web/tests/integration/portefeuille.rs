//! The portfolio of contracts (`/portefeuille` and its exports), as an administrator, a
//! regional and a departmental ARS agent, a coordinator and the public read it, on SQLite and
//! PostgreSQL: each scope's contracts and figures, the communes no contract covers, the maps,
//! the filters, narrowing to a territory of one's scope, and the refusals named in French.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, open_workbook_auto_from_rs};
use pilote_store::import;

use crate::support::application::{Appli, MDP_ESSAI, contrat};

/// In Caen (Calvados, Normandie), published, with a budget and an action done.
const CAEN: &str = r#"
id = "caen-2024"
nom = "CLS de Caen"
generation = 2
publie = true
statut = "en-cours"
periode = "2024-2028"
territoire = { communes = ["14118"] }
[[axes]]
numero = 1
titre = "Prévention"
[[axes.fiches_actions]]
numero = "1"
titre = "Dépistage"
statut = "realisee"
avancement = 100
thematiques = ["sante-mentale"]
[[axes.fiches_actions.budget]]
annee = 2025
financeur = "CPAM du Calvados"
nature = "fonctionnement"
previsionnel = "12000"
realise = "9000"
[[axes.fiches_actions]]
numero = "2"
titre = "Maison de santé"
statut = "en-cours"
avancement = 40
"#;

const COMPTES: [(&str, &str); 5] = [
    ("admin@pilote.fr", "administrateur"),
    ("ars@normandie.fr", "ars:region:28"),
    ("ars@calvados.fr", "ars:departement:14"),
    ("coord@caen.fr", "coordinateur:caen-2024"),
    ("ars@paysdelaloire.fr", "ars:region:52"),
];

async fn peupler(appli: &Appli) {
    let contrats = [
        import::lire("caen-2024", CAEN).unwrap(),
        // In Cherbourg (Manche, Normandie), unpublished.
        contrat("cherbourg-2025", false, &["50129"], 1),
        // In Angers (Maine-et-Loire, Pays de la Loire).
        contrat("angers-2023", true, &["49007"], 3),
    ];
    for c in &contrats {
        pilote_store::contrat::creer(&appli.store, c).await.unwrap();
    }
    for (email, role) in COMPTES {
        let roles = vec![pilote_domain::autorisation::Role::parse(role).unwrap()];
        let email = pilote_domain::compte::Email::parse(email).unwrap();
        pilote_store::compte::creer(&appli.store, &email, None, MDP_ESSAI, &roles)
            .await
            .unwrap();
    }
}

fn classeur(octets: &[u8]) -> Vec<Vec<String>> {
    let mut c = open_workbook_auto_from_rs(Cursor::new(octets.to_vec())).unwrap();
    c.worksheet_range("Contrats")
        .unwrap()
        .rows()
        .map(|l| {
            l.iter()
                .map(|d| match d {
                    Data::Float(f) => f.to_string(),
                    autre => autre.to_string(),
                })
                .collect()
        })
        .collect()
}

async fn scenario(appli: &Appli) {
    peupler(appli).await;

    // A regional agent: the région's two contracts, the unpublished one included; Angers not.
    let mut ars = appli.navigateur();
    ars.connecter("ars@normandie.fr", MDP_ESSAI).await;
    let page = ars.get("/portefeuille").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.corps);
    let corps = &page.corps;
    assert!(corps.contains("Région Normandie"));
    assert!(corps.contains("href=\"/contrats/caen-2024\""));
    assert!(corps.contains("href=\"/contrats/cherbourg-2025\""));
    assert!(!corps.contains("angers-2023"));
    assert!(corps.contains("non publié"));
    // Its figures: actions, funding, renewal, and the communes of the région left out.
    assert!(corps.contains("CPAM du Calvados : 12"), "{corps}");
    assert!(corps.contains(">2028<"));
    assert!(corps.contains("Communes sans contrat"));
    assert!(
        corps.contains(">Le Havre</th>"),
        "la plus peuplée des communes sans contrat"
    );
    // Both maps, their legend, their credit, and the tables of totals.
    assert!(corps.contains("par département</title>"));
    assert!(corps.contains("par région</title>"));
    assert!(corps.contains(">Aucune commune couverte</text>"));
    assert!(corps.contains("CC BY 4.0"));
    assert!(corps.contains("<th scope=\"row\">Calvados (14)</th>"));
    assert!(!corps.contains("<th scope=\"row\">Maine-et-Loire (49)</th>"));

    // Read again, the same content is served as made once, and the reading of the
    // unpublished contract journaled each time.
    let encore = ars.get("/portefeuille").await;
    assert_eq!(encore.corps, page.corps);
    let lectures = pilote_store::journal::dernieres(&appli.store, 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| {
            e.qui == "ars@normandie.fr"
                && e.objet == "portefeuille des contrats"
                && e.detail.as_deref() == Some("cherbourg-2025")
        })
        .count();
    assert_eq!(
        lectures, 2,
        "chaque lecture du portefeuille est journalisée"
    );

    // Narrowed to a département of the région, then filtered and sorted.
    let page = ars.get("/portefeuille?departement=14&carte=contrats").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.corps.contains("Calvados (14)"));
    assert!(page.corps.contains("caen-2024") && !page.corps.contains("cherbourg-2025"));
    assert!(page.corps.contains(">1 contrat</text>"));
    let page = ars
        .get("/portefeuille?thematique=sante-mentale&annee=2025&tri=population")
        .await;
    assert!(page.corps.contains("caen-2024") && !page.corps.contains("cherbourg-2025"));
    let page = ars.get("/portefeuille?statut=clos").await;
    assert!(
        page.corps
            .contains("Aucun contrat de ce périmètre ne répond à ces filtres")
    );

    // Outside the scope, unknown codes and bad filters: named, nothing shown.
    let hors = ars.get("/portefeuille?region=52").await;
    assert_eq!(hors.status, StatusCode::FORBIDDEN);
    assert!(hors.corps.contains("pas dans votre périmètre"));
    for (uri, message) in [
        (
            "/portefeuille?departement=ABCD",
            "pas un code de département",
        ),
        ("/portefeuille?departement=99", "le code « 99 »"),
        ("/portefeuille?annee=deux", "pas une année"),
        ("/portefeuille?generation=0", "pas une génération"),
        ("/portefeuille?tri=taille", "inconnu « taille »"),
        ("/portefeuille?statut=fini", "statut"),
        ("/portefeuille?carte=relief", "inconnue « relief »"),
    ] {
        let r = ars.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(r.corps.contains(message), "{uri} : {}", r.corps);
    }

    // The exports: the same contracts, typed cells, every sheet; a CSV names its sheet.
    let xlsx = ars.get("/portefeuille.xlsx?tri=nom").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let lignes = classeur(&xlsx.octets);
    assert_eq!(lignes[0][0], "Identifiant");
    let ids: Vec<&str> = lignes[1..].iter().map(|l| l[0].as_str()).collect();
    // By name, case, accents and apostrophes aside: « CLS d'essai… » before « CLS de Caen ».
    assert_eq!(ids, ["cherbourg-2025", "caen-2024"]);
    let caen = &lignes[2];
    assert_eq!(caen[2], "2", "génération");
    assert_eq!(caen[12], "2", "fiches-actions");
    assert_eq!(caen[13], "1", "réalisées");
    assert_eq!(caen[14], "70", "avancement moyen");
    let ods = ars.get("/portefeuille.ods").await;
    assert_eq!(classeur(&ods.octets), lignes);
    let csv = ars
        .get("/portefeuille.csv?feuille=communes-sans-contrat&departement=14")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.corps
            .contains("Code INSEE;Commune;Département;Région;Population")
    );
    assert!(!csv.corps.contains("\n14118;"), "Caen est couverte");
    assert!(
        csv.corps.contains("\n14327;"),
        "Hérouville-Saint-Clair ne l'est pas"
    );
    let sans = ars.get("/portefeuille.csv").await;
    assert_eq!(sans.status, StatusCode::BAD_REQUEST);
    assert!(sans.corps.contains("communes-sans-contrat"));

    // A departmental agent: their département only, and no région to narrow to.
    let mut calvados = appli.navigateur();
    calvados.connecter("ars@calvados.fr", MDP_ESSAI).await;
    let page = calvados.get("/portefeuille").await;
    assert!(page.corps.contains("caen-2024") && !page.corps.contains("cherbourg-2025"));
    assert!(!page.corps.contains("id=\"f-region\""));
    assert_eq!(
        calvados.get("/portefeuille?region=28").await.status,
        StatusCode::FORBIDDEN
    );

    // The administrator: every contract, every région.
    let mut admin = appli.navigateur();
    admin.connecter("admin@pilote.fr", MDP_ESSAI).await;
    let page = admin.get("/portefeuille").await;
    assert!(page.corps.contains("France entière"));
    for id in ["caen-2024", "cherbourg-2025", "angers-2023"] {
        assert!(page.corps.contains(&format!("/contrats/{id}\"")), "{id}");
    }
    assert!(
        page.corps.contains("La Réunion (974)"),
        "outre-mer dans le tableau"
    );
    assert!(page.corps.contains("Hors de la carte, dans le tableau"));

    // A coordinator has no portfolio; the public is sent to sign in.
    let mut coord = appli.navigateur();
    coord.connecter("coord@caen.fr", MDP_ESSAI).await;
    assert_eq!(
        coord.get("/portefeuille").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        coord.get("/portefeuille.xlsx").await.status,
        StatusCode::FORBIDDEN
    );
    let public = appli.navigateur().get("/portefeuille").await;
    assert_eq!(public.status, StatusCode::SEE_OTHER);
    assert!(
        public
            .redirection()
            .is_some_and(|v| v.starts_with("/connexion?suite="))
    );

    // A change shows at once: Angers' agent sees the contract published a moment ago.
    let mut pdl = appli.navigateur();
    pdl.connecter("ars@paysdelaloire.fr", MDP_ESSAI).await;
    assert!(pdl.get("/portefeuille").await.corps.contains("angers-2023"));
    let admin_auteur = pilote_store::journal::Auteur::ligne_de_commande();
    pilote_store::contrat::creer_pour(
        &appli.store,
        &admin_auteur,
        &contrat("saumur-2026", false, &["49328"], 0),
    )
    .await
    .unwrap();
    assert!(pdl.get("/portefeuille").await.corps.contains("saumur-2026"));

    besoins(appli).await;
}

/// Where the next contract is needed: what is missing said first; once the centroids, the
/// practitioners and the QPV are loaded, the uncovered communes under-served or with a QPV,
/// on the page (once the APL is computed) and in the exports.
async fn besoins(appli: &Appli) {
    use pilote_domain::donnees_de_reference::Nature;
    let mut ars = appli.navigateur();
    ars.connecter("ars@normandie.fr", MDP_ESSAI).await;
    let page = ars.get("/portefeuille").await.texte();
    assert!(page.contains("Où un contrat manque"));
    assert!(page.contains(
        "L'APL n'est pas calculée : il manque les centroïdes des communes et les médecins généralistes (rpps)"
    ));
    assert!(page.contains("La liste des quartiers prioritaires n'est pas chargée"));
    for (nature, contenu) in [
        (
            Nature::Centroides,
            "code_insee,lat,lon\n14118,49.18,-0.37\n76351,49.49,0.11\n14047,49.28,-0.70\n",
        ),
        (
            Nature::Rpps,
            "Identifiant PP|Code profession|Code savoir-faire|Code commune (coord. structure)\n\
             1|10|SM54|14118\n2|10|SM54|14118\n",
        ),
        (
            Nature::Qpv,
            "code_qpv,nom,code_insee,population\nQN07601M,Mont-Gaillard,76351,7400\n\
             QN07602M,Caucriauville,76351,9300\n",
        ),
    ] {
        appli.charger_donnees(nature, contenu).await;
    }
    let mut page = String::new();
    for _ in 0..200 {
        page = ars.get("/portefeuille").await.texte();
        if !page.contains("en cours de calcul") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(page.contains("APL calculée le"), "{page}");
    assert!(page.contains("Quartiers prioritaires : Essai, millésime 2026."));
    // Le Havre: no contract, no practitioner in reach, two QPV; Bayeux: none in reach either.
    assert!(
        page.contains("<th scope=\"row\">Le Havre</th><td>76351</td>"),
        "{page}"
    );
    assert!(page.contains(&format!("2 ({})", pilote_domain::montant::milliers(16_700))));
    assert!(page.contains("id=\"carte-besoins-titre\""));
    // The communes in need on their own map, as discs by population and reason.
    assert!(page.contains("id=\"carte-besoins-communes-titre\""));
    let disque = page
        .split("<title>Le Havre (76351) : ")
        .nth(1)
        .and_then(|reste| reste.split("</title>").next());
    assert!(
        disque.is_some_and(|titre| titre.ends_with("habitants, sous-dense, 2 QPV")),
        "{disque:?}"
    );
    let csv = ars.get("/portefeuille.csv?feuille=besoins-communes").await;
    assert_eq!(csv.status, StatusCode::OK);
    let lignes: Vec<&str> = csv.corps.lines().collect();
    assert!(
        lignes[0].contains(
            "Code INSEE;Commune;Département;EPCI;Population;APL;Sous-dense;QPV;Population en QPV"
        ),
        "{}",
        lignes[0]
    );
    assert!(lignes[1].starts_with("76351;Le Havre;76;"), "{}", lignes[1]);
    assert!(lignes[1].ends_with(";0;oui;2;16700"), "{}", lignes[1]);
    assert!(lignes.iter().any(|l| l.starts_with("14047;Bayeux;14;")));
    assert!(!csv.corps.contains("\n14118;"), "Caen est couverte");
    let epci = ars.get("/portefeuille.csv?feuille=besoins-epci").await;
    assert!(
        epci.corps.contains("Le Havre Seine Métropole"),
        "{}",
        epci.corps
    );
}

#[tokio::test]
async fn chaque_perimetre_a_son_portefeuille_ses_cartes_et_ses_exports_sur_sqlite() {
    let appli = Appli::avec(&[], &[]).await;
    scenario(&appli).await;
}

#[tokio::test]
async fn chaque_perimetre_a_son_portefeuille_ses_cartes_et_ses_exports_sur_postgresql() {
    let nom = format!("pilote_portefeuille_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : portefeuille PostgreSQL non exercé");
        return;
    };
    scenario(&appli).await;
    base.supprimer(appli).await;
}
