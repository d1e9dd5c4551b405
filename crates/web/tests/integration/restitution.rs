//! What Pilote gives back — a contract's dashboard, a pilot's actions, the spreadsheet exports,
//! the reports — read as the public, a partner, a pilot and the coordinator read them: figures
//! and charts, files read back by real readers (calamine for workbooks, poppler for PDF),
//! nothing unpublished reaching who may not read it, bad requests named in French.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, open_workbook_auto_from_rs};
use pilote_store::import;
use pilote_store::import::tableur;

use crate::support::application::{Appli, MDP_ESSAI, contrat as contrat_essai};

const BILAN: &str = r#"
id = "bilan-2025"
nom = "CLS de bilan"
generation = 1
publie = true
periode = "2025-2029"
territoire = { communes = ["14118"] }
[coordination]
poste = "Coordinatrice CLS"
[[coordination.financements]]
financeur = "ARS Normandie"
montant = "25000"
[[axes]]
numero = 1
titre = "Accès aux soins"
[[axes.fiches_actions]]
numero = "1.1"
titre = "Accueillir les internes"
statut = "en-cours"
avancement = 40
fin = "2025-03"
[[axes.fiches_actions.budget]]
annee = 2025
financeur = "Ville de Caen"
nature = "fonctionnement"
previsionnel = "10000"
realise = "4000"
[[axes.fiches_actions.indicateurs]]
libelle = "Internes accueillis"
type = "resultat"
unite = "internes"
valeur_initiale = 2
cibles = [{ annee = 2027, valeur = 12 }]
valeurs = [{ date = "2025-06", valeur = 4 }, { date = "2026-01-15", valeur = 7 }]
[[axes.fiches_actions.notes]]
date = "2025-02-01"
texte = "Convention signée avec la faculté"
auteur = "Camille Secrète"
[[axes.fiches_actions]]
numero = "1.2"
titre = "Maison de santé"
statut = "realisee"
[[gouvernance]]
nature = "copil"
nom = "Comité de pilotage"
[[gouvernance.reunions]]
date = "2025-01-10"
decisions = [{ texte = "Lancer la fiche 1.1", fiches_actions = ["1.1"] }]
"#;

async fn appli() -> Appli {
    let bilan = import::lire("bilan-2025", BILAN).unwrap();
    let cache = contrat_essai("cache-2025", false, &["14118"], 2);
    let comptes = [
        ("coord@bilan.fr", "coordinateur:bilan-2025"),
        ("coord@cache.fr", "coordinateur:cache-2025"),
        ("partenaire@bilan.fr", "partenaire:bilan-2025"),
    ];
    let appli = Appli::avec(&[bilan, cache], &comptes).await;
    // A pilot of two actions in two contracts.
    let email = pilote_domain::compte::Email::parse("pilote@caen.fr").unwrap();
    let roles = ["pilote:bilan-2025:1.1", "pilote:cache-2025:2"]
        .map(|r| pilote_domain::autorisation::Role::parse(r).unwrap());
    pilote_store::compte::creer(&appli.store, &email, None, MDP_ESSAI, &roles)
        .await
        .unwrap();
    appli
}

#[tokio::test]
async fn un_pilote_retrouve_ses_actions_de_chaque_contrat_et_ce_qu_elles_demandent() {
    let appli = appli().await;
    let mut pilote = appli.navigateur();
    pilote.connecter("pilote@caen.fr", MDP_ESSAI).await;
    let page = pilote.get("/mes-actions").await;
    assert_eq!(page.status, StatusCode::OK);
    let texte = page.texte();
    for attendu in [
        "actions pilotées, dans 2 contrats",
        "Fiche-action n°1.1 — Accueillir les internes",
        "Fin prévue de la fiche-action n°1.1",
        "Dernière note de suivi : 1er février 2025 ; ajoutez-en une.",
        "Fiche-action n°2 — Action 2 de cache-2025",
        "Indiquez où en est l'action (son statut).",
        "href=\"/contrats/cache-2025/fiches/2\"",
    ] {
        assert!(texte.contains(attendu), "manque « {attendu} »");
    }
    // Nothing of the actions they do not pilot.
    assert!(!texte.contains("Maison de santé"));
    assert!(!texte.contains("Action 1 de cache-2025"));

    let mut partenaire = appli.connecte("partenaire@bilan.fr").await;
    let page = partenaire.get("/mes-actions").await;
    assert!(
        page.texte()
            .contains("Vous ne pilotez aucune fiche-action.")
    );
    let mut coord = appli.connecte("coord@bilan.fr").await;
    let page = coord.get("/mes-actions").await;
    assert!(page.texte().contains("Contrats que vous coordonnez"));
    assert!(
        page.corps
            .contains("href=\"/contrats/bilan-2025/pilotage\"")
    );
    let public = appli.navigateur().get("/mes-actions").await;
    assert_eq!(
        public.status,
        StatusCode::SEE_OTHER,
        "le public se connecte d'abord"
    );
}

