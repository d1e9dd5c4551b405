//! The S3 client against a real S3-compatible server, named by `PILOTE_TEST_S3_URL` in the
//! form `depuis_adresse` reads (`scripts/s3-de-test.sh` starts moto and prints it; `.ci/run`
//! always sets it, and a server that does not answer then fails the test). Without it, the
//! test says so and passes.
//!
//! moto accepts any signature unless told otherwise: on moto, the test turns its checking on
//! (`/moto-api/reset-auth`) and creates an IAM user whose key signs the requests, so that moto
//! recomputes every signature (with botocore) and refuses a wrong one. On another server
//! (MinIO, Garage…), the address's own credentials are used.

use std::sync::Arc;

use pilote_stockage::{Adresse, Cle, ConfigS3, Depot, ErreurStockage, S3, Stockage};

async fn depot(octets: &[u8]) -> Depot {
    Depot::depuis_octets(octets).await.unwrap()
}

#[tokio::test]
async fn depot_lecture_remplacement_suppression_sur_un_vrai_serveur_s3() {
    let Ok(adresse) = std::env::var("PILOTE_TEST_S3_URL") else {
        eprintln!("PILOTE_TEST_S3_URL absent : test S3 non exécuté");
        return;
    };
    let Adresse::S3(mut config) = Adresse::analyser(&adresse).unwrap() else {
        panic!("PILOTE_TEST_S3_URL ne désigne pas un serveur S3 : {adresse}");
    };
    let moto = Moto::detecter(&config.endpoint).await;
    if let Some(moto) = &moto {
        (config.access_key, config.secret_key) = moto.identifiants_verifies().await;
    }
    config.bucket = format!("pilote-test-{}", unique());

    let s3 = S3::new(config.clone()).unwrap();
    s3.creer_bucket().await.unwrap();
    s3.creer_bucket().await.unwrap();
    let stockage: Arc<dyn Stockage> = Arc::new(s3);
    assert_eq!(
        stockage.decrire(),
        format!("S3 {}/{}", config.endpoint, config.bucket)
    );

    let cle = Cle::nouvelle("caen-2019", "2.1", "Compte rendu du COPIL.pdf").unwrap();
    // Three megabytes written piece by piece, as an upload arrives, then streamed to the server.
    let contenu: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut envoi = Depot::nouveau().unwrap();
    for morceau in contenu.chunks(64 * 1024) {
        envoi.ecrire(morceau).await.unwrap();
    }
    stockage
        .deposer(&cle, envoi, "application/pdf")
        .await
        .unwrap();
    assert_eq!(stockage.lire(&cle).await.unwrap(), contenu);

    stockage
        .deposer(&cle, depot(b"version 2").await, "application/pdf")
        .await
        .unwrap();
    assert_eq!(stockage.lire(&cle).await.unwrap(), b"version 2");

    let vide = Cle::parse(&format!("{cle}.vide")).unwrap();
    stockage
        .deposer(&vide, depot(b"").await, "text/plain")
        .await
        .unwrap();
    assert_eq!(stockage.lire(&vide).await.unwrap(), b"");

    stockage.supprimer(&cle).await.unwrap();
    let erreur = stockage.lire(&cle).await.unwrap_err();
    assert!(
        matches!(&erreur, ErreurStockage::Introuvable { cle: c } if c == cle.as_str()),
        "{erreur}"
    );
    stockage.supprimer(&cle).await.unwrap();
    stockage.supprimer(&vide).await.unwrap();

    // A wrong secret: refused, and the message says why.
    let faux_secret = S3::new(ConfigS3 {
        secret_key: format!("{}x", config.secret_key),
        ..config.clone()
    })
    .unwrap();
    let erreur = faux_secret.lire(&vide).await.unwrap_err();
    let message = erreur.to_string();
    assert!(
        matches!(erreur, ErreurStockage::S3 { statut: 403, .. }),
        "{message}"
    );
    assert!(message.contains("SignatureDoesNotMatch"), "{message}");
    assert!(
        message.contains("la clé secrète ne correspond pas à la clé d'accès"),
        "{message}"
    );
    eprintln!("secret erroné : {message}");

    let fausse_cle = S3::new(ConfigS3 {
        access_key: "AKIAPILOTEINCONNUE00".to_owned(),
        ..config.clone()
    })
    .unwrap();
    let message = fausse_cle.lire(&vide).await.unwrap_err().to_string();
    assert!(message.contains("InvalidAccessKeyId"), "{message}");

    // A missing bucket is a configuration error, not a missing document.
    let sans_bucket = S3::new(ConfigS3 {
        bucket: format!("pilote-absent-{}", unique()),
        ..config.clone()
    })
    .unwrap();
    let erreur = sans_bucket.lire(&vide).await.unwrap_err();
    assert!(
        matches!(erreur, ErreurStockage::S3 { statut: 404, .. }),
        "{erreur}"
    );
    assert!(erreur.to_string().contains("NoSuchBucket"), "{erreur}");

    if let Some(moto) = moto {
        moto.sans_verification().await;
    }
}

