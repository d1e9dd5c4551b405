//! The router driven end to end against a real SQLite database holding the demo contracts.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use pilote_store::{Store, demo};
use pilote_web::courriel::Console;
use pilote_web::{AppState, app};
use tower::ServiceExt;

struct TestApp {
    router: axum::Router,
    store: Store,
    _dossier: tempfile::TempDir,
}

impl TestApp {
    async fn demarrer() -> Self {
        let dossier = tempfile::tempdir().unwrap();
        let chemin = dossier.path().join("pilote.db");
        crate::support::application::copier_modele(&chemin);
        let store = Store::open(&format!("sqlite://{}", chemin.display()))
            .await
            .unwrap();
        demo::charger(&store).await.unwrap();
        let complet: pilote_domain::contrat::Contrat =
            toml::from_str(include_str!("../../../store/tests/contrat_complet.toml")).unwrap();
        pilote_store::contrat::creer(&store, &complet)
            .await
            .unwrap();
        let router = app(AppState::new(
            store.clone(),
            "Pilote (essai)".to_owned(),
            "http://localhost".to_owned(),
            None,
            std::sync::Arc::new(Console),
            std::sync::Arc::new(pilote_stockage::DossierLocal::new(dossier.path())),
        ));
        TestApp {
            router,
            store,
            _dossier: dossier,
        }
    }

    async fn get(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let (status, entetes, corps) = self.get_octets(uri).await;
        (
            status,
            entetes,
            String::from_utf8_lossy(&corps).into_owned(),
        )
    }

    async fn get_octets(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let reponse = self
            .router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = reponse.status();
        let entetes = reponse.headers().clone();
        let corps = reponse.into_body().collect().await.unwrap().to_bytes();
        (status, entetes, corps.to_vec())
    }
}

