//! Two `pilote serve` on one PostgreSQL database and one S3 bucket, as behind a load balancer:
//! started at the same moment on an empty database, they migrate and load the demo contracts
//! and the first administrator once; a session opened through one is valid on the other; a
//! change made through one is seen through the other (the public's kept answers included); a
//! document deposited through one is read through the other; SIGTERM stops both cleanly.
//!
//! Needs `PILOTE_TEST_POSTGRES_URL` and `PILOTE_TEST_S3_URL` (`.ci/run` sets both); without
//! them, the test says so and passes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pilote_stockage::{Adresse, S3};
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{Client, StatusCode, redirect};
use sqlx::Connection;

const PUBLIQUE: &str = "http://pilote.example.fr";
const ADMIN: &str = "admin@ars.fr";
const FICHE: &str = "/contrats/essai-2020/fiches/1.1";

/// One `pilote serve`, its standard output read line by line as it comes.
struct Instance {
    processus: Child,
    base: String,
    lignes: mpsc::Receiver<String>,
    sortie: Vec<String>,
}

impl Instance {
    fn demarrer(dossier: &std::path::Path, base_de_donnees: &str, documents: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut processus = Command::new(env!("CARGO_BIN_EXE_pilote"))
            .current_dir(dossier)
            .env("RUST_LOG", "warn")
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--database-url", base_de_donnees, "--documents", documents])
            .args(["--url-publique", PUBLIQUE, "--admin-email", ADMIN, "--demo"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let (envoi, lignes) = mpsc::channel();
        let sortie = processus.stdout.take().unwrap();
        std::thread::spawn(move || {
            for ligne in BufReader::new(sortie).lines().map_while(Result::ok) {
                if envoi.send(ligne).is_err() {
                    break;
                }
            }
        });
        Self {
            processus,
            base: format!("http://127.0.0.1:{port}"),
            lignes,
            sortie: Vec::new(),
        }
    }

    /// Waits until it says it answers; panics with what it printed if it stopped before.
    fn attendre(&mut self) {
        let limite = Instant::now() + Duration::from_secs(120);
        while Instant::now() < limite {
            match self.lignes.recv_timeout(Duration::from_millis(200)) {
                Ok(ligne) => {
                    let pret = ligne.starts_with("Pilote répond sur");
                    self.sortie.push(ligne);
                    if pret {
                        return;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            if let Some(statut) = self.processus.try_wait().unwrap() {
                panic!("instance arrêtée ({statut}) : {:?}", self.sortie);
            }
        }
        panic!("instance muette après 120 s : {:?}", self.sortie);
    }

    /// The provisional password it printed, if it created the first administrator.
    fn mot_de_passe_provisoire(&self) -> Option<String> {
        self.sortie
            .iter()
            .find(|l| l.starts_with(&format!("Administrateur « {ADMIN} » créé")))
            .map(|l| l.rsplit(" : ").next().unwrap().to_owned())
    }

    /// Asks it to stop as systemd or a container runtime would, then waits for its end.
    fn arreter(&mut self) {
        let pid = self.processus.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let limite = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(statut) = self.processus.try_wait().unwrap() {
                assert!(statut.success(), "arrêt sur SIGTERM : {statut}");
                return;
            }
            assert!(
                Instant::now() < limite,
                "toujours en marche 30 s après SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// An instance left running by a failed assertion is killed, so that it neither outlives the
/// test nor holds its output open.
impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.processus.kill();
        let _ = self.processus.wait();
    }
}

/// A browser reaching the instances through one public address: cookies kept by hand, sent to
/// whichever instance is asked, as a load balancer would spread the requests.
struct Navigateur {
    client: Client,
    cookies: Vec<(String, String)>,
}

impl Navigateur {
    fn new() -> Self {
        Self {
            client: Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Vec::new(),
        }
    }

    /// The `Cookie` header of this browser.
    fn en_tete_cookie(&self) -> String {
        let cookies: Vec<String> = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        cookies.join("; ")
    }

    async fn envoyer(&mut self, requete: reqwest::RequestBuilder) -> (StatusCode, String, String) {
        let reponse = requete
            .header(COOKIE, self.en_tete_cookie())
            .header(ORIGIN, PUBLIQUE)
            .send()
            .await
            .unwrap();
        for c in reponse.headers().get_all(SET_COOKIE) {
            let c = c.to_str().unwrap();
            let paire = c.split(';').next().unwrap();
            let (nom, valeur) = paire.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != nom);
            if !valeur.is_empty() && !c.contains("Max-Age=0") {
                self.cookies.push((nom.to_owned(), valeur.to_owned()));
            }
        }
        let statut = reponse.status();
        let vers = reponse
            .headers()
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (statut, vers, reponse.text().await.unwrap())
    }

    async fn get(&mut self, instance: &Instance, chemin: &str) -> (StatusCode, String, String) {
        let requete = self.client.get(format!("{}{chemin}", instance.base));
        self.envoyer(requete).await
    }

    /// Posts a form with the CSRF token of the page `page` shows.
    async fn poster(
        &mut self,
        instance: &Instance,
        page: &str,
        chemin: &str,
        champs: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let (_, _, html) = self.get(instance, page).await;
        let jeton = champ_cache(&html, "_csrf");
        let mut champs = champs.to_vec();
        champs.push(("_csrf", &jeton));
        let requete = self
            .client
            .post(format!("{}{chemin}", instance.base))
            .form(&champs);
        self.envoyer(requete).await
    }
}

/// The value of the hidden field `nom` in a page.
fn champ_cache(html: &str, nom: &str) -> String {
    let marque = format!("name=\"{nom}\" value=\"");
    let debut = html
        .find(&marque)
        .unwrap_or_else(|| panic!("{nom} absent : {html}"))
        + marque.len();
    html[debut..debut + html[debut..].find('"').unwrap()].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deux_instances_sur_une_base_et_un_stockage_partages() {
    let (Ok(postgres), Ok(s3)) = (
        std::env::var("PILOTE_TEST_POSTGRES_URL"),
        std::env::var("PILOTE_TEST_S3_URL"),
    ) else {
        eprintln!(
            "PILOTE_TEST_POSTGRES_URL ou PILOTE_TEST_S3_URL absent : deux instances non essayées"
        );
        return;
    };
    let nom = format!("pilote_instances_{}", std::process::id());
    let mut serveur = sqlx::PgConnection::connect(&postgres).await.unwrap();
    for requete in [
        format!("DROP DATABASE IF EXISTS {nom} WITH (FORCE)"),
        format!("CREATE DATABASE {nom}"),
    ] {
        sqlx::query(&requete).execute(&mut serveur).await.unwrap();
    }
    let (avant, apres) = postgres.split_once('?').unwrap_or((&postgres, ""));
    let base = format!(
        "{}/{nom}{}{apres}",
        &avant[..avant.rfind('/').unwrap()],
        if apres.is_empty() { "" } else { "?" }
    );
    // A bucket of its own, created as an administrator would before the first start.
    let (avant, apres) = s3.split_once('?').unwrap();
    let bucket = nom.replace('_', "-");
    let documents = format!("{}/{bucket}?{apres}", &avant[..avant.rfind('/').unwrap()]);
    let Adresse::S3(config) = Adresse::analyser(&documents).unwrap() else {
        panic!("PILOTE_TEST_S3_URL ne désigne pas un serveur S3");
    };
    S3::new(config).unwrap().creer_bucket().await.unwrap();

    // Both at the same moment, on the empty database.
    let dossier = tempfile::tempdir().unwrap();
    let mut a = Instance::demarrer(dossier.path(), &base, &documents);
    let mut b = Instance::demarrer(dossier.path(), &base, &documents);
    a.attendre();
    b.attendre();
    let mots_de_passe: Vec<String> = [&a, &b]
        .iter()
        .filter_map(|i| i.mot_de_passe_provisoire())
        .collect();
    assert_eq!(
        mots_de_passe.len(),
        1,
        "un seul premier administrateur : {:?} {:?}",
        a.sortie,
        b.sortie
    );
    let demo: Vec<&String> = a
        .sortie
        .iter()
        .chain(&b.sortie)
        .filter(|l| l.starts_with("Contrats de démonstration ajoutés"))
        .collect();
    assert_eq!(demo.len(), 2);
    assert!(demo.iter().any(|l| l.ends_with(" : 0.")), "{demo:?}");
    let client = Client::new();
    for instance in [&a, &b] {
        let sante = client
            .get(format!("{}/sante", instance.base))
            .send()
            .await
            .unwrap();
        assert_eq!(sante.status(), StatusCode::OK);
    }

    // A published contract with one fiche-action, imported by the command line meanwhile.
    std::fs::write(
        dossier.path().join("essai.toml"),
        "id = \"essai-2020\"\nnom = \"Essai\"\npublie = true\ngeneration = 1\n\
         periode = \"2020-2024\"\nterritoire = { communes = [\"14118\"] }\n\n[[axes]]\n\
         numero = 1\ntitre = \"Accès aux soins\"\n\n[[axes.fiches_actions]]\n\
         numero = \"1.1\"\ntitre = \"Transport\"\n",
    )
    .unwrap();
    let import = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .current_dir(dossier.path())
        .args(["--database-url", &base, "import", "essai.toml"])
        .output()
        .unwrap();
    assert!(import.status.success(), "{import:?}");

    // Signed in through A, the provisional password changed there…
    let mut admin = Navigateur::new();
    let provisoire = &mots_de_passe[0];
    let (statut, vers, _) = admin
        .poster(
            &a,
            "/connexion",
            "/connexion",
            &[("email", ADMIN), ("mot_de_passe", provisoire)],
        )
        .await;
    assert_eq!(statut, StatusCode::SEE_OTHER, "{vers}");
    let nouveau = format!("{provisoire}, le mien");
    let (statut, _, page) = admin
        .poster(
            &a,
            "/compte/mot-de-passe",
            "/compte/mot-de-passe",
            &[
                ("actuel", provisoire),
                ("nouveau", &nouveau),
                ("confirmation", &nouveau),
            ],
        )
        .await;
    assert_eq!(statut, StatusCode::SEE_OTHER, "{page}");
    // … the session is valid on B.
    let (statut, _, page) = admin.get(&b, "/compte").await;
    assert_eq!(statut, StatusCode::OK);
    assert!(
        page.contains(ADMIN) && page.contains("Administrateur"),
        "{page}"
    );

    // A change made through B is seen through A, whose public answer was kept before it.
    let public = Navigateur::new();
    let api = |instance: &Instance| {
        public
            .client
            .get(format!("{}/api/v1/contrats/essai-2020", instance.base))
            .send()
    };
    let avant = api(&a).await.unwrap().text().await.unwrap();
    assert!(!avant.contains("\"avancement\":37"), "{avant}");
    let (_, _, page) = admin.get(&b, FICHE).await;
    let version = champ_cache(&page, "version");
    let (statut, _, page) = admin
        .poster(
            &b,
            FICHE,
            &format!("{FICHE}/avancement"),
            &[
                ("version", &version),
                ("statut", "en-cours"),
                ("avancement", "37"),
            ],
        )
        .await;
    assert_eq!(statut, StatusCode::SEE_OTHER, "{page}");
    // The counter of changes is kept 50 ms by each instance (ADR 0016).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let apres = api(&a).await.unwrap().text().await.unwrap();
    assert!(apres.contains("\"avancement\":37"), "{apres}");

    // A document deposited through A is read through B, from the shared bucket.
    let (_, _, page) = admin.get(&a, FICHE).await;
    let version = champ_cache(&page, "version");
    let jeton = champ_cache(&page, "_csrf");
    let contenu: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let limite = "----pilote-instances";
    let mut corps = Vec::new();
    for (champ, valeur) in [
        ("_csrf", jeton.as_str()),
        ("version", &version),
        ("titre", "CR"),
    ] {
        corps.extend_from_slice(
            format!(
                "--{limite}\r\nContent-Disposition: form-data; name=\"{champ}\"\r\n\r\n{valeur}\r\n"
            )
            .as_bytes(),
        );
    }
    corps.extend_from_slice(
        format!(
            "--{limite}\r\nContent-Disposition: form-data; name=\"fichier\"; \
             filename=\"cr.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    corps.extend_from_slice(&contenu);
    corps.extend_from_slice(format!("\r\n--{limite}--\r\n").as_bytes());
    let requete = admin
        .client
        .post(format!("{}{FICHE}/documents", a.base))
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={limite}"),
        )
        .body(corps);
    let (statut, _, page) = admin.envoyer(requete).await;
    assert_eq!(statut, StatusCode::SEE_OTHER, "{page}");
    let (_, _, page) = admin.get(&b, FICHE).await;
    let lien = format!("{FICHE}/documents/");
    let debut = page.find(&lien).expect("lien du document") + lien.len();
    let numero: String = page[debut..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let lu = admin
        .client
        .get(format!("{}{lien}{numero}", b.base))
        .header(COOKIE, admin.en_tete_cookie())
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(lu.as_ref(), contenu.as_slice());

    // Signing out of every session through B closes the one A knew: the cookies kept from
    // before (B answers by clearing them) no longer open it.
    let gardes = admin.cookies.clone();
    let (statut, _, _) = admin.poster(&b, "/compte", "/compte/sessions", &[]).await;
    assert_eq!(statut, StatusCode::SEE_OTHER);
    admin.cookies = gardes;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (statut, vers, _) = admin.get(&a, "/compte").await;
    assert_eq!(statut, StatusCode::SEE_OTHER);
    assert!(vers.starts_with("/connexion"), "{vers}");

    a.arreter();
    b.arreter();
    sqlx::query(&format!("DROP DATABASE {nom} WITH (FORCE)"))
        .execute(&mut serveur)
        .await
        .unwrap();
}
