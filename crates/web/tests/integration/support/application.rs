//! The application under test, served in-process from a real database, and a browser that
//! keeps its cookies and sends its forms with their CSRF token.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use pilote_domain::contrat::Contrat;
use pilote_stockage::DossierLocal;
use pilote_store::{Store, import};
use pilote_web::courriel::Dossier;
use pilote_web::oidc::ClientOidc;
use pilote_web::{AppState, app};
use tower::ServiceExt;

pub struct Appli {
    pub router: Router,
    pub store: Store,
    /// The database's address, to reach it behind the application's back.
    pub url: String,
    /// Where the e-mails sent go, as .eml files.
    pub courriels: PathBuf,
    /// Where the documents attached to fiches-actions go.
    pub stockage: Arc<DossierLocal>,
    _dossier: tempfile::TempDir,
}

/// Writes at `destination` a SQLite database migrated and holding the official geography: a
/// copy of one made once per test binary (loading the geography takes longer than most tests).
pub fn copier_modele(destination: &Path) {
    static MODELE: OnceLock<PathBuf> = OnceLock::new();
    let modele = MODELE.get_or_init(|| {
        // On a thread and a runtime of its own: the tests' runtimes come and go.
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let chemin = tempfile::tempdir().unwrap().keep().join("modele.db");
                let store = Store::open(&format!("sqlite://{}", chemin.display()))
                    .await
                    .unwrap();
                pilote_store::charger_geographie(&store).await.unwrap();
                // The last connection closed writes the WAL back into the file.
                store.close().await;
                chemin
            })
        })
        .join()
        .unwrap()
    });
    std::fs::copy(modele, destination).unwrap();
}

/// The password of the accounts [`Appli::avec`] creates.
pub const MDP_ESSAI: &str = "un mot de passe assez long";

impl Appli {
    /// A fresh application holding `contrats` and the accounts `comptes` (address, role in
    /// its text form), each with the password [`MDP_ESSAI`].
    pub async fn avec(contrats: &[Contrat], comptes: &[(&str, &str)]) -> Self {
        let appli = Self::demarrer("http://localhost", None).await;
        for c in contrats {
            pilote_store::contrat::creer(&appli.store, c).await.unwrap();
        }
        for (email, role) in comptes {
            let roles = vec![pilote_domain::autorisation::Role::parse(role).unwrap()];
            let email = pilote_domain::compte::Email::parse(email).unwrap();
            pilote_store::compte::creer(&appli.store, &email, None, MDP_ESSAI, &roles)
                .await
                .unwrap();
        }
        appli
    }

