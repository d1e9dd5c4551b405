//! The page of the Conseil Local de Santé Mentale: the council created, its axes, bodies with
//! members and events added and removed, the public reading them; refusals said with nothing
//! saved; a pilot kept out.

use crate::support::application::{Appli, contrat as contrat_essai, elements};
use axum::http::StatusCode;

const PAGE: &str = "/contrats/essai-2025/clsm";

async fn appli() -> Appli {
    let contrats = [contrat_essai("essai-2025", true, &["14118"], 1)];
    let comptes = [
        ("coord@caen.fr", "coordinateur:essai-2025"),
        ("pilote@caen.fr", "pilote:essai-2025:1"),
    ];
    Appli::avec(&contrats, &comptes).await
}

#[tokio::test]
async fn le_conseil_se_cree_et_se_remplit_depuis_sa_page() {
    let appli = appli().await;
    let mut c = appli.connecte("coord@caen.fr").await;
    // Nothing before the council itself.
    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/clsm/evenements",
            &[("titre", "SISM")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte().contains("Enregistrez d'abord le nom du conseil"),
        "{}",
        r.texte()
    );
    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/clsm",
            &[("nom", ""), ("lancement", "2019")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.corps.contains("aria-describedby=\"clsm-nom-erreur\""));
    assert!(r.texte().contains("value=\"2019\""));
    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/clsm",
            &[
                ("nom", "CLSM de Caen"),
                ("lancement", "03/2019"),
                (
                    "presentation",
                    "Un conseil pour la santé mentale.\n\nIl réunit élus et soignants.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some(format!("{PAGE}?fait=conseil#conseil").as_str())
    );

    for (chemin, champs) in [
        (
            "/clsm/axes",
            vec![
                ("titre", "Prévenir la crise suicidaire"),
                ("description", "Former des sentinelles"),
            ],
        ),
        (
            "/clsm/instances",
            vec![
                ("nature", "assemblee-pleniere"),
                ("nom", "Assemblée plénière du CLSM"),
                ("presidence", "Le maire"),
                ("membres", "CHU de Caen, Dr Martin, psychiatre\nUnafam"),
            ],
        ),
        (
            "/clsm/evenements",
            vec![
                ("nature", "sism"),
                ("titre", "SISM 2024 : santé mentale et travail"),
                ("date", "10/2024"),
            ],
        ),
        (
            "/clsm/evenements",
            vec![
                ("nature", "formation"),
                ("titre", "Premiers secours en santé mentale"),
            ],
        ),
    ] {
        let r = c
            .soumettre(PAGE, &format!("/contrats/essai-2025{chemin}"), &champs)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{chemin} : {}", r.texte());
    }
    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/clsm/instances",
            &[("nom", "Sans nature")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("Choisissez la nature de l'instance."));

    let publique = appli.navigateur().get("/contrats/essai-2025").await.texte();
    for attendu in [
        "CLSM de Caen",
        "Lancé en mars 2019.",
        "<p>Il réunit élus et soignants.</p>",
        "Prévenir la crise suicidaire",
        "Assemblée plénière du CLSM",
        "CHU de Caen — Dr Martin, psychiatre",
        "Semaines d'information sur la santé mentale</span> SISM 2024 : santé mentale et travail (octobre 2024)",
        "Premiers secours en santé mentale",
    ] {
        assert!(publique.contains(attendu), "absent : {attendu}");
    }
    // The contract's own axes are not the council's.
    assert!(publique.contains("Accès aux soins"));

    let page = c.get(PAGE).await.texte();
    let evenement = format!("evenement-{}", elements(&page, "evenement")[0]);
    let retrait = "/contrats/essai-2025/clsm/retrait";
    let r = c.soumettre(PAGE, retrait, &[("element", &evenement)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = c.soumettre(PAGE, retrait, &[("element", &evenement)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("il a été retiré"));
    let axe_du_contrat = format!(
        "axe-{}",
        elements(&c.get("/contrats/essai-2025/strategie").await.corps, "axe")[0]
    );
    let r = c
        .soumettre(PAGE, retrait, &[("element", &axe_du_contrat)])
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "un axe du contrat n'est pas un axe du conseil"
    );
    let r = c.soumettre(PAGE, retrait, &[("element", "clsm")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let publique = appli.navigateur().get("/contrats/essai-2025").await.texte();
    assert!(!publique.contains("CLSM de Caen") && !publique.contains("Assemblée plénière du CLSM"));
    assert!(
        publique.contains("Accès aux soins"),
        "le contrat garde ses axes"
    );
    let historique = c.get("/contrats/essai-2025").await.texte();
    assert!(historique.contains("<td>CLSM</td><td>CLSM de Caen</td><td>—</td>"));
}

#[tokio::test]
async fn un_pilote_ne_touche_pas_au_conseil() {
    let appli = appli().await;
    let mut p = appli.connecte("pilote@caen.fr").await;
    assert_eq!(p.get(PAGE).await.status, StatusCode::FORBIDDEN);
    let r = p
        .post(
            "/contrats/essai-2025/clsm",
            &[("version", "1"), ("nom", "Intrus")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
