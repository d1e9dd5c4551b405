//! Governance from the contract page: bodies, their members and meetings, removals.

use crate::support::application::{
    Appli, Navigateur, champ_cache, contrat as contrat_essai, elements,
};
use axum::http::StatusCode;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::{compte, contrat};

const MDP: &str = "un mot de passe assez long";

async fn poster(
    n: &mut Navigateur<'_>,
    chemin: &str,
    champs: &[(&str, &str)],
) -> crate::support::application::Reponse {
    let v = champ_cache(
        &n.get("/contrats/essai-2025/gouvernance").await.corps,
        "version",
    )
    .unwrap();
    let mut tous = vec![("version", v.as_str())];
    tous.extend_from_slice(champs);
    n.post(&format!("/contrats/essai-2025{chemin}"), &tous)
        .await
}

#[tokio::test]
async fn une_instance_a_ses_membres_et_tout_se_retire() {
    let appli = Appli::demarrer("http://localhost", None).await;
    contrat::creer(
        &appli.store,
        &contrat_essai("essai-2025", false, &["14118"], 1),
    )
    .await
    .unwrap();
    let roles = vec![Role::parse("coordinateur:essai-2025").unwrap()];
    compte::creer(
        &appli.store,
        &Email::parse("coord@caen.fr").unwrap(),
        None,
        MDP,
        &roles,
    )
    .await
    .unwrap();
    let mut c = appli.navigateur();
    c.connecter("coord@caen.fr", MDP).await;
    for (nature, nom) in [("copil", "COPIL du CLS"), ("cotech", "Comité technique")] {
        let r = poster(&mut c, "/instances", &[("nature", nature), ("nom", nom)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    }
    let instances = elements(
        &c.get("/contrats/essai-2025/gouvernance").await.texte(),
        "instance",
    );
    let (copil, cotech) = (instances[0].as_str(), instances[1].as_str());
    for (chemin, champs) in [
        (
            "/membres",
            vec![
                ("instance", copil),
                ("organisation", "ARS Normandie"),
                ("personne", "Thomas Deroche"),
                ("fonction", "directeur général"),
            ],
        ),
        (
            "/membres",
            vec![("instance", copil), ("organisation", "Ville de Caen")],
        ),
        (
            "/reunions",
            vec![("instance", "COPIL du CLS"), ("date", "2025-03-14")],
        ),
    ] {
        let r = poster(&mut c, chemin, &champs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{chemin} : {}", r.texte());
    }
    let page = c.get("/contrats/essai-2025").await.texte();
    assert!(
        page.contains("ARS Normandie — Thomas Deroche, directeur général"),
        "{page}"
    );
    assert!(page.contains("<td>membre de « COPIL du CLS »</td><td>—</td><td>Ville de Caen</td>"));

    for (chemin, champs, message) in [
        (
            "/membres",
            vec![("instance", copil), ("organisation", "")],
            "Indiquez l'organisation du membre.",
        ),
        (
            "/membres",
            vec![("instance", "7000"), ("organisation", "CPAM")],
            "Le contrat n'a pas d'instance n°7000.",
        ),
        (
            "/membres",
            vec![("instance", "premier"), ("organisation", "CPAM")],
            "Choisissez l'instance.",
        ),
        (
            "/gouvernance/retrait",
            vec![("element", "membre-9000")],
            "La gouvernance du contrat n'a pas cet élément (membre n°9000) : il a été retiré.",
        ),
        (
            "/gouvernance/retrait",
            vec![("element", "copil")],
            "Élément de la gouvernance « copil » inconnu.",
        ),
    ] {
        let r = poster(&mut c, chemin, &champs).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{chemin} {champs:?}");
        assert!(r.texte().contains(message), "{message}\n{}", r.texte());
    }

    let page = c.get("/contrats/essai-2025/gouvernance").await.texte();
    let retraits = [
        format!("membre-{}", elements(&page, "membre")[0]),
        format!("reunion-{}", elements(&page, "reunion")[0]),
        format!("instance-{cotech}"),
    ];
    for element in &retraits {
        let r = poster(&mut c, "/gouvernance/retrait", &[("element", element)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{element}");
    }
    let page = c.get("/contrats/essai-2025/gouvernance").await.texte();
    assert!(!page.contains("Membre : ARS Normandie"));
    assert!(!page.contains("Réunion du 14 mars 2025"));
    let page = c.get("/contrats/essai-2025").await.texte();
    assert!(page.contains("<td>instance</td><td>Comité technique</td><td>—</td>"));
    assert!(page.contains("<td>réunion de « COPIL du CLS »</td><td>2025-03-14</td><td>—</td>"));
}
