//! Property tests through HTTP of what a visitor sends: every declared route with hostile
//! path segments (percent-encoded invalid UTF-8, huge and negative numbers, control
//! characters, encoded slashes), hostile query strings, forms with arbitrary fields and file
//! uploads with broken bodies, and the address followed after signing in. Never a server
//! error; every 4xx a non-empty French answer; after signing in, always a path of this site.
//! Each property prints how many cases it ran.

use std::collections::{BTreeSet, HashMap};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::{compte, contrat, demo};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use tower::ServiceExt;

use crate::support::application::{Appli, champ_cache};

const MDP: &str = "un mot de passe assez long";
const ADMIN: &str = "admin@essai.fr";

/// English that must not reach a visitor.
const ANGLAIS: [&str; 16] = [
    "Invalid URL",
    "Failed to",
    "Error parsing",
    "Cannot parse",
    "missing field",
    "unknown field",
    "unknown variant",
    "duplicate field",
    "invalid type",
    "invalid value",
    "invalid digit",
    "expected",
    "Wrong number of",
    "Expected request",
    "payload",
    "os error",
];

/// One run of a property: cases drawn from `strategie`, and what it saw.
struct Essai {
    executeur: TestRunner,
    cas: u32,
}

impl Essai {
    fn new(cas: u32) -> Self {
        Essai {
            executeur: TestRunner::new(Config {
                cases: cas,
                failure_persistence: None,
                ..Config::default()
            }),
            cas,
        }
    }

    fn tirer<S: Strategy>(&mut self, strategie: &S) -> S::Value {
        strategie
            .new_tree(&mut self.executeur)
            .expect("valeur tirée")
            .current()
    }

    /// Checks one answer to `requete`: no server error; a 4xx is non-empty and French.
    fn verifier(&mut self, requete: &str, reponse: &Reponse) {
        assert!(
            !reponse.status.is_server_error(),
            "{requete} → {} : {}",
            reponse.status,
            reponse.corps
        );
        if !reponse.status.is_client_error() {
            return;
        }
        assert!(
            !reponse.corps.trim().is_empty(),
            "{requete} → {} sans message",
            reponse.status
        );
        for anglais in ANGLAIS {
            assert!(
                !reponse.corps.contains(anglais),
                "{requete} → {} en anglais (« {anglais} ») : {}",
                reponse.status,
                reponse.corps
            );
        }
    }

    fn bilan(&self, nom: &str) {
        println!("{nom} : {} cas essayés", self.cas);
    }
}

/// An answer, its body read as text whatever it holds.
struct Reponse {
    status: StatusCode,
    entetes: axum::http::HeaderMap,
    corps: String,
}

/// Sends a request with `cookies`; the body read lossily (an asset may be binary).
async fn envoyer(
    appli: &Appli,
    cookies: &HashMap<String, String>,
    methode: Method,
    uri: &str,
    type_corps: Option<String>,
    corps: Vec<u8>,
) -> Reponse {
    let mut requete = Request::builder().method(methode).uri(uri);
    if !cookies.is_empty() {
        let cookies: Vec<String> = cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
        requete = requete.header(header::COOKIE, cookies.join("; "));
    }
    if let Some(type_corps) = type_corps {
        requete = requete.header(header::CONTENT_TYPE, type_corps);
    }
    let reponse = appli
        .router
        .clone()
        .oneshot(requete.body(Body::from(corps)).unwrap())
        .await
        .unwrap();
    let status = reponse.status();
    let entetes = reponse.headers().clone();
    let octets = reponse.into_body().collect().await.unwrap().to_bytes();
    Reponse {
        status,
        entetes,
        corps: String::from_utf8_lossy(&octets)
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    }
}

/// Every byte outside the unreserved set percent-encoded.
fn encoder(octets: &[u8]) -> String {
    octets
        .iter()
        .map(|&o| {
            if o.is_ascii_alphanumeric() || matches!(o, b'-' | b'.' | b'_' | b'~') {
                char::from(o).to_string()
            } else {
                format!("%{o:02X}")
            }
        })
        .collect()
}

