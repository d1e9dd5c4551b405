//! Signing in through ProConnect end to end: Pilote's routes, a real OpenID provider over HTTP,
//! and the test in the browser's place between the two.

use crate::support::application::{Appli, Navigateur, contrat as contrat_essai};
use crate::support::fournisseur_oidc::{
    CLIENT_ID, CLIENT_SECRET, FournisseurOidc, POST_LOGOUT_REDIRECT_URI, Reglages, Signature,
};
use axum::http::StatusCode;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::{compte, contrat, journal};
use pilote_web::oidc::{ClientOidc, ConfigOidc};
use reqwest::Url;

const SITE: &str = "https://pilote.test";
const ACR_2FA: &str = "https://proconnect.gouv.fr/assurance/self-asserted-2fa";

/// Pilote signing in through `fournisseur`, with an unpublished contract the provider's agent
/// is partner of (when `avec_compte`).
async fn appli(fournisseur: &FournisseurOidc, acr_exiges: &[&str], avec_compte: bool) -> Appli {
    let client = ClientOidc::new(ConfigOidc {
        discovery_url: fournisseur.discovery_url(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: CLIENT_SECRET.to_owned(),
        acr_exiges: acr_exiges.iter().map(|a| a.to_string()).collect(),
        scopes: "openid email given_name usual_name uid".to_owned(),
    });
    let appli = Appli::demarrer(SITE, Some(client)).await;
    contrat::creer(
        &appli.store,
        &contrat_essai("essai-2022", false, &["14118"], 2),
    )
    .await
    .unwrap();
    if avec_compte {
        compte::creer(
            &appli.store,
            &Email::parse(&fournisseur.utilisateur().email).unwrap(),
            None,
            "mot de passe jamais utilisé ici",
            &[Role::parse("partenaire:essai-2022").unwrap()],
        )
        .await
        .unwrap();
    }
    appli
}

fn navigateur_externe() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// From Pilote to the provider and back: returns the callback path Pilote is sent to.
async fn aller_chez_le_fournisseur(navigateur: &mut Navigateur<'_>) -> String {
    let depart = navigateur.get("/connexion/proconnect").await;
    assert_eq!(depart.status, StatusCode::SEE_OTHER, "{}", depart.corps);
    let autorisation = Url::parse(depart.redirection().unwrap()).unwrap();
    let parametres: std::collections::HashMap<String, String> =
        autorisation.query_pairs().into_owned().collect();
    assert!(parametres["state"].len() >= 32 && parametres["nonce"].len() >= 32);
    assert_ne!(parametres["state"], parametres["nonce"]);
    assert!(navigateur.cookies.contains_key("__Host-pilote_oidc"));
    let reponse = navigateur_externe().get(autorisation).send().await.unwrap();
    let retour = reponse.headers()["location"].to_str().unwrap().to_owned();
    let chemin = retour
        .strip_prefix(SITE)
        .expect("retour vers Pilote")
        .to_owned();
    assert!(
        chemin.starts_with("/connexion/proconnect/retour?"),
        "{chemin}"
    );
    chemin
}

#[tokio::test]
async fn un_agent_se_connecte_et_se_deconnecte_par_proconnect() {
    let fournisseur = FournisseurOidc::demarrer(Reglages {
        acr: Some(ACR_2FA.to_owned()),
        ..Reglages::default()
    })
    .await;
    let appli = appli(&fournisseur, &[ACR_2FA], true).await;
    let mut navigateur = appli.navigateur();
    let page = navigateur.get("/connexion").await;
    assert!(page.corps.contains("href=\"/connexion/proconnect\""));

    let retour = aller_chez_le_fournisseur(&mut navigateur).await;
    let arrivee = navigateur.get(&retour).await;
    assert_eq!(arrivee.status, StatusCode::SEE_OTHER, "{}", arrivee.texte());
    assert!(navigateur.cookies.contains_key("__Host-pilote_session"));
    assert!(!navigateur.cookies.contains_key("__Host-pilote_oidc"));
    let page = navigateur.get("/contrats/essai-2022").await;
    assert_eq!(page.status, StatusCode::OK);
    // The account had no name: it takes the one the provider gives.
    assert!(page.corps.contains("Camille Durand"));
    let entrees = journal::dernieres(&appli.store, 5).await.unwrap();
    assert!(
        entrees.iter().any(|e| e.action == "connexion"
            && e.detail.as_deref() == Some(&format!("par OpenID Connect (niveau {ACR_2FA})")[..])),
        "{entrees:#?}"
    );

    // The answer cannot be replayed, by this browser or another.
    let rejoue = navigateur.get(&retour).await;
    assert_eq!(rejoue.status, StatusCode::BAD_REQUEST);
    assert!(
        rejoue
            .texte()
            .contains("inconnue, expirée ou déjà utilisée")
    );

    // Sign-out goes on to the provider with the ID token as hint.
    let sortie = navigateur.post("/deconnexion", &[]).await;
    assert_eq!(sortie.status, StatusCode::SEE_OTHER);
    let fin = Url::parse(sortie.redirection().unwrap()).unwrap();
    assert!(fin.as_str().starts_with(fournisseur.base_url()), "{fin}");
    navigateur_externe().get(fin).send().await.unwrap();
    let fins = fournisseur.fins_de_session();
    assert_eq!(fins.len(), 1);
    assert!(
        fins[0]
            .id_token_hint
            .as_deref()
            .is_some_and(|t| t.split('.').count() == 3)
    );
    assert_eq!(
        fins[0].post_logout_redirect_uri.as_deref(),
        Some(POST_LOGOUT_REDIRECT_URI)
    );
    assert!(!navigateur.cookies.contains_key("__Host-pilote_session"));
    assert_eq!(
        navigateur.get("/contrats/essai-2022").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn un_state_forge_ou_d_un_autre_navigateur_est_refuse() {
    let fournisseur = FournisseurOidc::demarrer(Reglages::default()).await;
    let appli = appli(&fournisseur, &[], true).await;
    let mut victime = appli.navigateur();
    let retour = aller_chez_le_fournisseur(&mut victime).await;

    // Another browser presenting the victim's answer: its cookie does not match.
    let mut attaquant = appli.navigateur();
    let r = attaquant.get(&retour).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(!attaquant.cookies.contains_key("__Host-pilote_session"));

    // A state Pilote never issued, even with a matching cookie.
    let forge = "f".repeat(64);
    attaquant
        .cookies
        .insert("__Host-pilote_oidc".into(), forge.clone());
    let r = attaquant
        .get(&format!(
            "/connexion/proconnect/retour?code=abc&state={forge}"
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("inconnue, expirée ou déjà utilisée"));
    let r = attaquant
        .get("/connexion/proconnect/retour?error=access_denied")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("access_denied"));

    // The victim's own answer still works once.
    assert_eq!(victime.get(&retour).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn une_identite_mal_signee_insuffisante_ou_sans_compte_n_ouvre_rien() {
    for (reglages, acr_exiges, avec_compte, statut, message) in [
        (
            Reglages {
                signature: Signature::AutreCle,
                ..Reglages::default()
            },
            vec![],
            true,
            StatusCode::BAD_REQUEST,
            "signature",
        ),
        (
            Reglages::default(),
            vec![ACR_2FA],
            true,
            StatusCode::BAD_REQUEST,
            "(acr) insuffisant",
        ),
        (
            Reglages::default(),
            vec![],
            false,
            StatusCode::FORBIDDEN,
            "Aucun compte Pilote n'est ouvert pour camille.durand@ars.sante.fr",
        ),
    ] {
        let fournisseur = FournisseurOidc::demarrer(reglages).await;
        let appli = appli(&fournisseur, &acr_exiges, avec_compte).await;
        let mut navigateur = appli.navigateur();
        let retour = aller_chez_le_fournisseur(&mut navigateur).await;
        let r = navigateur.get(&retour).await;
        assert_eq!(r.status, statut, "{message}");
        assert!(r.texte().contains(message), "{message} : {}", r.texte());
        assert!(!navigateur.cookies.contains_key("__Host-pilote_session"));
    }
}

#[tokio::test]
async fn sans_configuration_proconnect_n_est_pas_propose() {
    let appli = Appli::demarrer(SITE, None).await;
    let mut navigateur = appli.navigateur();
    assert!(
        !navigateur
            .get("/connexion")
            .await
            .corps
            .contains("/connexion/proconnect")
    );
    let r = navigateur.get("/connexion/proconnect").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.texte().contains("n'est pas configurée"));
}