    /// A browser signed in as `email`, one of the accounts of [`Appli::avec`].
    pub async fn connecte(&self, email: &str) -> Navigateur<'_> {
        let mut n = self.navigateur();
        n.connecter(email, MDP_ESSAI).await;
        n
    }

    /// A fresh SQLite database with the geography loaded, served at `url_publique`.
    pub async fn demarrer(url_publique: &str, oidc: Option<ClientOidc>) -> Self {
        Self::sur("sqlite://pilote.db", url_publique, oidc).await
    }

    /// As [`Appli::demarrer`], on the database at `url` (a relative SQLite path lands in a
    /// temporary folder).
    pub async fn sur(url: &str, url_publique: &str, oidc: Option<ClientOidc>) -> Self {
        let dossier = tempfile::tempdir().unwrap();
        let url = match url.strip_prefix("sqlite://") {
            Some(chemin) if !chemin.starts_with('/') && !chemin.starts_with(':') => {
                let chemin = dossier.path().join(chemin);
                copier_modele(&chemin);
                format!("sqlite://{}", chemin.display())
            }
            _ => url.to_owned(),
        };
        let store = Store::open(&url).await.unwrap();
        // A no-op on a copy of the model, which holds this version.
        pilote_store::charger_geographie(&store).await.unwrap();
        let courriels = dossier.path().join("courriels");
        let expediteur = Dossier::new(courriels.clone(), "Pilote <pilote@essai.fr>").unwrap();
        let stockage = Arc::new(DossierLocal::new(dossier.path().join("documents")));
        let router = app(AppState::new(
            store.clone(),
            "Pilote (essai)".to_owned(),
            url_publique.to_owned(),
            oidc,
            Arc::new(expediteur),
            stockage.clone(),
        ));
        Appli {
            router,
            store,
            url,
            courriels,
            stockage,
            _dossier: dossier,
        }
    }

    /// An application on a fresh PostgreSQL database `nom` of the server
    /// `PILOTE_TEST_POSTGRES_URL` names (dropped first if a former run left it), with what
    /// drops it; `None` when that variable is absent.
    pub async fn sur_postgres(nom: &str) -> Option<(Self, BasePostgres)> {
        use sqlx::Connection;
        let url = std::env::var("PILOTE_TEST_POSTGRES_URL").ok()?;
        let mut serveur = sqlx::PgConnection::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL injoignable à {url} : {e}"));
        for requete in [
            format!("DROP DATABASE IF EXISTS {nom} WITH (FORCE)"),
            format!("CREATE DATABASE {nom}"),
        ] {
            sqlx::query(&requete).execute(&mut serveur).await.unwrap();
        }
        let (base, _) = url.rsplit_once('/').unwrap();
        let appli = Appli::sur(&format!("{base}/{nom}"), "http://localhost", None).await;
        let base = BasePostgres {
            serveur,
            nom: nom.to_owned(),
        };
        Some((appli, base))
    }

    /// Loads a reference file of `nature` as the administrator would (source « Essai »,
    /// vintage 2026); panics unless it loads.
    pub async fn charger_donnees(
        &self,
        nature: pilote_domain::donnees_de_reference::Nature,
        contenu: &str,
    ) {
        let declaration = pilote_store::donnees_de_reference::Declaration {
            nature,
            source: "Essai".into(),
            millesime: 2026,
            fichier: format!("{}.csv", nature.code()),
            millesime_confirme: false,
            ecarter_lignes_fautives: false,
        };
        pilote_store::donnees_de_reference::charger(
            &self.store,
            &pilote_store::Auteur::ligne_de_commande(),
            &declaration,
            std::io::Cursor::new(contenu.as_bytes().to_vec()),
        )
        .await
        .unwrap();
    }

    /// Runs a statement on the database directly (to age a record, say).
    pub async fn sql(&self, requete: &str) {
        use sqlx::Connection;
        let mut connexion = sqlx::AnyConnection::connect(&self.url).await.unwrap();
        sqlx::raw_sql(requete)
            .execute(&mut connexion)
            .await
            .unwrap();
    }

    pub fn navigateur(&self) -> Navigateur<'_> {
        Navigateur {
            appli: self,
            cookies: HashMap::new(),
            csrf: None,
        }
    }

    /// The e-mails sent so far, as text (quoted-printable bodies decoded).
    pub fn courriels(&self) -> Vec<String> {
        let Ok(entrees) = std::fs::read_dir(&self.courriels) else {
            return Vec::new();
        };
        let mut courriels: Vec<String> = entrees
            .map(|e| quoted_printable(&std::fs::read_to_string(e.unwrap().path()).unwrap()))
            .collect();
        courriels.sort();
        courriels
    }
}

/// A PostgreSQL database made for a test.
pub struct BasePostgres {
    serveur: sqlx::PgConnection,
    nom: String,
}

impl BasePostgres {
    /// Closes `appli`'s connections and drops its database.
    pub async fn supprimer(mut self, appli: Appli) {
        appli.store.close().await;
        drop(appli);
        sqlx::query(&format!("DROP DATABASE {} WITH (FORCE)", self.nom))
            .execute(&mut self.serveur)
            .await
            .unwrap();
    }
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Reponse {
    pub status: StatusCode,
    pub entetes: HeaderMap,
    /// The body as text (a file's bytes are in `octets`).
    pub corps: String,
    pub octets: Vec<u8>,
}

impl Reponse {
    /// The body with HTML's character references undone, to compare with plain text.
    pub fn texte(&self) -> String {
        self.corps
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    }