/// The heading levels of a page, in order.
fn titres(html: &str) -> Vec<u8> {
    html.match_indices("<h")
        .filter_map(|(i, _)| html.as_bytes().get(i + 2).copied())
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// French, landmarks, one h1, no skipped heading level, every table captioned.
fn assert_page_accessible(html: &str) {
    assert!(html.contains("<html lang=\"fr\""));
    for repere in [
        "role=\"banner\"",
        "<main",
        "role=\"contentinfo\"",
        "href=\"#contenu\"",
    ] {
        assert!(html.contains(repere), "repère absent : {repere}");
    }
    let niveaux = titres(html);
    assert_eq!(
        niveaux.iter().filter(|n| **n == 1).count(),
        1,
        "un seul h1 : {niveaux:?}"
    );
    for paire in niveaux.windows(2) {
        assert!(
            paire[1] <= paire[0] + 1,
            "niveau de titre sauté : {niveaux:?}"
        );
    }
    assert_eq!(
        html.matches("<table").count(),
        html.matches("<caption").count()
    );
}

#[tokio::test]
async fn la_liste_des_contrats_les_nomme() {
    let app = TestApp::demarrer().await;
    let (status, _, html) = app.get("/contrats").await;
    assert_eq!(status, StatusCode::OK);
    assert_page_accessible(&html);
    for (id, nom) in [
        ("caen-2019", "Contrat local de santé de Caen 2019-2023"),
        (
            "creusot-montceau",
            "Contrat local de santé de la Communauté urbaine Creusot Montceau",
        ),
        (
            "soissons-2019",
            "Contrat local de santé de Soissons (2e génération)",
        ),
    ] {
        assert!(
            html.contains(&format!("<a href=\"/contrats/{id}\">{nom}</a>")),
            "{id}"
        );
    }
    assert!(html.contains("109\u{202f}400"), "population de Caen");
}

#[tokio::test]
async fn la_page_d_un_contrat_montre_tout_ce_qu_il_contient() {
    let app = TestApp::demarrer().await;
    let (status, _, html) = app.get("/contrats/caen-2019").await;
    assert_eq!(status, StatusCode::OK);
    assert_page_accessible(&html);
    for attendu in [
        "Axe 1 — Santé environnementale",
        "Axe 4 — Nutrition",
        "Concilier bien manger/bouger et petit budget",
        "Présidence : Maire de Caen",
        "Établissement public de santé mentale",
        "Lutter contre la stigmatisation et améliorer l&#39;accès aux droits fondamentaux",
        "Semaine d&#39;information en santé mentale",
        "href=\"/contrats/caen-2014\"",
        "2019–2023",
        "Personnes en situation de handicap",
        "109\u{202f}400 habitants",
    ] {
        assert!(html.contains(attendu), "absent de la page : {attendu}");
    }

    let (_, _, html) = app.get("/contrats/creusot-montceau").await;
    assert_page_accessible(&html);
    for attendu in [
        "Laetitia Martinez, vice-présidente de la Région",
        "Jérôme Gutton, préfet",
        "non précisé",
        "Fiches-actions annoncées</dt><dd>15",
        "septembre 2017",
        "5 ans",
        "CU Le Creusot Montceau-les-Mines (CU, SIREN 247100290)",
        "Montceau-les-Mines",
    ] {
        assert!(html.contains(attendu), "absent de la page : {attendu}");
    }
}

#[tokio::test]
async fn chaque_rubrique_d_un_contrat_complet_est_affichee() {
    let app = TestApp::demarrer().await;
    let (status, _, html) = app.get("/contrats/essai-complet-2020").await;
    assert_eq!(status, StatusCode::OK);
    assert_page_accessible(&html);
    for attendu in [
        "12 mars 2020, Le Creusot",
        "Avenant n°1 (juin 2022) : Ajout d&#39;une fiche-action",
        "Coordinatrice CLS : Une Coordinatrice, chargée de mission",
        "ARS : plus de 75\u{202f}000\u{a0}€ (2020–2024)",
        "APL médecins généralistes (consultations/an/hab.), 2021",
        "Axe 2 — Mobilité <span class=\"fr-badge fr-badge--new\">Transversal</span>",
        "data-profondeur=\"2\"",
        "Objectif opérationnel :</strong> Créer une maison de santé",
        "Fiche-action n°1.1</p>",
        "id=\"titre-fiche-1.1\">Accueillir les internes</h4>",
        "Un Pilote, chef de projet",
        "Convention signée (échéance : janvier 2021) — faite",
        "9\u{202f}500,50\u{a0}€",
        "Indicateur de résultat : Internes accueillis (internes), valeur initiale 0",
        "Deux internes accueillis.",
        "Réunion du <time datetime=\"2021-03-02\">2 mars 2021</time>, Hôtel de communauté",
        "<a href=\"#fiche-1.2\">fiche-action n°1.2</a>",
        ">Premiers secours en santé mentale</h4>",
        // What a resident reads first: what, where, when, signed by whom.
        "<p class=\"fr-text--lead\">Contrat local de santé 2020–2024 pour ",
        "Signé le 12 mars 2020 (Le Creusot)",
        "Assemblée plénière",
        "Évaluation finale</h3>",
        "<span class=\"fr-badge\">novembre 2024</span>",
        "Quartier du Chemin Vert",
    ] {
        assert!(html.contains(attendu), "absent de la page : {attendu}");
    }
    // The public projection: where a document's file is kept is not the public's business.
    assert!(!html.contains("fiches/1.1/convention.pdf"));
}

#[tokio::test]
async fn l_api_rend_les_memes_faits_en_json() {
    let app = TestApp::demarrer().await;
    let (status, entetes, json) = app.get("/api/v1/contrats").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(entetes[header::CONTENT_TYPE], "application/json");
    let liste: serde_json::Value = serde_json::from_str(&json).unwrap();
    insta::assert_json_snapshot!("liste_des_contrats", liste);

    let (status, _, json) = app.get("/api/v1/contrats/soissons-2019").await;
    assert_eq!(status, StatusCode::OK);
    let detail: serde_json::Value = serde_json::from_str(&json).unwrap();
    insta::assert_json_snapshot!("contrat_soissons_2019", detail);
}

/// Whether `valeur` is what `schema` describes (types, required and declared properties,
/// listed codes), `$ref`s resolved in `schemas`; the error names where it is not.
fn conforme(
    valeur: &serde_json::Value,
    schema: &serde_json::Value,
    schemas: &serde_json::Map<String, serde_json::Value>,
    ou: &str,
) -> Result<(), String> {
    use serde_json::Value;
    if let Some(reference) = schema["$ref"].as_str() {
        let nom = reference.trim_start_matches("#/components/schemas/");
        return conforme(valeur, &schemas[nom], schemas, ou);
    }
    if let Some(tous) = schema["allOf"].as_array() {
        // A flattened part: each holds the properties it declares.
        let mut declarees = Vec::new();
        for partie in tous {
            let partie = match partie["$ref"].as_str() {
                Some(r) => &schemas[r.trim_start_matches("#/components/schemas/")],
                None => partie,
            };
            let proprietes = partie["properties"].as_object().unwrap();
            declarees.extend(proprietes.keys().cloned());
            let mut morceau = serde_json::Map::new();
            for (cle, v) in valeur.as_object().unwrap() {
                if proprietes.contains_key(cle) {
                    morceau.insert(cle.clone(), v.clone());
                }
            }
            conforme(&Value::Object(morceau), partie, schemas, ou)?;
        }
        for cle in valeur.as_object().unwrap().keys() {
            if !declarees.contains(cle) {
                return Err(format!("{ou}.{cle} n'est pas déclarée"));
            }
        }
        return Ok(());
    }
    if let Some(un) = schema["oneOf"].as_array() {
        return un
            .iter()
            .find(|s| conforme(valeur, s, schemas, ou).is_ok())
            .map(|_| ())
            .ok_or_else(|| format!("{ou} ne répond à aucune forme permise : {valeur}"));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let genre = match valeur {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let permis = types.is_empty()
        || types.contains(&genre)
        || (genre == "integer" && types.contains(&"number"));
    if !permis {
        return Err(format!("{ou} est de type {genre}, le schéma dit {types:?}"));
    }
    if let Some(codes) = schema["enum"].as_array()
        && !codes.contains(valeur)
    {
        return Err(format!("{ou} vaut {valeur}, hors de {codes:?}"));
    }
    match valeur {
        Value::Array(elements) => {
            for (i, e) in elements.iter().enumerate() {
                conforme(e, &schema["items"], schemas, &format!("{ou}[{i}]"))?;
            }
        }
        Value::Object(champs) => {
            let proprietes = schema["properties"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            for requise in schema["required"].as_array().into_iter().flatten() {
                let requise = requise.as_str().unwrap();
                if !champs.contains_key(requise) {
                    return Err(format!("{ou}.{requise} manque"));
                }
            }
            for (cle, v) in champs {
                let Some(s) = proprietes.get(cle) else {
                    return Err(format!("{ou}.{cle} n'est pas déclarée"));
                };
                conforme(v, s, schemas, &format!("{ou}.{cle}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[tokio::test]
async fn l_api_se_decrit_en_openapi_et_ses_reponses_suivent_le_document() {
    let app = TestApp::demarrer().await;
    let (status, entetes, json) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        entetes[header::CONTENT_TYPE],
        "application/json; charset=utf-8"
    );
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    insta::assert_json_snapshot!("openapi", document);
    assert_eq!(document["openapi"], "3.1.0");

    // What the API answers is what the document says: the list, and a contract filling
    // every part of the model.
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let chemins = &document["paths"];
    for (adresse, chemin) in [
        ("/api/v1/contrats", "/api/v1/contrats"),
        (
            "/api/v1/contrats/essai-complet-2020",
            "/api/v1/contrats/{id}",
        ),
        ("/api/v1/contrats/soissons-2019", "/api/v1/contrats/{id}"),
        ("/api/v1/contrats/inconnu-2000", "/api/v1/contrats/{id}"),
        ("/api/v1/contrats?page=zero", "/api/v1/contrats"),
    ] {
        let (status, _, corps) = app.get(adresse).await;
        let reponse = &chemins[chemin]["get"]["responses"][status.as_str()];
        assert!(
            reponse.is_object(),
            "{adresse} : statut {status} non décrit"
        );
        let schema = &reponse["content"]["application/json"]["schema"];
        let valeur: serde_json::Value = serde_json::from_str(&corps).unwrap();
        conforme(&valeur, schema, schemas, adresse).unwrap();
    }
    // And the check sees a missing or an undeclared property.
    let (_, _, corps) = app.get("/api/v1/contrats/essai-complet-2020").await;
    let contrat: serde_json::Value = serde_json::from_str(&corps).unwrap();
    let schema = &chemins["/api/v1/contrats/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    let mut sans_nom = contrat.clone();
    sans_nom.as_object_mut().unwrap().remove("nom");
    assert!(conforme(&sans_nom, schema, schemas, "c").is_err());
    let mut en_trop = contrat;
    en_trop["axes"][0]["inventee"] = serde_json::json!(1);
    assert!(conforme(&en_trop, schema, schemas, "c").is_err());

    // The same, read as a page, each type linking to its schema.
    let (status, _, html) = app.get("/api").await;
    assert_eq!(status, StatusCode::OK);
    assert_page_accessible(&html);
    for attendu in [
        "<code>/api/v1/contrats/{id}</code> — Un contrat",
        "<code>X-Total-Count</code>",
        "id=\"schema-FicheAction\"",
        "href=\"/api/v1/openapi.json\"",
        "<code>tout-public</code>",
    ] {
        assert!(html.contains(attendu), "absent de /api : {attendu}");
    }
    for (i, _) in html.match_indices("href=\"#schema-") {
        let nom: String = html[i + 14..].chars().take_while(|c| *c != '"').collect();
        assert!(
            html.contains(&format!("id=\"schema-{nom}\"")),
            "#schema-{nom} ne mène nulle part"
        );
    }
}

#[tokio::test]
async fn la_liste_se_filtre_et_se_pagine_et_refuse_en_francais() {
    let app = TestApp::demarrer().await;
    // Twice: the second answer comes from the public cache, headers included.
    app.get("/api/v1/contrats?par_page=2&page=2").await;
    let (status, entetes, json) = app.get("/api/v1/contrats?par_page=2&page=2").await;
    assert_eq!(status, StatusCode::OK);
    let total: usize = entetes["x-total-count"].to_str().unwrap().parse().unwrap();
    assert!(total >= 6, "{total}");
    let page: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(page.as_array().unwrap().len(), 2);
    assert!(
        entetes[header::LINK]
            .to_str()
            .unwrap()
            .contains("page=3&par_page=2")
    );
    let (_, entetes, json) = app.get("/api/v1/contrats?texte=SOISSONS").await;
    let soissons: serde_json::Value = serde_json::from_str(&json).unwrap();
    let noms: Vec<&str> = soissons
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["nom"].as_str().unwrap())
        .collect();
    assert!(
        !noms.is_empty() && noms.iter().all(|n| n.contains("Soissons")),
        "{noms:?}"
    );
    assert_eq!(entetes["x-total-count"], noms.len().to_string().as_str());
    for (adresse, message) in [
        ("/api/v1/contrats?page=0", "numéro de page"),
        ("/api/v1/contrats?statut=fini", "statut"),
        ("/contrats?departement=Calvados", "code de département"),
    ] {
        let (status, _, corps) = app.get(adresse).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{adresse}");
        assert!(corps.contains(message), "{adresse} : {corps}");
    }
    let (_, _, page) = app.get("/contrats?texte=aucun+contrat+de+ce+nom").await;
    assert!(page.contains("Aucun contrat ne répond à ces critères."));
}

/// The public's answers are kept in memory, but a change shows at once.
#[tokio::test]
async fn ce_que_le_public_lit_suit_chaque_modification() {
    let app = TestApp::demarrer().await;
    let id = pilote_domain::IdContrat::parse("essai-complet-2020").unwrap();
    let admin = pilote_store::Auteur::ligne_de_commande();
    for _ in 0..2 {
        assert_eq!(
            app.get("/contrats/essai-complet-2020").await.0,
            StatusCode::OK
        );
        assert!(app.get("/contrats").await.2.contains("essai-complet-2020"));
        assert!(
            app.get("/communes/14118")
                .await
                .2
                .contains("essai-complet-2020")
        );
    }
    pilote_store::contrat::publier(&app.store, &admin, &id, false)
        .await
        .unwrap();
    assert_eq!(
        app.get("/contrats/essai-complet-2020").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/contrats/essai-complet-2020").await.0,
        StatusCode::NOT_FOUND
    );
    assert!(!app.get("/contrats").await.2.contains("essai-complet-2020"));
    assert!(
        !app.get("/communes/14118")
            .await
            .2
            .contains("essai-complet-2020")
    );
    pilote_store::contrat::publier(&app.store, &admin, &id, true)
        .await
        .unwrap();
    assert_eq!(
        app.get("/contrats/essai-complet-2020").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn un_contrat_inconnu_donne_une_404_en_francais() {
    let app = TestApp::demarrer().await;
    let (status, _, html) = app.get("/contrats/nulle-part").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Aucun contrat « nulle-part »."), "{html}");
    assert_page_accessible(&html);

    let (status, _, json) = app.get("/api/v1/contrats/Pas%20Valide").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let corps: serde_json::Value = serde_json::from_str(&json).unwrap();
    let message = corps["erreur"].as_str().unwrap();
    assert!(
        message.contains("Pas Valide") && message.contains("minuscules"),
        "{message}"
    );

    let (status, _, json) = app.get("/api/v1/rien").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        json.contains("Aucune page à l'adresse « /api/v1/rien »"),
        "{json}"
    );
}

#[tokio::test]
async fn le_public_ne_voit_pas_un_contrat_non_publie() {
    let app = TestApp::demarrer().await;
    let (_, _, html) = app.get("/contrats").await;
    assert!(html.contains("essai-complet-2020") && !html.contains("brouillon-2025"));
    let (_, _, json) = app.get("/api/v1/contrats").await;
    assert!(!json.contains("brouillon-2025"));

    // Refused exactly as if it did not exist.
    let (status, _, cache) = app.get("/api/v1/contrats/brouillon-2025").await;
    let (status_absent, _, absent) = app.get("/api/v1/contrats/absent-2025").await;
    assert_eq!(
        (status, status_absent),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(cache.replace("brouillon", "absent"), absent);
    let (status, _, html) = app.get("/contrats/brouillon-2025").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("Brouillon non publié"));
}

#[tokio::test]
async fn les_pages_portent_les_en_tetes_de_securite_et_les_styles_sont_servis() {
    let app = TestApp::demarrer().await;
    let (_, entetes, _) = app.get("/").await;
    let csp = entetes[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(entetes[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let (_, _, html) = app.get("/").await;
    let feuille = html
        .split('"')
        .find(|a| a.starts_with("/assets/") && a.ends_with("/dsfr/dsfr.min.css"))
        .expect("la page cite la feuille de style du DSFR")
        .to_owned();
    let prefixe = feuille.trim_end_matches("dsfr/dsfr.min.css").to_owned();
    let (status, entetes, css) = app.get(&feuille).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(entetes[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(
        entetes[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(
        !css.contains("@font-face"),
        "les polices Marianne ne sont pas servies"
    );
    let icone = format!("{prefixe}dsfr/icons/system/close-line.svg");
    let (status, _, _) = app.get(&icone).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, corps) = app.get(&format!("{prefixe}absent.css")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(corps.contains("Aucune ressource « absent.css »"), "{corps}");
    // Under another digest (a page of an earlier version), served but asked again next time.
    let (status, entetes, _) = app.get("/assets/000000000000/pilote.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(entetes[header::CACHE_CONTROL], "no-cache");
    let (status, entetes, _) = app.get("/favicon.ico").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(entetes[header::CONTENT_TYPE], "image/vnd.microsoft.icon");
}

/// Text is compressed (brotli or gzip, as the browser prefers), the public's pages and API
/// answers carry an `ETag` and answer `304` while nothing changed, and a change makes them new.
#[tokio::test]
async fn les_reponses_sont_compressees_et_revalidees() {
    use std::io::Read;
    let app = TestApp::demarrer().await;
    let envoyer = |uri: &str, entetes: &[(header::HeaderName, &str)]| {
        let mut requete = Request::get(uri);
        for (nom, valeur) in entetes {
            requete = requete.header(nom, *valeur);
        }
        let router = app.router.clone();
        let requete = requete.body(Body::empty()).unwrap();
        async move {
            let reponse = router.oneshot(requete).await.unwrap();
            let statut = reponse.status();
            let entetes = reponse.headers().clone();
            let corps = reponse.into_body().collect().await.unwrap().to_bytes();
            (statut, entetes, corps)
        }
    };
    for chemin in ["/contrats/caen-2019", "/api/v1/contrats", "/", "/contrats"] {
        let (_, _, brut) = envoyer(chemin, &[]).await;
        let (statut, entetes, br) =
            envoyer(chemin, &[(header::ACCEPT_ENCODING, "gzip, deflate, br")]).await;
        assert_eq!(statut, StatusCode::OK, "{chemin}");
        assert_eq!(entetes[header::CONTENT_ENCODING], "br", "{chemin}");
        assert_eq!(entetes[header::CACHE_CONTROL], "no-cache", "{chemin}");
        assert!(
            entetes[header::LAST_MODIFIED]
                .to_str()
                .unwrap()
                .ends_with(" GMT"),
            "{chemin}"
        );
        let mut lu = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut lu).unwrap();
        assert_eq!(lu, brut, "{chemin}");
        assert!(
            br.len() * 3 < brut.len(),
            "{chemin}: {} / {}",
            br.len(),
            brut.len()
        );
        let etag = entetes[header::ETAG].to_str().unwrap().to_owned();
        let (statut, entetes, corps) = envoyer(chemin, &[(header::IF_NONE_MATCH, &etag)]).await;
        assert_eq!(statut, StatusCode::NOT_MODIFIED, "{chemin}");
        assert!(corps.is_empty() && entetes[header::ETAG] == etag.as_str());
        let (statut, entetes, gz) = envoyer(chemin, &[(header::ACCEPT_ENCODING, "gzip")]).await;
        assert_eq!(statut, StatusCode::OK);
        assert_eq!(entetes[header::CONTENT_ENCODING], "gzip");
        let mut lu = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut lu)
            .unwrap();
        assert_eq!(lu, brut, "{chemin}");
    }
    // The stylesheet and a signed-in page are compressed too.
    let (_, _, html) = app.get("/").await;
    let feuille = html
        .split('"')
        .find(|a| a.ends_with("/dsfr/dsfr.min.css"))
        .unwrap()
        .to_owned();
    let (_, entetes, css) = envoyer(&feuille, &[(header::ACCEPT_ENCODING, "br")]).await;
    assert_eq!(entetes[header::CONTENT_ENCODING], "br");
    assert!(css.len() < 150_000, "{}", css.len());
    let (_, entetes, _) = envoyer("/connexion", &[(header::ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(entetes[header::CONTENT_ENCODING], "gzip");
    assert_eq!(entetes[header::CACHE_CONTROL], "no-store");

    // A change to any contract makes a new answer, with another ETag.
    let (_, entetes, _) = envoyer("/contrats/caen-2019", &[]).await;
    let avant = entetes[header::ETAG].to_str().unwrap().to_owned();
    pilote_store::contrat::creer(
        &app.store,
        &crate::support::application::contrat("nouveau-2026", true, &["14118"], 1),
    )
    .await
    .unwrap();
    let (statut, entetes, _) =
        envoyer("/contrats/caen-2019", &[(header::IF_NONE_MATCH, &avant)]).await;
    assert_eq!(statut, StatusCode::OK);
    assert_ne!(entetes[header::ETAG], avant.as_str());
}

/// A browser's first page hands it its CSRF cookie; what holds no form (assets, the API, the
/// health check) sets none. The health check says whether the database answers.
#[tokio::test]
async fn seules_les_pages_posent_un_cookie_et_la_sante_repond() {
    let app = TestApp::demarrer().await;
    let (statut, entetes, _) = app.get("/").await;
    assert_eq!(statut, StatusCode::OK);
    assert!(entetes.contains_key(header::SET_COOKIE));
    for chemin in ["/favicon.ico", "/api/v1/contrats", "/sante"] {
        let (statut, entetes, _) = app.get(chemin).await;
        assert_eq!(statut, StatusCode::OK, "{chemin}");
        assert!(!entetes.contains_key(header::SET_COOKIE), "{chemin}");
    }
    let (_, entetes, corps) = app.get("/sante").await;
    assert_eq!(corps, "ok\n");
    assert_eq!(entetes[header::CONTENT_TYPE], "text/plain; charset=utf-8");
    app.store.close().await;
    let (statut, _, corps) = app.get("/sante").await;
    assert_eq!(statut, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(corps, "la base de données ne répond pas\n");
}

#[tokio::test]
async fn le_modele_de_plan_se_telecharge_et_s_importe() {
    let app = TestApp::demarrer().await;
    let r = app.get_octets("/modele-plan.xlsx").await;
    assert_eq!(r.0, StatusCode::OK);
    assert_eq!(
        r.1.get(header::CONTENT_TYPE).unwrap(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let contrat = pilote_store::import::tableur::lire(r.2).unwrap();
    assert_eq!(contrat.axes[0].objectifs[0].fiches_actions[0].numero, "1.1");
}