/// A hostile path segment or query value, already encoded for a URI.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "%FF",
            "%FE%FF",
            "%C3",
            "%C3%28",
            "%80",
            "%ED%A0%80",
            "%F4%90%80%80",
            "%00",
            "%07",
            "%0A",
            "%0D%0A",
            "%09",
            "%7F",
            "%C2%85",
            "%2F",
            "%2F%2Fevil.example",
            "%5C",
            "..",
            "%2E%2E",
            ".",
            "-1",
            "0",
            "-0",
            "1e9",
            "1.5",
            "99999999999999999999999",
            "-9223372036854775809",
            "9223372036854775808",
            "18446744073709551616",
            "%20",
            "+",
            "%2B",
            "%25",
            "%",
            "%G1",
            "fiche-1",
            "note-%FF",
            "axe-99999999999999999999",
        ])
        .prop_map(str::to_owned),
        any::<String>().prop_map(|s| encoder(s.as_bytes())),
        proptest::collection::vec(any::<u8>(), 1..24).prop_map(|o| encoder(&o)),
        (1usize..5000).prop_map(|n| "9".repeat(n)),
    ]
}

/// The application: the demo contracts, a contract with three fiches-actions, an
/// administrator signed in (so that handlers go as deep as they can) and the public.
async fn appli() -> (Appli, Visiteur, Visiteur) {
    let appli = Appli::demarrer("http://localhost:3000", None).await;
    demo::charger(&appli.store).await.unwrap();
    contrat::creer(
        &appli.store,
        &crate::support::application::contrat("essai-2021", true, &["02722"], 3),
    )
    .await
    .unwrap();
    compte::creer(
        &appli.store,
        &Email::parse(ADMIN).unwrap(),
        None,
        MDP,
        &[Role::Administrateur],
    )
    .await
    .unwrap();
    let mut admin = appli.navigateur();
    admin.connecter(ADMIN, MDP).await;
    let admin = Visiteur {
        csrf: admin.csrf().await,
        cookies: admin.cookies.clone(),
    };
    let mut public = appli.navigateur();
    let public = Visiteur {
        csrf: public.csrf().await,
        cookies: public.cookies.clone(),
    };
    (appli, admin, public)
}

/// A browser's cookies and the CSRF token of its forms.
struct Visiteur {
    cookies: HashMap<String, String>,
    csrf: String,
}

/// `chemin` with each `{parametre}` (or `{*parametre}`) replaced by `valeur(nom)`.
fn remplir(chemin: &str, mut valeur: impl FnMut(&str) -> String) -> String {
    let mut sortie = String::new();
    let mut reste = chemin;
    while let Some(debut) = reste.find('{') {
        sortie.push_str(&reste[..debut]);
        let fin = reste[debut..].find('}').map_or(reste.len(), |f| debut + f);
        let nom = reste[debut + 1..fin].trim_start_matches('*');
        sortie.push_str(&valeur(nom));
        reste = &reste[(fin + 1).min(reste.len())..];
    }
    sortie.push_str(reste);
    sortie
}

/// A valid value of each path parameter.
fn valide(nom: &str) -> String {
    match nom {
        "id" => "essai-2021",
        "numero" => "1",
        "document" => "1",
        "jeton" => "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        _ => "dsfr.min.css",
    }
    .to_owned()
}

/// A form body: `_csrf` (the visitor's token, or not) and `champs`, encoded.
fn formulaire(csrf: &str, champs: &[(String, String)]) -> Vec<u8> {
    let mut corps = form_urlencoded::Serializer::new(String::new());
    corps.append_pair("_csrf", csrf);
    for (nom, valeur) in champs {
        corps.append_pair(nom, valeur);
    }
    corps.finish().into_bytes()
}

/// The routes with parameters, each with its method.
fn routes_a_parametres() -> Vec<(Method, &'static str)> {
    pilote_web::routes()
        .into_iter()
        .filter(|r| r.chemin.contains('{'))
        .map(|r| (r.methode, r.chemin))
        .collect()
}

#[tokio::test]
async fn un_chemin_hostile_n_est_jamais_une_erreur_du_serveur() {
    let (appli, admin, public) = appli().await;
    let routes = routes_a_parametres();
    let mut essai = Essai::new(200);
    let strategie = (
        0..routes.len(),
        proptest::collection::vec((any::<bool>(), hostile()), 3),
        any::<bool>(),
    );
    for _ in 0..essai.cas {
        let (i, segments, en_admin) = essai.tirer(&strategie);
        let (methode, chemin) = &routes[i];
        let mut segments = segments.into_iter();
        let uri = remplir(chemin, |nom| match segments.next() {
            Some((false, hostile)) => hostile,
            _ => valide(nom),
        });
        let visiteur = if en_admin { &admin } else { &public };
        let corps = if *methode == Method::POST {
            formulaire(&visiteur.csrf, &[("version".to_owned(), "1".to_owned())])
        } else {
            Vec::new()
        };
        let type_corps =
            (*methode == Method::POST).then(|| "application/x-www-form-urlencoded".to_owned());
        let reponse = envoyer(
            &appli,
            &visiteur.cookies,
            methode.clone(),
            &uri,
            type_corps,
            corps,
        )
        .await;
        essai.verifier(&format!("{methode} {uri}"), &reponse);
    }
    essai.bilan("chemins hostiles (routes à paramètres)");
}