    pub fn redirection(&self) -> Option<&str> {
        self.entete(header::LOCATION.as_str())
    }

    /// Header `nom`, if present and readable.
    pub fn entete(&self, nom: &str) -> Option<&str> {
        self.entetes.get(nom).and_then(|v| v.to_str().ok())
    }
}

/// A browser: keeps the cookies the site sets and sends them back. A clone is another tab of
/// the same browser: the same session.
#[derive(Clone)]
pub struct Navigateur<'a> {
    appli: &'a Appli,
    pub cookies: HashMap<String, String>,
    /// The CSRF token last read, until the cookies change.
    csrf: Option<String>,
}

impl Navigateur<'_> {
    pub async fn envoyer(&mut self, requete: axum::http::request::Builder, corps: Body) -> Reponse {
        let cookies: Vec<String> = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        let requete = if cookies.is_empty() {
            requete
        } else {
            requete.header(header::COOKIE, cookies.join("; "))
        };
        let reponse = self
            .appli
            .router
            .clone()
            .oneshot(requete.body(corps).unwrap())
            .await
            .unwrap();
        for c in reponse.headers().get_all(header::SET_COOKIE) {
            self.csrf = None;
            let c = c.to_str().unwrap();
            let (paire, attributs) = c.split_once(';').unwrap_or((c, ""));
            let (nom, valeur) = paire.split_once('=').unwrap();
            if valeur.is_empty() || attributs.contains("Max-Age=0") {
                self.cookies.remove(nom);
            } else {
                self.cookies.insert(nom.to_owned(), valeur.to_owned());
            }
        }
        let status = reponse.status();
        let entetes = reponse.headers().clone();
        let corps = reponse.into_body().collect().await.unwrap().to_bytes();
        Reponse {
            status,
            entetes,
            corps: String::from_utf8_lossy(&corps).into_owned(),
            octets: corps.to_vec(),
        }
    }

    pub async fn get(&mut self, uri: &str) -> Reponse {
        self.envoyer(Request::get(uri), Body::empty()).await
    }

    /// Posts a form as is (no CSRF token added).
    pub async fn post_brut(&mut self, uri: &str, champs: &[(&str, &str)]) -> Reponse {
        let corps: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(champs)
            .finish();
        self.envoyer(
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(corps),
        )
        .await
    }

    /// Posts a form with the CSRF token the site's pages give this browser.
    /// Posts `champs` to `action` as a form of page `page` would: with the version the page
    /// gives its forms.
    pub async fn soumettre(
        &mut self,
        page: &str,
        action: &str,
        champs: &[(&str, &str)],
    ) -> Reponse {
        let lue = self.get(page).await;
        let version = champ_cache(&lue.corps, "version").expect("la page a des formulaires");
        let mut tous = vec![("version", version.as_str())];
        tous.extend_from_slice(champs);
        self.post(action, &tous).await
    }

    pub async fn post(&mut self, uri: &str, champs: &[(&str, &str)]) -> Reponse {
        let jeton = self.csrf().await;
        let mut champs = champs.to_vec();
        champs.push(("_csrf", &jeton));
        self.post_brut(uri, &champs).await
    }

    /// Posts a file upload (multipart/form-data) with the CSRF token: `champs`, then the file
    /// `(nom, octets)` in field `fichier`.
    pub async fn deposer(
        &mut self,
        uri: &str,
        champs: &[(&str, &str)],
        (nom, octets): (&str, &[u8]),
    ) -> Reponse {
        let jeton = self.csrf().await;
        let limite = "----pilote-essai-7d2f";
        let mut corps = Vec::new();
        for (champ, valeur) in [("_csrf", jeton.as_str())].iter().chain(champs) {
            corps.extend_from_slice(
                format!(
                    "--{limite}\r\nContent-Disposition: form-data; name=\"{champ}\"\r\n\r\n{valeur}\r\n"
                )
                .as_bytes(),
            );
        }
        corps.extend_from_slice(
            format!(
                "--{limite}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{nom}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        corps.extend_from_slice(octets);
        corps.extend_from_slice(format!("\r\n--{limite}--\r\n").as_bytes());
        self.envoyer(
            Request::post(uri).header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={limite}"),
            ),
            Body::from(corps),
        )
        .await
    }

    /// The CSRF token of this browser's forms, as the sign-in page shows it (or the page it
    /// sends to: a provisional password's holder goes to the change page first).
    pub async fn csrf(&mut self) -> String {
        if let Some(jeton) = &self.csrf {
            return jeton.clone();
        }
        let mut page = self.get("/connexion").await;
        if let Some(vers) = page.redirection().map(str::to_owned) {
            page = self.get(&vers).await;
        }
        let jeton = champ_cache(&page.corps, "_csrf").expect("jeton CSRF dans la page");
        self.csrf = Some(jeton.clone());
        jeton
    }

    /// Signs in with a password; panics unless it succeeds.
    pub async fn connecter(&mut self, email: &str, mot_de_passe: &str) {
        let reponse = self
            .post(
                "/connexion",
                &[("email", email), ("mot_de_passe", mot_de_passe)],
            )
            .await;
        assert_eq!(reponse.status, StatusCode::SEE_OTHER, "{}", reponse.corps);
    }
}

