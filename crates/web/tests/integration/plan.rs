//! A plan imported from a spreadsheet into a contract: the workbook read and shown before
//! anything is saved, each fault named by sheet, line and column, then the whole plan added on
//! confirmation, or nothing (a contract changed meanwhile, a workbook altered in the form).

use crate::support::application::{Appli, champ_cache, contrat as contrat_essai};
use axum::http::StatusCode;
use pilote_domain::IdContrat;
use pilote_store::import::tableur;
use pilote_store::{Auteur, contrat};

const PAGE: &str = "/contrats/essai-2025/plan";

/// Contract `essai-2025` without any axis, and `plein-2025` whose axis 1 and fiche « 1.1 » are
/// those of the template.
async fn appli() -> Appli {
    let mut vide = contrat_essai("essai-2025", false, &["14118"], 0);
    vide.axes.clear();
    let mut plein = contrat_essai("plein-2025", false, &["14118"], 0);
    plein.axes[0].fiches_actions = contrat_essai("plein-2025", false, &["14118"], 1).axes[0]
        .fiches_actions
        .clone();
    plein.axes[0].fiches_actions[0].numero = "1.1".into();
    let comptes = [
        ("coord@caen.fr", "coordinateur:essai-2025"),
        ("coord@plein.fr", "coordinateur:plein-2025"),
        ("partenaire@caen.fr", "partenaire:essai-2025"),
    ];
    Appli::avec(&[vide, plein], &comptes).await
}

async fn axes(appli: &Appli, id: &str) -> Vec<pilote_domain::strategie::Axe> {
    let id = IdContrat::parse(id).unwrap();
    contrat::lire(&appli.store, &Auteur::ligne_de_commande(), &id)
        .await
        .unwrap()
        .contrat
        .axes
}

#[tokio::test]
async fn le_plan_s_apercoit_puis_s_importe_en_entier() {
    let appli = appli().await;
    let mut c = appli.connecte("coord@caen.fr").await;
    let page = c.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.corps.contains("href=\"/modele-plan.xlsx\""));

    let modele = tableur::modele().unwrap();
    let apercu = c
        .deposer(
            "/contrats/essai-2025/plan/apercu",
            &[],
            ("plan.xlsx", &modele),
        )
        .await;
    assert_eq!(apercu.status, StatusCode::OK, "{}", apercu.texte());
    let texte = apercu.texte();
    for attendu in [
        "Aperçu de « plan.xlsx »",
        "1 axe, 1 objectif, 1 fiche-action, 1 ligne de budget, 1 indicateur",
        "Axe 1 — Accès aux soins",
        "Renforcer l'offre de premier recours",
        "Accueillir les internes en médecine",
        "Ville de Caen",
    ] {
        assert!(texte.contains(attendu), "{attendu}\n{texte}");
    }
    assert!(
        axes(&appli, "essai-2025").await.is_empty(),
        "l'aperçu n'enregistre rien"
    );

    let version = champ_cache(&apercu.corps, "version").unwrap();
    let classeur = champ_cache(&apercu.corps, "classeur").unwrap();
    let envoi = [
        ("version", version.as_str()),
        ("nom", "plan.xlsx"),
        ("classeur", classeur.as_str()),
    ];
    let r = c.post(PAGE, &envoi).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some("/contrats/essai-2025/strategie?fait=import#import")
    );
    let importes = axes(&appli, "essai-2025").await;
    assert_eq!(importes.len(), 1);
    let fiche = &importes[0].objectifs[0].fiches_actions[0];
    assert_eq!(fiche.numero, "1.1");
    assert_eq!(fiche.budget.len(), 1);
    assert_eq!(fiche.indicateurs[0].cibles[0].annee, 2027);
    let strategie = c.get("/contrats/essai-2025/strategie?fait=import").await;
    assert!(
        strategie
            .texte()
            .contains("Le plan du classeur est importé")
    );
    let historique = c.get("/contrats/essai-2025/pilotage").await.texte();
    assert!(
        historique.contains("Accès aux soins (importé, 1 fiche-action)"),
        "{historique}"
    );

    // Exported, the plan reads back as it was imported; what the public may read of an
    // unpublished contract is nothing.
    let export = c.get("/contrats/essai-2025/export.xlsx").await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(
        export.entete("content-disposition"),
        Some("attachment; filename=\"essai-2025.xlsx\"")
    );
    let relu = tableur::lire(export.octets).unwrap();
    assert_eq!(relu.axes, tableur::lire(modele.clone()).unwrap().axes);
    let public = appli
        .navigateur()
        .get("/contrats/essai-2025/export.xlsx")
        .await;
    assert!(public.status.is_client_error() || public.status.is_redirection());
    assert!(!public.corps.contains("Accueillir les internes"));

    // The same confirmation again: its version is stale, nothing is added twice.
    let r = c.post(PAGE, &envoi).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.texte());
    assert!(r.texte().contains("rien n'est importé"));
    assert_eq!(axes(&appli, "essai-2025").await.len(), 1);
}