#[tokio::test]
async fn une_requete_hostile_n_est_jamais_une_erreur_du_serveur() {
    let (appli, admin, public) = appli().await;
    let routes: Vec<&'static str> = pilote_web::routes()
        .into_iter()
        .filter(|r| r.methode == Method::GET)
        .map(|r| r.chemin)
        .collect();
    let noms = proptest::sample::select(vec![
        "suite",
        "fait",
        "page",
        "par_page",
        "region",
        "departement",
        "statut",
        "texte",
        "code",
        "state",
        "error",
        "q",
        "%FF",
        "",
        "fait[]",
    ]);
    let parametres = proptest::collection::vec((noms, hostile()), 0..5);
    let strategie = (0..routes.len(), parametres, any::<bool>());
    let mut essai = Essai::new(150);
    for _ in 0..essai.cas {
        let (i, parametres, en_admin) = essai.tirer(&strategie);
        let requete: Vec<String> = parametres
            .iter()
            .map(|(nom, valeur)| format!("{nom}={valeur}"))
            .collect();
        let uri = format!("{}?{}", remplir(routes[i], valide), requete.join("&"));
        let visiteur = if en_admin { &admin } else { &public };
        let reponse = envoyer(
            &appli,
            &visiteur.cookies,
            Method::GET,
            &uri,
            None,
            Vec::new(),
        )
        .await;
        essai.verifier(&format!("GET {uri}"), &reponse);
    }
    essai.bilan("requêtes hostiles (routes GET)");
}

/// Field names the pages' forms hold, and a few more.
async fn noms_de_champs(appli: &Appli, admin: &HashMap<String, String>) -> Vec<String> {
    let mut noms = BTreeSet::from(["version".to_owned(), "_csrf".to_owned(), "x".to_owned()]);
    for route in pilote_web::routes() {
        if route.methode != Method::GET || route.chemin.starts_with("/assets") {
            continue;
        }
        let page = envoyer(
            appli,
            admin,
            Method::GET,
            &remplir(route.chemin, valide),
            None,
            Vec::new(),
        )
        .await;
        for (i, _) in page.corps.match_indices("name=\"") {
            let reste = &page.corps[i + 6..];
            if let Some(fin) = reste.find('"') {
                noms.insert(reste[..fin].to_owned());
            }
        }
    }
    noms.into_iter().collect()
}

/// A value a field may be sent: anything, a hostile number or date, a long text.
fn valeur_de_champ() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::sample::select(vec![
            "",
            "1",
            "-1",
            "0",
            "99999999999999999999",
            "-9223372036854775809",
            "1e999",
            "NaN",
            "2024-13-45",
            "0000",
            "2020-02-30",
            "1 500,50",
            "-0,01",
            "fiche-1",
            "axe-1",
            "note-99999999999999999999",
            "en-cours",
            "haut",
            "bas",
            "\u{0}",
            "\u{7}",
            "\u{85}",
            "a\u{feff}b",
            "\u{202e}",
            "caen-2019",
            "02722",
            "247100290",
        ])
        .prop_map(str::to_owned),
        "[0-9 ,.-]{0,30}",
        (1usize..20_000).prop_map(|n| "é".repeat(n)),
    ]
}