/// The value of a hidden field in a page.
pub fn champ_cache(html: &str, nom: &str) -> Option<String> {
    let marque = format!("name=\"{nom}\" value=\"");
    let debut = html.find(&marque)? + marque.len();
    let fin = html[debut..].find('"')?;
    Some(html[debut..debut + fin].to_owned())
}

/// The identifiers of the items of kind `genre` a page offers to remove, in page order: for
/// `note`, the `8` of every `value="note-8"`.
pub fn elements(html: &str, genre: &str) -> Vec<String> {
    let marque = format!("value=\"{genre}-");
    html.match_indices(&marque)
        .map(|(i, _)| {
            let reste = &html[i + marque.len()..];
            reste[..reste.find('"').unwrap_or(0)].to_owned()
        })
        .collect()
}

/// A contract made for a test: its territory is the given communes, and it has one axis with
/// fiches-actions numbered 1 to `fiches`.
pub fn contrat(id: &str, publie: bool, communes: &[&str], fiches: usize) -> Contrat {
    let communes: Vec<String> = communes.iter().map(|c| format!("\"{c}\"")).collect();
    let mut texte = format!(
        "id = \"{id}\"\nnom = \"CLS d'essai {id}\"\ngeneration = 1\npublie = {publie}\n\
         territoire = {{ communes = [{}] }}\n[[axes]]\nnumero = 1\ntitre = \"Accès aux soins\"\n",
        communes.join(", ")
    );
    for n in 1..=fiches {
        texte.push_str(&format!(
            "[[axes.fiches_actions]]\nnumero = \"{n}\"\ntitre = \"Action {n} de {id}\"\n"
        ));
    }
    import::lire(id, &texte).unwrap()
}

/// Undoes quoted-printable encoding (RFC 2045): soft line breaks and `=XX` escapes.
pub fn quoted_printable(texte: &str) -> String {
    let octets = texte.replace("=\r\n", "").into_bytes();
    let mut decode = Vec::with_capacity(octets.len());
    let mut i = 0;
    while i < octets.len() {
        let echappe = (octets[i] == b'=')
            .then(|| octets.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match echappe {
            Some(octet) => {
                decode.push(octet);
                i += 3;
            }
            None => {
                decode.push(octets[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decode).into_owned()
}