#[tokio::test]
async fn chaque_faute_du_classeur_est_nommee_et_rien_n_est_enregistre() {
    let appli = appli().await;
    let mut c = appli.connecte("coord@plein.fr").await;
    let avant = axes(&appli, "plein-2025").await;
    let modele = tableur::modele().unwrap();
    let r = c
        .deposer(
            "/contrats/plein-2025/plan/apercu",
            &[],
            ("plan.xlsx", &modele),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.texte());
    let texte = r.texte();
    for attendu in [
        "« plan.xlsx » n'est pas importé",
        "2 problèmes à corriger",
        "Feuille « Axes », ligne 2, colonne A (Numéro)",
        "le contrat a déjà un axe n°1",
        "Feuille « Fiches-actions », ligne 2, colonne C (Numéro)",
        "le contrat a déjà une fiche-action n°1.1",
    ] {
        assert!(texte.contains(attendu), "{attendu}\n{texte}");
    }
    assert!(!r.corps.contains("name=\"classeur\""), "rien à confirmer");

    for (nom, octets, message) in [
        ("vide.xlsx", &b""[..], "choisissez le classeur à importer"),
        (
            "notes.txt",
            &b"axe 1 : acces aux soins"[..],
            "n'est pas un classeur XLSX ou ODS lisible",
        ),
    ] {
        let r = c
            .deposer("/contrats/plein-2025/plan/apercu", &[], (nom, octets))
            .await;
        assert!(r.status.is_client_error(), "{nom} : {}", r.status);
        assert!(r.texte().contains(message), "{nom}\n{}", r.texte());
    }
    let trop_gros = vec![0_u8; 600 << 10];
    let r = c
        .deposer(
            "/contrats/plein-2025/plan/apercu",
            &[],
            ("gros.xlsx", &trop_gros),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.texte().contains("Le classeur dépasse 512 ko"));

    // A confirmation whose workbook is not one, or one read against the contract as it is now.
    let version = champ_cache(&c.get("/contrats/plein-2025/plan").await.corps, "version");
    assert_eq!(version, None, "pas de confirmation sans aperçu");
    let lue = champ_cache(
        &c.get("/contrats/plein-2025/strategie").await.corps,
        "version",
    )
    .unwrap();
    let r = c
        .post(
            "/contrats/plein-2025/plan",
            &[("version", &lue), ("classeur", "pas du base64 !")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("Le classeur de l'aperçu est illisible"));
    use base64::Engine;
    let classeur = base64::engine::general_purpose::STANDARD.encode(&modele);
    let r = c
        .post(
            "/contrats/plein-2025/plan",
            &[("version", &lue), ("classeur", &classeur)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.texte().contains("le contrat a déjà un axe n°1"));
    assert_eq!(
        axes(&appli, "plein-2025").await,
        avant,
        "rien n'est enregistré"
    );
}

#[tokio::test]
async fn seuls_ceux_qui_changent_le_contrat_importent_un_plan() {
    let appli = appli().await;
    let modele = tableur::modele().unwrap();
    for (email, statut) in [
        ("partenaire@caen.fr", StatusCode::FORBIDDEN),
        ("coord@plein.fr", StatusCode::NOT_FOUND),
    ] {
        let mut n = appli.connecte(email).await;
        assert_eq!(n.get(PAGE).await.status, statut, "{email}");
        let r = n
            .deposer(
                "/contrats/essai-2025/plan/apercu",
                &[],
                ("plan.xlsx", &modele),
            )
            .await;
        assert_eq!(r.status, statut, "{email}");
        assert!(!r.texte().contains("Accueillir les internes"), "{email}");
    }
    assert!(axes(&appli, "essai-2025").await.is_empty());
}