#[tokio::test]
async fn un_formulaire_quelconque_n_est_jamais_une_erreur_du_serveur() {
    let (appli, admin, _) = appli().await;
    let noms = noms_de_champs(&appli, &admin.cookies).await;
    let csrf = admin.csrf.clone();
    let routes: Vec<&'static str> = pilote_web::routes()
        .into_iter()
        .filter(|r| r.methode == Method::POST && r.chemin != "/deconnexion")
        .map(|r| r.chemin)
        .collect();
    let champs = proptest::collection::vec(
        (proptest::sample::select(noms.clone()), valeur_de_champ()),
        0..10,
    );
    let multipart = proptest::collection::vec(any::<u8>(), 0..200);
    let strategie = (0..routes.len(), champs, any::<bool>(), multipart);
    let mut essai = Essai::new(200);
    for _ in 0..essai.cas {
        let (i, champs, envoi_de_fichier, dechet) = essai.tirer(&strategie);
        let uri = remplir(routes[i], valide);
        let mut champs = champs;
        if !champs.iter().any(|(n, _)| n == "version") {
            champs.push(("version".to_owned(), "1".to_owned()));
        }
        let (type_corps, corps) = if envoi_de_fichier {
            // A file upload whose body breaks off or holds garbage after its token.
            let limite = "----robustesse";
            let mut corps = format!(
                "--{limite}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n"
            )
            .into_bytes();
            for (nom, valeur) in &champs {
                corps.extend_from_slice(
                    format!(
                        "--{limite}\r\nContent-Disposition: form-data; name=\"{nom}\"\r\n\r\n{valeur}\r\n"
                    )
                    .as_bytes(),
                );
            }
            corps.extend_from_slice(&dechet);
            (format!("multipart/form-data; boundary={limite}"), corps)
        } else {
            (
                "application/x-www-form-urlencoded".to_owned(),
                formulaire(&csrf, &champs),
            )
        };
        let reponse = envoyer(
            &appli,
            &admin.cookies,
            Method::POST,
            &uri,
            Some(type_corps),
            corps,
        )
        .await;
        let resume: Vec<String> = champs
            .iter()
            .map(|(n, v)| format!("{n}={:?}", v.chars().take(40).collect::<String>()))
            .collect();
        essai.verifier(&format!("POST {uri} [{}]", resume.join(", ")), &reponse);
    }
    essai.bilan("formulaires quelconques (routes POST)");
}

/// `suite` as a browser follows it from a page of `http://localhost:3000`: the same site.
fn meme_site(suite: &str) {
    assert!(
        suite.starts_with('/') && !suite.starts_with("//") && !suite.starts_with("/\\"),
        "{suite:?} n'est pas un chemin local"
    );
    let base = url::Url::parse("http://localhost:3000/connexion").unwrap();
    let suivie = base.join(suite).unwrap();
    assert_eq!(suivie.host_str(), Some("localhost"), "{suite:?}");
    assert_eq!(suivie.port(), Some(3000), "{suite:?}");
    assert!(suivie.username().is_empty(), "{suite:?}");
}

#[tokio::test]
async fn apres_la_connexion_la_suite_reste_sur_le_site() {
    let (appli, _, public) = appli().await;
    let morceau = prop_oneof![
        hostile(),
        proptest::sample::select(vec![
            "/",
            "//",
            "\\",
            "%5C%5C",
            "evil.example",
            "@",
            "http:"
        ])
        .prop_map(str::to_owned),
    ];
    let suite = proptest::collection::vec(morceau, 1..6).prop_map(|m| m.concat());
    // The page keeps the proposed address in its form: many cases, they are cheap.
    let mut essai = Essai::new(200);
    for _ in 0..essai.cas {
        let suite = essai.tirer(&suite);
        let uri = format!("/connexion?suite={suite}");
        let page = envoyer(&appli, &public.cookies, Method::GET, &uri, None, Vec::new()).await;
        essai.verifier(&format!("GET {uri}"), &page);
        if page.status == StatusCode::OK {
            meme_site(&champ_cache(&page.corps, "suite").expect("champ suite"));
        }
    }
    essai.bilan("page de connexion, suite hostile");
    // Signing in follows it: each case checks a password, so fewer.
    let mut essai = Essai::new(64);
    for _ in 0..essai.cas {
        let suite = essai.tirer(&suite);
        let brute = form_urlencoded::parse(format!("suite={suite}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let champs = [
            ("email".to_owned(), ADMIN.to_owned()),
            ("mot_de_passe".to_owned(), MDP.to_owned()),
            ("suite".to_owned(), brute.clone()),
        ];
        let reponse = envoyer(
            &appli,
            &public.cookies,
            Method::POST,
            "/connexion",
            Some("application/x-www-form-urlencoded".to_owned()),
            formulaire(&public.csrf, &champs),
        )
        .await;
        essai.verifier(&format!("POST /connexion suite={brute:?}"), &reponse);
        if reponse.status == StatusCode::SEE_OTHER {
            let location = reponse.entetes.get(header::LOCATION).expect("Location");
            meme_site(location.to_str().expect("Location lisible"));
        } else {
            // A control character is refused before sign-in.
            assert_eq!(reponse.status, StatusCode::BAD_REQUEST, "{brute:?}");
        }
    }
    essai.bilan("connexion, suite hostile");
}
