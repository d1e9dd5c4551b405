//! The OpenID Connect client driven over HTTP against a real provider; the test plays the
//! browser between the two.

use std::collections::HashMap;

use crate::support::fournisseur_oidc::{
    CLIENT_ID, CLIENT_SECRET, FournisseurOidc, POST_LOGOUT_REDIRECT_URI, REDIRECT_URI, Reglages,
    Signature,
};
use pilote_web::oidc::{ClientOidc, ConfigOidc, DefautJeton, ErreurOidc, IdentiteOidc};
use reqwest::{StatusCode, Url, header};

const NONCE: &str = "nonce-de-la-session";
const STATE: &str = "etat-de-la-session";
const ACR_2FA: &str = "https://proconnect.gouv.fr/assurance/self-asserted-2fa";

fn client(fournisseur: &FournisseurOidc, acr_exiges: &[&str]) -> ClientOidc {
    ClientOidc::new(ConfigOidc {
        discovery_url: fournisseur.discovery_url(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: CLIENT_SECRET.to_owned(),
        acr_exiges: acr_exiges.iter().map(|acr| acr.to_string()).collect(),
        scopes: "openid email given_name usual_name uid".to_owned(),
    })
}

/// A browser that shows redirects instead of following them.
fn navigateur() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Where a redirect points, and its query.
fn destination(reponse: &reqwest::Response) -> (Url, HashMap<String, String>) {
    assert_eq!(reponse.status(), StatusCode::FOUND);
    let url = Url::parse(reponse.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    let requete = url.query_pairs().into_owned().collect();
    (url, requete)
}

/// Goes to the provider's authorization URL and brings back the code it answers with.
async fn autoriser(client: &ClientOidc) -> String {
    let adresse = client
        .adresse_autorisation(REDIRECT_URI, STATE, NONCE)
        .await
        .unwrap();
    let reponse = navigateur().get(&adresse).send().await.unwrap();
    let (retour, requete) = destination(&reponse);
    assert!(retour.as_str().starts_with(REDIRECT_URI), "{retour}");
    assert_eq!(requete["state"], STATE);
    requete["code"].clone()
}

/// A whole sign-in against a provider with these settings.
async fn connexion(
    reglages: Reglages,
    acr_exiges: &[&str],
) -> (FournisseurOidc, Result<IdentiteOidc, ErreurOidc>) {
    let fournisseur = FournisseurOidc::demarrer(reglages).await;
    let client = client(&fournisseur, acr_exiges);
    let code = autoriser(&client).await;
    let resultat = client.echanger(&code, REDIRECT_URI, NONCE).await;
    (fournisseur, resultat)
}

async fn erreur(reglages: Reglages, acr_exiges: &[&str]) -> ErreurOidc {
    connexion(reglages, acr_exiges).await.1.unwrap_err()
}

#[tokio::test]
async fn une_connexion_rend_l_identite_garantie_par_le_fournisseur() {
    let (fournisseur, identite) = connexion(Reglages::default(), &[]).await;
    let identite = identite.unwrap();
    let utilisateur = fournisseur.utilisateur();
    assert_eq!(identite.sujet, utilisateur.sub);
    assert_eq!(identite.email, utilisateur.email);
    assert_eq!(
        identite.prenom.as_deref(),
        Some(utilisateur.given_name.as_str())
    );
    assert_eq!(
        identite.nom.as_deref(),
        Some(utilisateur.usual_name.as_str())
    );
    assert_eq!(identite.acr, None);
    assert_eq!(identite.id_token.split('.').count(), 3);
}

#[tokio::test]
async fn l_adresse_d_autorisation_porte_toute_la_demande() {
    let fournisseur = FournisseurOidc::demarrer(Reglages::default()).await;
    let adresse = client(&fournisseur, &[])
        .adresse_autorisation(REDIRECT_URI, "état & co", NONCE)
        .await
        .unwrap();
    let url = Url::parse(&adresse).unwrap();
    assert_eq!(
        url.as_str().split('?').next().unwrap(),
        format!("{}/authorize", fournisseur.base_url())
    );
    let requete: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(requete["response_type"], "code");
    assert_eq!(requete["client_id"], CLIENT_ID);
    assert_eq!(requete["redirect_uri"], REDIRECT_URI);
    assert_eq!(requete["scope"], "openid email given_name usual_name uid");
    assert_eq!(requete["state"], "état & co");
    assert_eq!(requete["nonce"], NONCE);
    assert!(!requete.contains_key("acr_values"));

    let adresse = client(&fournisseur, &[ACR_2FA, "eidas2"])
        .adresse_autorisation(REDIRECT_URI, STATE, NONCE)
        .await
        .unwrap();
    let requete: HashMap<String, String> = Url::parse(&adresse)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(requete["acr_values"], format!("{ACR_2FA} eidas2"));
}

#[tokio::test]
async fn une_signature_contrefaite_est_refusee() {
    let reglages = Reglages {
        signature: Signature::AutreCle,
        ..Reglages::default()
    };
    assert_eq!(
        erreur(reglages, &[]).await,
        ErreurOidc::JetonIdentiteInvalide(DefautJeton::Signature)
    );
}

#[tokio::test]
async fn un_jeton_signe_avec_le_secret_partage_est_refuse() {
    let reglages = Reglages {
        signature: Signature::SecretPartage,
        ..Reglages::default()
    };
    assert_eq!(
        erreur(reglages, &[]).await,
        ErreurOidc::JetonIdentiteInvalide(DefautJeton::Algorithme)
    );
}

#[tokio::test]
async fn un_jeton_non_signe_est_refuse() {
    let reglages = Reglages {
        signature: Signature::Aucune,
        ..Reglages::default()
    };
    // jsonwebtoken knows no `none` algorithm: the header itself does not parse.
    assert_eq!(
        erreur(reglages, &[]).await,
        ErreurOidc::JetonIdentiteInvalide(DefautJeton::Format)
    );
}

#[tokio::test]
async fn un_nonce_inattendu_est_refuse() {
    let reglages = Reglages {
        nonce: Some("nonce-d-une-autre-session".to_owned()),
        ..Reglages::default()
    };
    assert_eq!(erreur(reglages, &[]).await, ErreurOidc::NonceInattendu);
}

#[tokio::test]
async fn un_acr_exige_mais_absent_est_refuse() {
    assert_eq!(
        erreur(Reglages::default(), &[ACR_2FA]).await,
        ErreurOidc::AcrInsuffisant
    );
}

#[tokio::test]
async fn un_acr_insuffisant_est_refuse() {
    let reglages = Reglages {
        acr: Some("eidas1".to_owned()),
        ..Reglages::default()
    };
    let erreur = erreur(reglages, &[ACR_2FA]).await;
    assert_eq!(erreur, ErreurOidc::AcrInsuffisant);
    assert_eq!(
        erreur.to_string(),
        "niveau d'authentification (acr) insuffisant"
    );
}

#[tokio::test]
async fn un_acr_exige_et_present_est_accepte() {
    let reglages = Reglages {
        acr: Some(ACR_2FA.to_owned()),
        ..Reglages::default()
    };
    let identite = connexion(reglages, &["eidas2", ACR_2FA]).await.1.unwrap();
    assert_eq!(identite.acr.as_deref(), Some(ACR_2FA));
}

#[tokio::test]
async fn des_informations_sur_quelqu_un_d_autre_sont_refusees() {
    let reglages = Reglages {
        sujet_infos: Some("un-autre-agent".to_owned()),
        ..Reglages::default()
    };
    assert_eq!(erreur(reglages, &[]).await, ErreurOidc::SujetIncoherent);
}

#[tokio::test]
async fn un_autre_emetteur_est_refuse() {
    let reglages = Reglages {
        emetteur: Some("https://usurpateur.example".to_owned()),
        ..Reglages::default()
    };
    assert_eq!(
        erreur(reglages, &[]).await,
        ErreurOidc::JetonIdentiteInvalide(DefautJeton::Emetteur)
    );
}

#[tokio::test]
async fn un_jeton_destine_a_un_autre_client_est_refuse() {
    let reglages = Reglages {
        audience: Some("un-autre-service".to_owned()),
        ..Reglages::default()
    };
    assert_eq!(
        erreur(reglages, &[]).await,
        ErreurOidc::JetonIdentiteInvalide(DefautJeton::Audience)
    );
}

#[tokio::test]
async fn un_jeton_expire_est_refuse() {
    let reglages = Reglages {
        jeton_expire: true,
        ..Reglages::default()
    };
    let erreur = erreur(reglages, &[]).await;
    assert_eq!(
        erreur,
        ErreurOidc::JetonIdentiteInvalide(DefautJeton::Expire)
    );
    assert_eq!(erreur.to_string(), "jeton d'identité invalide : expiré");
}

#[tokio::test]
async fn des_informations_utilisateur_non_signees_sont_refusees() {
    let reglages = Reglages {
        infos_en_json: true,
        ..Reglages::default()
    };
    assert_eq!(
        erreur(reglages, &[]).await,
        ErreurOidc::InfosUtilisateurInvalides(DefautJeton::NonSigne)
    );
}

#[tokio::test]
async fn un_code_ne_sert_qu_une_fois() {
    let fournisseur = FournisseurOidc::demarrer(Reglages::default()).await;
    let client = client(&fournisseur, &[]);
    let code = autoriser(&client).await;
    client.echanger(&code, REDIRECT_URI, NONCE).await.unwrap();
    assert_eq!(
        client
            .echanger(&code, REDIRECT_URI, NONCE)
            .await
            .unwrap_err(),
        ErreurOidc::CodeRefuse
    );
}

#[tokio::test]
async fn une_nouvelle_cle_du_fournisseur_est_prise_en_compte() {
    let fournisseur = FournisseurOidc::demarrer(Reglages::default()).await;
    let client = client(&fournisseur, &[]);
    let code = autoriser(&client).await;
    client.echanger(&code, REDIRECT_URI, NONCE).await.unwrap();

    fournisseur.changer_de_cle();
    let code = autoriser(&client).await;
    let identite = client.echanger(&code, REDIRECT_URI, NONCE).await.unwrap();
    assert_eq!(identite.sujet, fournisseur.utilisateur().sub);
}

#[tokio::test]
async fn la_deconnexion_passe_par_le_fournisseur() {
    let (fournisseur, identite) = connexion(Reglages::default(), &[]).await;
    let identite = identite.unwrap();
    let adresse = client(&fournisseur, &[])
        .adresse_deconnexion(&identite.id_token, POST_LOGOUT_REDIRECT_URI, STATE)
        .await
        .unwrap()
        .unwrap();
    let requete: HashMap<String, String> = Url::parse(&adresse)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(requete["id_token_hint"], identite.id_token);
    assert_eq!(
        requete["post_logout_redirect_uri"],
        POST_LOGOUT_REDIRECT_URI
    );
    assert_eq!(requete["state"], STATE);

    let reponse = navigateur().get(&adresse).send().await.unwrap();
    let (retour, requete) = destination(&reponse);
    assert!(retour.as_str().starts_with(POST_LOGOUT_REDIRECT_URI));
    assert_eq!(requete["state"], STATE);
    let [fin] = fournisseur.fins_de_session().try_into().unwrap();
    assert_eq!(
        fin.id_token_hint.as_deref(),
        Some(identite.id_token.as_str())
    );
    assert_eq!(
        fin.post_logout_redirect_uri.as_deref(),
        Some(POST_LOGOUT_REDIRECT_URI)
    );
}

#[tokio::test]
async fn un_fournisseur_injoignable_est_signale() {
    // A port that was just free and that nobody listens on any more.
    let ecoute = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let adresse = ecoute.local_addr().unwrap();
    drop(ecoute);
    let client = ClientOidc::new(ConfigOidc {
        discovery_url: format!("http://{adresse}/.well-known/openid-configuration"),
        client_id: CLIENT_ID.to_owned(),
        client_secret: CLIENT_SECRET.to_owned(),
        acr_exiges: Vec::new(),
        scopes: "openid email".to_owned(),
    });
    let erreur = client
        .adresse_autorisation(REDIRECT_URI, STATE, NONCE)
        .await
        .unwrap_err();
    assert_eq!(erreur, ErreurOidc::Injoignable);
    assert_eq!(
        erreur.to_string(),
        "le fournisseur d'identité est injoignable"
    );
}