/// A name part unique to this run.
fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}-{nanos}", std::process::id())
}

/// A moto server and its management API.
struct Moto {
    endpoint: String,
    client: reqwest::Client,
}

impl Moto {
    async fn detecter(endpoint: &str) -> Option<Self> {
        let client = reqwest::Client::new();
        let reponse = client
            .get(format!("{endpoint}/moto-api/data.json"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("serveur S3 injoignable à {endpoint} : {e}"));
        reponse.status().is_success().then(|| Self {
            endpoint: endpoint.to_owned(),
            client,
        })
    }

    /// Turns signature checking on after three unchecked IAM actions, which create a user
    /// allowed everything and its access key.
    async fn identifiants_verifies(&self) -> (String, String) {
        self.reinitialiser_verification("3").await;
        let utilisateur = format!("pilote-{}", unique());
        self.iam(&[("Action", "CreateUser"), ("UserName", &utilisateur)])
            .await;
        let reponse = self
            .iam(&[("Action", "CreateAccessKey"), ("UserName", &utilisateur)])
            .await;
        self.iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", &utilisateur),
            ("PolicyName", "tout"),
            (
                "PolicyDocument",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            ),
        ])
        .await;
        (
            entre(&reponse, "AccessKeyId"),
            entre(&reponse, "SecretAccessKey"),
        )
    }

    /// Back to moto's default: no checking.
    async fn sans_verification(&self) {
        self.reinitialiser_verification("inf").await;
    }

    async fn reinitialiser_verification(&self, actions_libres: &str) {
        let reponse = self
            .client
            .post(format!("{}/moto-api/reset-auth", self.endpoint))
            .header("content-type", "text/plain")
            .body(actions_libres.to_owned())
            .send()
            .await
            .unwrap();
        assert!(reponse.status().is_success(), "{:?}", reponse.text().await);
    }

    /// One unchecked IAM call; the `Authorization` header only tells moto the service.
    async fn iam(&self, parametres: &[(&str, &str)]) -> String {
        let mut formulaire = parametres.to_vec();
        formulaire.push(("Version", "2010-05-08"));
        let reponse = self
            .client
            .post(format!("{}/", self.endpoint))
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=pilote/20260101/us-east-1/iam/aws4_request, \
                 SignedHeaders=host, Signature=0",
            )
            .form(&formulaire)
            .send()
            .await
            .unwrap();
        let statut = reponse.status();
        let texte = reponse.text().await.unwrap();
        assert!(statut.is_success(), "IAM {parametres:?} : {statut} {texte}");
        texte
    }
}

fn entre(xml: &str, balise: &str) -> String {
    let debut = xml.find(&format!("<{balise}>")).unwrap() + balise.len() + 2;
    let fin = debut + xml[debut..].find('<').unwrap();
    xml[debut..fin].to_owned()
}