/// The lines of sheet `nom` of workbook `octets` (XLSX or ODS), as text.
fn feuille(octets: &[u8], nom: &str) -> Vec<Vec<String>> {
    let mut classeur = open_workbook_auto_from_rs(Cursor::new(octets.to_vec())).unwrap();
    classeur
        .worksheet_range(nom)
        .unwrap()
        .rows()
        .map(|l| l.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn noms_des_feuilles(octets: &[u8]) -> Vec<String> {
    open_workbook_auto_from_rs(Cursor::new(octets.to_vec()))
        .unwrap()
        .sheet_names()
}

#[tokio::test]
async fn le_tableau_de_bord_montre_avancement_budget_indicateurs_et_gouvernance() {
    let appli = appli().await;
    let mut public = appli.navigateur();
    let page = public.get("/contrats/bilan-2025/tableau-de-bord").await;
    assert_eq!(page.status, StatusCode::OK);
    let texte = page.texte();
    for attendu in [
        "Axe 1 — Accès aux soins",
        "Actions par axe et par statut",
        "2 fiches-actions, dont 1 réalisée",
        // The actions' 10 000 € and the post's 25 000 €.
        "35\u{202f}000\u{a0}€",
        "Poste de coordination",
        "Internes accueillis",
        "50 % du chemin vers la cible",
        "Comité de pilotage",
        // Its end (March 2025) is past: late.
        "Fin prévue de la fiche-action n°1.1",
        "Ce tableau de bord est calculé à partir de ce que le contrat publie.",
    ] {
        assert!(texte.contains(attendu), "manque « {attendu} »");
    }
    // Every chart is an image with its title, and its figures are in a table.
    assert_eq!(
        page.corps
            .matches("<svg class=\"pilote-graphique\"")
            .count(),
        4,
        "avancement, budget par année et par financeur, un indicateur"
    );
    assert_eq!(
        page.corps.matches("role=\"img\"").count(),
        page.corps.matches("<title id=").count()
    );
    assert!(
        page.corps
            .contains("<caption>Budget des actions par année</caption>")
    );

    // An unpublished contract's dashboard: to the public, it does not exist; its coordinator
    // reads it.
    let cache = public.get("/contrats/cache-2025/tableau-de-bord").await;
    assert_eq!(cache.status, StatusCode::NOT_FOUND);
    let mut coord = appli.connecte("coord@cache.fr").await;
    let page = coord.get("/contrats/cache-2025/tableau-de-bord").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texte().contains("Contrat non publié"));
    assert!(
        page.texte()
            .contains("Aucune ligne de budget n'est renseignée.")
    );
    let absent = coord.get("/contrats/absent-2099/tableau-de-bord").await;
    assert_eq!(absent.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn l_export_d_un_contrat_se_relit_et_ne_livre_que_ce_que_le_visiteur_lit() {
    let appli = appli().await;
    let mut coord = appli.connecte("coord@bilan.fr").await;
    let xlsx = coord.get("/contrats/bilan-2025/export.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(
        xlsx.entete("content-disposition"),
        Some("attachment; filename=\"bilan-2025.xlsx\"")
    );
    let ods = coord.get("/contrats/bilan-2025/export.ods").await;
    assert_eq!(
        ods.entete("content-type"),
        Some("application/vnd.oasis.opendocument.spreadsheet")
    );
    for octets in [&xlsx.octets, &ods.octets] {
        let noms = noms_des_feuilles(octets);
        assert_eq!(noms.first().map(String::as_str), Some("Contrat"));
        assert!(noms.contains(&"Historique".to_owned()), "{noms:?}");
        let notes = feuille(octets, "Notes de suivi");
        assert_eq!(
            notes[0],
            ["Contrat", "Fiche-action", "Date", "Note", "Auteur"]
        );
        assert_eq!(notes[1][4], "Camille Secrète");
        let decisions = feuille(octets, "Décisions");
        assert_eq!(decisions[1][3], "Lancer la fiche 1.1");
        let mesures = feuille(octets, "Mesures");
        assert_eq!(mesures.len(), 3, "deux mesures sous l'en-tête");
        let coordination = feuille(octets, "Coordination");
        assert_eq!(coordination[1][1], "ARS Normandie");
    }
    // Amounts are numbers, and the plan imports again as it is.
    let mut classeur = open_workbook_auto_from_rs(Cursor::new(xlsx.octets.clone())).unwrap();
    let budget = classeur.worksheet_range("Budget").unwrap();
    assert_eq!(budget.get((1, 5)), Some(&Data::Float(10000.0)));
    let relu = tableur::lire(xlsx.octets.clone()).unwrap();
    let original = import::lire("bilan-2025", BILAN).unwrap();
    assert_eq!(relu.axes.len(), 1);
    assert_eq!(relu.axes[0].fiches_actions.len(), 2);
    assert_eq!(
        relu.axes[0].fiches_actions[0].budget,
        original.axes[0].fiches_actions[0].budget
    );

    // The public: no history, no authors of notes.
    let mut public = appli.navigateur();
    let xlsx = public.get("/contrats/bilan-2025/export.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(!noms_des_feuilles(&xlsx.octets).contains(&"Historique".to_owned()));
    assert_eq!(
        feuille(&xlsx.octets, "Notes de suivi")[1]
            .get(4)
            .map(String::as_str),
        Some("")
    );
    let cache = public.get("/contrats/cache-2025/export.ods").await;
    assert_eq!(cache.status, StatusCode::NOT_FOUND);
    assert!(!cache.corps.contains("Action 1 de cache-2025"));
}

#[tokio::test]
async fn un_csv_est_une_feuille_en_utf8_a_points_virgules_et_la_demande_mal_faite_est_nommee() {
    let appli = appli().await;
    let mut public = appli.navigateur();
    let csv = public
        .get("/contrats/bilan-2025/export.csv?feuille=budget")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.entete("content-disposition"),
        Some("attachment; filename=\"bilan-2025-budget.csv\"")
    );
    assert!(
        csv.octets.starts_with("\u{feff}".as_bytes()),
        "un BOM UTF-8"
    );
    let lignes: Vec<&str> = csv.corps.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lignes[0],
        "Contrat;Fiche-action;Année;Financeur;Nature;Prévisionnel;Réalisé"
    );
    assert_eq!(
        lignes[1],
        "bilan-2025;1.1;2025;Ville de Caen;Fonctionnement;10000,00;4000,00"
    );

    let sans = public.get("/contrats/bilan-2025/export.csv").await;
    assert_eq!(sans.status, StatusCode::BAD_REQUEST);
    assert!(
        sans.texte()
            .contains("indiquez laquelle, par exemple feuille=fiches-actions")
    );
    let inconnue = public
        .get("/contrats/bilan-2025/export.csv?feuille=martiens")
        .await;
    assert_eq!(inconnue.status, StatusCode::BAD_REQUEST);
    assert!(inconnue.texte().contains("Aucune feuille « martiens »"));
    let historique = public
        .get("/contrats/bilan-2025/export.csv?feuille=historique")
        .await;
    assert_eq!(historique.status, StatusCode::BAD_REQUEST);
    assert!(
        historique
            .texte()
            .contains("n'est exportée que pour qui lit tout le contrat")
    );
}

#[tokio::test]
async fn l_export_de_la_liste_garde_les_contrats_que_le_visiteur_lit_et_ses_filtres() {
    let appli = appli().await;
    let ids = |octets: &[u8]| -> Vec<String> {
        feuille(octets, "Contrat")
            .into_iter()
            .skip(1)
            .map(|l| l[0].clone())
            .collect()
    };
    let mut public = appli.navigateur();
    let tout = public.get("/export.xlsx").await;
    assert_eq!(tout.status, StatusCode::OK);
    assert_eq!(ids(&tout.octets), ["bilan-2025"]);
    let mut coord = appli.connecte("coord@cache.fr").await;
    let ods = coord.get("/export.ods").await;
    assert_eq!(ids(&ods.octets), ["cache-2025", "bilan-2025"], "par nom");
    let filtre = coord.get("/export.xlsx?texte=cache").await;
    assert_eq!(ids(&filtre.octets), ["cache-2025"]);
    let csv = coord
        .get("/export.csv?feuille=fiches-actions&statut=en-elaboration")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.corps.lines().count(),
        1,
        "aucun contrat en élaboration : l'en-tête seul"
    );
    let faux = coord.get("/export.xlsx?departement=pas-un-code").await;
    assert_eq!(faux.status, StatusCode::BAD_REQUEST);
    assert!(faux.texte().contains("n'est pas un code de département"));
}

#[tokio::test]
async fn les_rapports_se_telechargent_et_le_coordinateur_en_ecrit_l_introduction() {
    let appli = appli().await;
    let mut coord = appli.connecte("coord@bilan.fr").await;
    let page = coord
        .get("/contrats/bilan-2025/rapports?rapport=annuel-2025")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texte().contains("Bilan annuel 2025"));
    let version = crate::support::application::champ_cache(&page.corps, "version").unwrap();

    // The introduction written, then found in the PDF and the ODT.
    let r = coord
        .post(
            "/contrats/bilan-2025/rapports",
            &[
                ("rapport", "annuel-2025"),
                ("version", &version),
                ("introduction", "Une année de « lancement » #1."),
                ("conclusion", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let page = coord.get(r.redirection().unwrap()).await;
    assert!(page.texte().contains("sont enregistrées"));
    assert!(page.texte().contains("Une année de « lancement » #1."));
    let historique = coord.get("/contrats/bilan-2025/pilotage").await.texte();
    assert!(historique.contains("introduction du bilan annuel 2025"));

    // The same form again, on the version it was read at: refused, nothing overwritten.
    let perime = coord
        .post(
            "/contrats/bilan-2025/rapports",
            &[
                ("rapport", "annuel-2025"),
                ("version", &version),
                ("introduction", "Écrasée ?"),
            ],
        )
        .await;
    assert_eq!(perime.status, StatusCode::CONFLICT);

    let mut public = appli.navigateur();
    let pdf = public
        .get("/contrats/bilan-2025/rapport.pdf?rapport=annuel-2025")
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.entete("content-type"), Some("application/pdf"));
    assert_eq!(
        pdf.entete("content-disposition"),
        Some("attachment; filename=\"bilan-2025-annuel-2025.pdf\"")
    );
    assert!(pdf.octets.starts_with(b"%PDF-"));
    if let Some(texte) = pdftotexte(&pdf.octets) {
        assert!(texte.contains("Une année de « lancement » #1."), "{texte}");
        assert!(texte.contains("Accueillir les internes"));
        assert!(
            !texte.contains("Camille Secrète"),
            "l'auteur d'une note reste privé"
        );
    }
    let odt = public
        .get("/contrats/bilan-2025/rapport.odt?rapport=evaluation")
        .await;
    assert_eq!(odt.status, StatusCode::OK);
    assert!(odt.octets.starts_with(b"PK"));

    // Bad requests, named; an unpublished contract's report does not exist for the public.
    let sans = public.get("/contrats/bilan-2025/rapport.pdf").await;
    assert_eq!(sans.status, StatusCode::BAD_REQUEST);
    assert!(sans.texte().contains("Indiquez le rapport"));
    let faux = public
        .get("/contrats/bilan-2025/rapport.pdf?rapport=annuel-20")
        .await;
    assert_eq!(faux.status, StatusCode::BAD_REQUEST);
    assert!(faux.texte().contains("attendu annuel-AAAA"));
    let cache = public
        .get("/contrats/cache-2025/rapport.pdf?rapport=evaluation")
        .await;
    assert_eq!(cache.status, StatusCode::NOT_FOUND);
    // The public reads the report page, without the texts' form.
    let page = public.get("/contrats/bilan-2025/rapports").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.corps.contains("name=\"introduction\""));
    let ecrit = public
        .post(
            "/contrats/bilan-2025/rapports",
            &[
                ("rapport", "evaluation"),
                ("version", "1"),
                ("introduction", "Intrus"),
            ],
        )
        .await;
    assert!(ecrit.status.is_client_error(), "{}", ecrit.status);
}

/// The text of PDF `octets` by poppler's pdftotext; `None` when poppler is missing (outside
/// the CI, which installs it and sets `PILOTE_TEST_POPPLER`).
fn pdftotexte(octets: &[u8]) -> Option<String> {
    let dossier = tempfile::tempdir().unwrap();
    let fichier = dossier.path().join("rapport.pdf");
    std::fs::write(&fichier, octets).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&fichier)
        .arg("-")
        .output()
    {
        Ok(sortie) => Some(String::from_utf8_lossy(&sortie.stdout).into_owned()),
        Err(_) => {
            assert!(
                std::env::var_os("PILOTE_TEST_POPPLER").is_none(),
                "PILOTE_TEST_POPPLER : pdftotext est introuvable"
            );
            None
        }
    }
}
