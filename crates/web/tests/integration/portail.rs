//! The public portal, as a resident reads it, on SQLite and PostgreSQL: the home (key
//! figures, the map, what is new), a commune found by its name, INSEE code, postal code or a
//! suggestion chosen, a commune's page with its published contracts or whom to ask, the
//! refusals in French, the legal pages; only published contracts ever shown, a publication
//! seen at once, the answers kept with their validators; readers while contracts are
//! published and withdrawn.

use axum::http::StatusCode;
use pilote_domain::IdContrat;
use pilote_store::import;
use pilote_store::journal::Auteur;

use crate::support::application::{Appli, contrat};

/// In Caen, published: signed, an achievement dated, a meeting held and one to come.
const CAEN: &str = r#"
id = "caen-2024"
nom = "CLS de Caen"
generation = 2
publie = true
statut = "en-cours"
periode = "2024-2028"
signature = { date = "2024-06-14", lieu = "Hôtel de ville de Caen" }
territoire = { communes = ["14118"] }
[[axes]]
numero = 1
titre = "Prévention"
[[axes.fiches_actions]]
numero = "1"
titre = "Dépistage"
statut = "realisee"
[[axes.fiches_actions]]
numero = "2"
titre = "Maison de santé"
statut = "en-cours"
[[gouvernance]]
nature = "copil"
nom = "Comité de pilotage du CLS"
[[gouvernance.reunions]]
date = "2025-11-20"
[[gouvernance.reunions]]
date = "2099-01-15"
[[realisations]]
titre = "Forum santé des jeunes"
date = "2025-03"
"#;

async fn peupler(appli: &Appli) {
    let contrats = [
        import::lire("caen-2024", CAEN).unwrap(),
        // In Cherbourg-en-Cotentin (Manche), unpublished.
        contrat("cherbourg-2025", false, &["50129"], 1),
        // In Angers (Maine-et-Loire), published.
        contrat("angers-2023", true, &["49007"], 3),
    ];
    for c in &contrats {
        pilote_store::contrat::creer(&appli.store, c).await.unwrap();
    }
}

async fn publier(appli: &Appli, id: &str, publie: bool) {
    pilote_store::contrat::publier(
        &appli.store,
        &Auteur::ligne_de_commande(),
        &IdContrat::parse(id).unwrap(),
        publie,
    )
    .await
    .unwrap();
}

async fn scenario(appli: &Appli) {
    peupler(appli).await;
    let mut public = appli.navigateur();

    // The home: the search first, the published contracts' figures, the map, what is new.
    let accueil = public.get("/").await;
    assert_eq!(accueil.status, StatusCode::OK, "{}", accueil.corps);
    let corps = &accueil.corps;
    assert!(corps.contains("Quel contrat local de santé pour ma commune ?"));
    assert!(corps.contains("action=\"/communes\""));
    assert!(corps.contains("<strong>2</strong><span>contrats locaux de santé publiés"));
    assert!(
        corps.contains("<strong>1</strong><span>action en cours"),
        "{corps}"
    );
    assert!(corps.contains("par département</title>"));
    assert!(corps.contains("<th scope=\"row\">Calvados (14)</th>"));
    assert!(!corps.contains("<th scope=\"row\">Manche (50)</th>"));
    assert!(corps.contains("Forum santé des jeunes"));
    assert!(corps.contains("contrat signé à Hôtel de ville de Caen"));
    assert!(corps.contains("20 novembre 2025"));
    assert!(!corps.contains("2099"), "a meeting to come is not news");
    assert!(!corps.contains("cherbourg"), "unpublished");

    // A commune found by its INSEE code, its postal code, or a suggestion chosen.
    for q in ["14118", "14000", "Caen (14118)", " caen "] {
        let r = public.get(&format!("/communes?q={}", encode(q))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{q}: {}", r.corps);
        assert_eq!(r.redirection(), Some("/communes/14118"), "{q}");
    }
    // Corsica's codes in lower case; words in brackets that are no code, left aside.
    let r = public.get("/communes/2a004").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.corps.contains("<h1>Ajaccio</h1>"));
    let r = public
        .get(&format!("/communes?q={}", encode("Saint-Lô (Manche)")))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.corps.contains("<a href=\"/communes/50502\">Saint-Lô</a>"));
    // Several communes: listed with their département, postal codes and contracts.
    let r = public.get("/communes?q=saint-lo").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.corps.contains("<a href=\"/communes/50502\">Saint-Lô</a>"),
        "{}",
        r.corps
    );
    assert!(r.corps.contains("50000"));
    assert!(
        r.corps
            .contains("(les 20 premières : précisez la recherche)")
    );
    // Suggestions, as the visitor types.
    let r = public.get("/communes/suggestions?q=caen").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.corps
            .contains("<option value=\"Caen (14118)\">Calvados — 14000</option>")
    );

    // What a search cannot find is said, in French, with what to type.
    for (q, attendu) in [
        ("", "Saisissez le nom d"),
        ("x", "est trop court"),
        ("zzqqzz", "Aucune commune ne correspond à « zzqqzz »"),
    ] {
        let r = public.get(&format!("/communes?q={q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{q}");
        assert!(r.corps.contains(attendu), "{q}: {}", r.corps);
    }
    let long = "a".repeat(101);
    let r = public.get(&format!("/communes?q={long}")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.corps.contains("dépasse 100 caractères"));
    for code in ["99999", "abc"] {
        let r = public.get(&format!("/communes/{code}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{code}");
        assert!(r.corps.contains(&format!("a le code INSEE « {code} »")));
    }

    // A commune's page: its published contract as a card.
    let caen = public.get("/communes/14118").await;
    assert_eq!(caen.status, StatusCode::OK);
    assert!(caen.corps.contains("<h1>Caen</h1>"));
    assert!(caen.corps.contains("Le contrat local de santé de Caen"));
    assert!(
        caen.corps
            .contains("<a href=\"/contrats/caen-2024\">CLS de Caen</a>")
    );
    assert!(
        caen.corps
            .contains("2 fiches-actions : 1 en cours, 1 réalisée")
    );
    assert!(caen.corps.contains("CU Caen la Mer"), "its EPCI");
    // A commune whose contract is not published: none said, and whom to ask.
    let cherbourg = public.get("/communes/50129").await;
    assert_eq!(cherbourg.status, StatusCode::OK);
    assert!(
        cherbourg
            .corps
            .contains("Aucun contrat local de santé publié ne couvre")
    );
    assert!(
        cherbourg
            .corps
            .contains("l'agence régionale de santé (ARS) Normandie")
    );
    assert!(!cherbourg.corps.contains("cherbourg-2025"));

    // The answers are kept with their validators: asked again with its ETag, 304.
    let etag = caen.entete("etag").expect("an ETag").to_owned();
    let r = public
        .envoyer(
            axum::http::Request::get("/communes/14118").header("if-none-match", &etag),
            axum::body::Body::empty(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);

    // Unpublished, its feed is unknown.
    let r = public.get("/contrats/cherbourg-2025/actualites.xml").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.corps.contains("Aucun contrat publié « cherbourg-2025 »"));
    let plan = public.get("/sitemap.xml").await.corps;
    assert!(!plan.contains("cherbourg") && !plan.contains("/communes/50129"));

    // Published, the contract is found at once, its page's validator changed.
    publier(appli, "cherbourg-2025", true).await;
    let r = public
        .envoyer(
            axum::http::Request::get("/communes/50129").header("if-none-match", &etag),
            axum::body::Body::empty(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.corps.contains("/contrats/cherbourg-2025"), "{}", r.corps);
    assert!(public.get("/").await.corps.contains("<strong>3</strong>"));

    // The contract's news as an Atom feed; none for a contract not published.
    let flux = public.get("/contrats/caen-2024/actualites.xml").await;
    assert_eq!(flux.status, StatusCode::OK);
    assert_eq!(
        flux.entete("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    let atom = &flux.corps;
    assert!(atom.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(atom.contains("<title>CLS de Caen : actualités</title>"));
    assert!(atom.contains("<title>Forum santé des jeunes</title>"));
    assert!(atom.contains("<updated>2025-03-01T00:00:00Z</updated>"));
    assert!(atom.contains("<title>Réunion : Comité de pilotage du CLS</title>"));
    assert!(atom.contains("/contrats/caen-2024#realisation-2025-03-"));
    assert_eq!(
        atom.matches("<entry>").count(),
        3,
        "the meeting to come is not news"
    );
    assert!(!atom.contains("2099"));
    // The contract's page names its canonical address and its feed.
    let page = public.get("/contrats/caen-2024").await.corps;
    assert!(
        page.contains("<link rel=\"canonical\" href=\"http://localhost/contrats/caen-2024\">"),
        "{page}"
    );
    assert!(page.contains("href=\"/contrats/caen-2024/actualites.xml\""));
    // The sitemap: the portal's pages, each published contract with its last change, the
    // communes they cover; nothing unpublished. robots.txt names it.
    let plan = public.get("/sitemap.xml").await;
    assert_eq!(plan.status, StatusCode::OK);
    assert!(
        plan.corps
            .contains("<loc>http://localhost/contrats/caen-2024</loc><lastmod>20")
    );
    assert!(
        plan.corps
            .contains("<loc>http://localhost/communes/14118</loc>")
    );
    assert!(
        plan.corps
            .contains("<loc>http://localhost/communes/49007</loc>")
    );
    assert!(
        plan.corps
            .contains("<loc>http://localhost/contrats/cherbourg-2025</loc>")
    );
    let robots = public.get("/robots.txt").await;
    assert!(
        robots
            .corps
            .contains("Sitemap: http://localhost/sitemap.xml")
    );

    // The legal pages, with what the operator has not configured said so.
    let r = public.get("/accessibilite").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.corps.contains("<h1>Déclaration d'accessibilité</h1>"));
    assert!(r.corps.contains("non conforme"));
    assert!(r.corps.contains("Défenseur des droits"));
    let r = public.get("/mentions-legales").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.corps.contains("réglage « hebergeur »"));
    assert!(accueil.corps.contains("href=\"/accessibilite\""));
    assert!(accueil.corps.contains("href=\"/mentions-legales\""));

    // Readers while a contract is published and withdrawn again and again: every answer
    // whole, and the last state shown after the last change.
    let ecrivain = async {
        for i in 0..12 {
            publier(appli, "cherbourg-2025", i % 2 == 1).await;
        }
    };
    let lecteurs = (0..8).map(|i| async move {
        let mut n = appli.navigateur();
        let mut statuts = Vec::new();
        for _ in 0..10 {
            let uri = if i % 2 == 0 { "/" } else { "/communes/50129" };
            let r = n.get(uri).await;
            assert!(r.corps.contains("</html>"), "a whole page");
            statuts.push(r.status);
        }
        statuts
    });
    let (_, statuts) = tokio::join!(ecrivain, futures_util::future::join_all(lecteurs));
    assert!(
        statuts.iter().flatten().all(|s| *s == StatusCode::OK),
        "{statuts:?}"
    );
    let r = public.get("/communes/50129").await;
    assert!(
        r.corps.contains("/contrats/cherbourg-2025"),
        "published last"
    );
}

/// `texte` as a query string's value.
fn encode(texte: &str) -> String {
    texte
        .bytes()
        .map(|o| match o {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (o as char).to_string(),
            _ => format!("%{o:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn un_habitant_trouve_le_contrat_de_sa_commune_sur_sqlite() {
    let appli = Appli::avec(&[], &[]).await;
    scenario(&appli).await;
}

#[tokio::test]
async fn un_habitant_trouve_le_contrat_de_sa_commune_sur_postgresql() {
    let nom = format!("pilote_portail_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : portail PostgreSQL non exercé");
        return;
    };
    scenario(&appli).await;
    base.supprimer(appli).await;
}

/// A contract's documents as the public finds them: those published on purpose listed and
/// downloaded by anyone, the others nowhere; none once the contract is withdrawn.
async fn documents_publies(appli: &Appli) {
    use pilote_domain::fiche_action::Document;
    use pilote_stockage::{Cle, Depot, Stockage};
    let mut k = import::lire("caen-2024", CAEN).unwrap();
    let document = |chemin: &'static str, titre: &str, publie: bool| {
        let cle = Cle::parse(&format!("contrats/caen-2024/{chemin}")).unwrap();
        let stockage = appli.stockage.clone();
        let depot = async move {
            stockage
                .deposer(
                    &cle,
                    Depot::depuis_octets(format!("contenu de {chemin}").as_bytes())
                        .await
                        .unwrap(),
                    "application/pdf",
                )
                .await
                .unwrap();
        };
        (
            depot,
            Document {
                id: None,
                titre: titre.to_owned(),
                date: None,
                reference: format!("contrats/caen-2024/{chemin}"),
                publie,
            },
        )
    };
    let (a, charte) = document("fiches/1/charte.pdf", "Charte des partenaires", true);
    let (b, note) = document("fiches/1/note.pdf", "Note interne sur le budget", false);
    let (c, synthese) = document("diagnostics/1/synthese.pdf", "Synthèse du diagnostic", true);
    a.await;
    b.await;
    c.await;
    k.axes[0].fiches_actions[0].documents = vec![charte, note];
    let mut diagnostic: pilote_domain::diagnostic::Diagnostic =
        toml::from_str("titre = \"Diagnostic local de santé\"").unwrap();
    diagnostic.documents.push(synthese);
    k.diagnostics.push(diagnostic);
    pilote_store::contrat::creer(&appli.store, &k)
        .await
        .unwrap();
    let complet = pilote_store::contrat::lire(&appli.store, &Auteur::ligne_de_commande(), &k.id)
        .await
        .unwrap()
        .contrat;
    let ids: Vec<i64> = complet.axes[0].fiches_actions[0]
        .documents
        .iter()
        .chain(&complet.diagnostics[0].documents)
        .map(|d| d.id.unwrap())
        .collect();
    let (charte, note, synthese) = (ids[0], ids[1], ids[2]);

    let mut public = appli.navigateur();
    let page = public.get("/contrats/caen-2024").await.corps;
    for attendu in [
        format!("href=\"/contrats/caen-2024/documents/fiche-{charte}\""),
        "Charte des partenaires".to_owned(),
        format!("href=\"/contrats/caen-2024/documents/diagnostic-{synthese}\""),
        "Synthèse du diagnostic".to_owned(),
        "<h2 id=\"titre-documents\">Documents publiés</h2>".to_owned(),
        "— fiche-action n°1 « Dépistage »".to_owned(),
    ] {
        assert!(page.contains(&attendu), "absent : {attendu}");
    }
    assert!(!page.contains("Note interne"));
    let api = public.get("/api/v1/contrats/caen-2024").await.corps;
    assert!(api.contains("Charte des partenaires") && !api.contains("Note interne"));
    assert!(
        !api.contains("charte.pdf"),
        "la clé du fichier reste privée"
    );

    let fichier = public
        .get(&format!("/contrats/caen-2024/documents/fiche-{charte}"))
        .await;
    assert_eq!(fichier.status, StatusCode::OK);
    assert_eq!(fichier.octets, b"contenu de fiches/1/charte.pdf");
    let fichier = public
        .get(&format!(
            "/contrats/caen-2024/documents/diagnostic-{synthese}"
        ))
        .await;
    assert_eq!(fichier.octets, b"contenu de diagnostics/1/synthese.pdf");
    // Not published on purpose, of another kind, or nonsense: not found, in French.
    for document in [
        format!("fiche-{note}"),
        format!("diagnostic-{note}"),
        "fiche-x".to_owned(),
        "rapport-1".to_owned(),
    ] {
        let r = public
            .get(&format!("/contrats/caen-2024/documents/{document}"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{document}");
        assert!(r.corps.contains("publi"), "{document} : {}", r.corps);
    }
    // Withdrawn, the contract publishes nothing.
    publier(appli, "caen-2024", false).await;
    let r = public
        .get(&format!("/contrats/caen-2024/documents/fiche-{charte}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn les_documents_publies_se_telechargent_et_eux_seuls_sur_sqlite() {
    let appli = Appli::avec(&[], &[]).await;
    documents_publies(&appli).await;
}

#[tokio::test]
async fn les_documents_publies_se_telechargent_et_eux_seuls_sur_postgresql() {
    let nom = format!("pilote_portail_documents_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : documents publiés PostgreSQL non exercés");
        return;
    };
    documents_publies(&appli).await;
    base.supprimer(appli).await;
}
