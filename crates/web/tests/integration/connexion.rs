//! Signing in and out, sessions and their cookies, CSRF, invitations and the journal, through
//! the real router on a real SQLite database.

use crate::support::application::{Appli, champ_cache};
use axum::http::{StatusCode, header};
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::{Auteur, compte, contrat, demo, journal};

const MDP: &str = "un mot de passe assez long";

/// The demo contracts, an unpublished contract with three fiches-actions, and four people.
async fn appli(url_publique: &str) -> Appli {
    let appli = Appli::demarrer(url_publique, None).await;
    let store = &appli.store;
    demo::charger(store).await.unwrap();
    contrat::creer(
        store,
        &crate::support::application::contrat("essai-2021", false, &["02722"], 3),
    )
    .await
    .unwrap();
    for (email, role) in [
        ("coord@soissons.fr", "coordinateur:essai-2021"),
        ("partenaire@soissons.fr", "partenaire:essai-2021"),
        ("pilote@soissons.fr", "pilote:essai-2021:1"),
        ("coord@caen.fr", "coordinateur:caen-2019"),
    ] {
        compte::creer(
            store,
            &Email::parse(email).unwrap(),
            None,
            MDP,
            &[Role::parse(role).unwrap()],
        )
        .await
        .unwrap();
    }
    appli
}

#[tokio::test]
async fn une_session_ouvre_les_donnees_non_publiees_et_se_ferme() {
    let appli = appli("http://localhost:3000").await;
    let mut public = appli.navigateur();
    assert_eq!(
        public.get("/contrats/essai-2021").await.status,
        StatusCode::NOT_FOUND
    );

    let mut partenaire = appli.navigateur();
    let reponse = partenaire
        .post(
            "/connexion",
            &[
                ("email", "Partenaire@Soissons.fr"),
                ("mot_de_passe", MDP),
                ("suite", "/contrats/essai-2021"),
            ],
        )
        .await;
    assert_eq!(reponse.status, StatusCode::SEE_OTHER);
    assert_eq!(reponse.redirection(), Some("/contrats/essai-2021"));
    let cookie = reponse
        .entetes
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("pilote_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "en HTTP : {cookie}");

    let page = partenaire.get("/contrats/essai-2021").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texte().contains("partenaire@soissons.fr"));
    assert!(page.texte().contains("Non publié"));
    // A partner reads everything, history included, but is offered no change.
    assert!(page.corps.contains("Historique des modifications"));
    assert!(!page.corps.contains("method=\"post\" action=\"/contrats/"));
    let api = partenaire.get("/api/v1/contrats").await;
    assert!(api.corps.contains("essai-2021"));

    // The read of unpublished data is in the journal, with who and from where.
    let entrees = journal::dernieres(&appli.store, 10).await.unwrap();
    assert!(
        entrees.iter().any(|e| e.qui == "partenaire@soissons.fr"
            && e.action == "lecture"
            && e.objet == "contrat essai-2021"
            && e.origine == "inconnue"),
        "{entrees:#?}"
    );

    // Sign-out: the cookie goes, and the old token opens nothing any more.
    let ancien = partenaire.cookies.get("pilote_session").unwrap().clone();
    let sortie = partenaire.post("/deconnexion", &[]).await;
    assert_eq!(sortie.status, StatusCode::SEE_OTHER);
    assert!(!partenaire.cookies.contains_key("pilote_session"));
    partenaire.cookies.insert("pilote_session".into(), ancien);
    assert_eq!(
        partenaire.get("/contrats/essai-2021").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn en_https_les_cookies_sont_securises_et_hsts_est_envoye() {
    let appli = appli("https://pilote.example.fr").await;
    let mut navigateur = appli.navigateur();
    let page = navigateur.get("/").await;
    let hsts = page.entetes.get(header::STRICT_TRANSPORT_SECURITY).unwrap();
    assert!(hsts.to_str().unwrap().contains("max-age="));
    let csp = page.entetes[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.entetes[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(page.entetes.contains_key(header::REFERRER_POLICY));

    let reponse = navigateur
        .post(
            "/connexion",
            &[("email", "coord@caen.fr"), ("mot_de_passe", MDP)],
        )
        .await;
    let cookies: Vec<String> = reponse
        .entetes
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-pilote_session="))
        .unwrap_or_else(|| panic!("{cookies:?}"));
    for attribut in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(attribut), "{session}");
    }
    assert!(!session.contains("Domain="), "{session}");

    let http = appli_http_sans_hsts().await;
    assert!(!http.entetes.contains_key(header::STRICT_TRANSPORT_SECURITY));
}

async fn appli_http_sans_hsts() -> crate::support::application::Reponse {
    let appli = Appli::demarrer("http://localhost:3000", None).await;
    appli.navigateur().get("/").await
}

#[tokio::test]
async fn adresse_inconnue_et_mauvais_mot_de_passe_se_confondent_puis_se_bloquent() {
    let appli = appli("http://localhost:3000").await;
    let mut navigateur = appli.navigateur();
    let mut reponses = Vec::new();
    for email in ["coord@caen.fr", "personne@nulle-part.fr"] {
        let r = navigateur
            .post(
                "/connexion",
                &[
                    ("email", email),
                    ("mot_de_passe", "pas le bon mot de passe"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(
            r.texte()
                .contains("Adresse électronique ou mot de passe incorrect.")
        );
        reponses.push(r.corps.replace(email, "ADRESSE"));
    }
    assert_eq!(
        reponses[0], reponses[1],
        "les deux réponses doivent être identiques"
    );

    // Five failures lock the address, known or not; then even the right password is refused.
    for email in ["coord@caen.fr", "personne@nulle-part.fr"] {
        for _ in 1..5 {
            navigateur
                .post(
                    "/connexion",
                    &[("email", email), ("mot_de_passe", "encore une erreur !")],
                )
                .await;
        }
        let r = navigateur
            .post("/connexion", &[("email", email), ("mot_de_passe", MDP)])
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{email}");
        assert!(r.texte().contains("Trop de tentatives"), "{}", r.corps);
        assert!(!navigateur.cookies.contains_key("pilote_session"));
    }
    // Another address is not affected.
    navigateur.connecter("coord@soissons.fr", MDP).await;

    let vide = navigateur
        .post("/connexion", &[("email", ""), ("mot_de_passe", "")])
        .await;
    assert_eq!(vide.status, StatusCode::BAD_REQUEST);
    assert!(vide.texte().contains("Indiquez votre adresse électronique"));
}

#[tokio::test]
async fn sans_jeton_csrf_rien_ne_change() {
    let appli = appli("http://localhost:3000").await;
    let mut coord = appli.navigateur();
    coord.connecter("coord@soissons.fr", MDP).await;
    let jeton = coord.csrf().await;
    for champs in [
        vec![("publie", "oui")],
        vec![("publie", "oui"), ("_csrf", "faux")],
        vec![("publie", "oui"), ("_csrf", &"0".repeat(64))],
    ] {
        let r = coord
            .post_brut("/contrats/essai-2021/publication", &champs)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{champs:?}");
        assert!(
            r.texte()
                .contains("Ce formulaire a expiré ou ne vient pas de Pilote")
        );
    }
    // From another site, even with the token.
    let r = coord
        .envoyer(
            axum::http::Request::post("/contrats/essai-2021/publication")
                .header(header::HOST, "localhost:3000")
                .header(header::ORIGIN, "https://ailleurs.example")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            axum::body::Body::from(format!("publie=oui&_csrf={jeton}")),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The anonymous browser's token does not stand in for the session's.
    let mut anonyme = appli.navigateur();
    let autre = anonyme.csrf().await;
    let r = coord
        .post_brut(
            "/contrats/essai-2021/publication",
            &[("publie", "oui"), ("_csrf", &autre)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut public = appli.navigateur();
    assert_eq!(
        public.get("/contrats/essai-2021").await.status,
        StatusCode::NOT_FOUND
    );

    // With the token, in a header or in the form, it goes through.
    let r = coord
        .envoyer(
            axum::http::Request::post("/contrats/essai-2021/publication")
                .header("x-csrf-token", jeton)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            axum::body::Body::from("publie=oui"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.corps);
    assert_eq!(
        public.get("/contrats/essai-2021").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn un_cookie_altere_n_ouvre_rien() {
    let appli = appli("http://localhost:3000").await;
    let mut partenaire = appli.navigateur();
    partenaire.connecter("partenaire@soissons.fr", MDP).await;
    let vrai = partenaire.cookies["pilote_session"].clone();
    let mut altere = vrai.clone().into_bytes();
    altere[10] = if altere[10] == b'a' { b'b' } else { b'a' };
    for faux in [
        String::from_utf8(altere).unwrap(),
        "nimporte-quoi".to_owned(),
        String::new(),
    ] {
        partenaire
            .cookies
            .insert("pilote_session".into(), faux.clone());
        let r = partenaire.get("/contrats/essai-2021").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{faux}");
        assert!(
            !r.texte().contains("soissons"),
            "rien ne fuit : {}",
            r.corps
        );
    }
}

#[tokio::test]
async fn le_pilote_modifie_sa_fiche_et_seulement_elle() {
    let appli = appli("http://localhost:3000").await;
    let mut pilote = appli.navigateur();
    pilote.connecter("pilote@soissons.fr", MDP).await;
    let page = pilote.get("/contrats/essai-2021").await;
    assert!(
        page.texte()
            .contains("href=\"/contrats/essai-2021/fiches/1\"")
    );
    assert!(
        !page
            .texte()
            .contains("href=\"/contrats/essai-2021/fiches/2\"")
    );
    assert!(!page.texte().contains("/contrats/essai-2021/publication"));

    let v = champ_cache(
        &pilote.get("/contrats/essai-2021/fiches/1").await.corps,
        "version",
    )
    .unwrap();
    let r = pilote
        .post(
            "/contrats/essai-2021/fiches/1/avancement",
            &[
                ("version", &v),
                ("statut", "en-cours"),
                ("avancement", "40"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.corps);
    assert_eq!(
        r.redirection(),
        Some("/contrats/essai-2021/fiches/1?fait=avancement#avancement")
    );
    let v = champ_cache(
        &pilote.get("/contrats/essai-2021/fiches/1").await.corps,
        "version",
    )
    .unwrap();
    let complet = contrat::lire(
        &appli.store,
        &Auteur::ligne_de_commande(),
        &"essai-2021".parse().unwrap(),
    )
    .await
    .unwrap();
    let fiche = complet
        .contrat
        .toutes_les_fiches()
        .into_iter()
        .find(|f| f.numero == "1")
        .cloned();
    assert_eq!(fiche.unwrap().avancement, Some(40));
    let entrees = journal::dernieres(&appli.store, 5).await.unwrap();
    assert!(
        entrees.iter().any(|e| e.action == "modification"
            && e.objet == "contrat essai-2021, fiche-action n°1"
            && e.detail.as_deref().is_some_and(
                |d| d.contains("statut : — → en-cours") && d.contains("avancement : — → 40 %")
            )),
        "{entrees:#?}"
    );

    for (uri, champs) in [
        (
            "/contrats/essai-2021/fiches/2/avancement",
            vec![("avancement", "10")],
        ),
        ("/contrats/essai-2021/publication", vec![("publie", "oui")]),
    ] {
        let r = pilote.post(uri, &champs).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
        assert!(
            r.texte().contains("Vous n'avez pas le droit de modifier"),
            "{}",
            r.corps
        );
    }
    // Another contract's data: as if it did not exist.
    let r = pilote
        .post(
            "/contrats/caen-2019/fiches/1/avancement",
            &[("avancement", "10")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "Caen est publié : lisible, pas modifiable"
    );
    let r = pilote
        .post("/contrats/absent-2020/publication", &[("publie", "oui")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    for (avancement, message) in [("140", "de 0 à 100"), ("beaucoup", "de 0 à 100")] {
        let r = pilote
            .post(
                "/contrats/essai-2021/fiches/1/avancement",
                &[("version", &v), ("avancement", avancement)],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.texte().contains(message), "{}", r.corps);
    }
    let r = pilote
        .post(
            "/contrats/essai-2021/fiches/1/avancement",
            &[("version", &v), ("statut", "fini")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte().contains("Statut d'action inconnu(e) « fini »"),
        "{}",
        r.corps
    );
}

#[tokio::test]
async fn une_invitation_sert_une_fois_avant_d_expirer() {
    let appli = appli("http://pilote.local").await;
    let mut coord = appli.navigateur();
    coord.connecter("coord@soissons.fr", MDP).await;
    let r = coord
        .post(
            "/contrats/essai-2021/invitations",
            &[
                ("email", "nouvelle@ars.sante.fr"),
                ("role", "pilote"),
                ("fiche", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.corps);
    let courriels = appli.courriels();
    assert_eq!(courriels.len(), 1);
    assert!(
        courriels[0].contains("To: nouvelle@ars.sante.fr"),
        "{}",
        courriels[0]
    );
    let debut = courriels[0]
        .find("http://pilote.local/invitations/")
        .unwrap();
    let lien: String = courriels[0][debut..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let chemin = lien.trim_start_matches("http://pilote.local").to_owned();

    // Bad input on the invitation form.
    for (champs, message) in [
        (
            vec![("email", "pas-une-adresse"), ("role", "partenaire")],
            "Adresse de la personne invitée",
        ),
        (
            vec![("email", "a@b.fr"), ("role", "pilote")],
            "numéro de la fiche-action",
        ),
        (
            vec![("email", "a@b.fr"), ("role", "roi")],
            "Rôle « roi » inconnu",
        ),
        (
            vec![("email", "a@b.fr"), ("role", "pilote"), ("fiche", "99")],
            "Aucune fiche-action n°99",
        ),
    ] {
        let r = coord
            .post("/contrats/essai-2021/invitations", &champs)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{champs:?}");
        assert!(r.texte().contains(message), "{message} : {}", r.corps);
    }
    // Only who may change the contract invites.
    let mut partenaire = appli.navigateur();
    partenaire.connecter("partenaire@soissons.fr", MDP).await;
    let r = partenaire
        .post(
            "/contrats/essai-2021/invitations",
            &[("email", "x@y.fr"), ("role", "coordinateur")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(appli.courriels().len(), 1);

    let mut invitee = appli.navigateur();
    let page = invitee.get(&chemin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.texte().contains("pilote de la fiche-action n°2"),
        "{}",
        page.corps
    );
    // Mismatched passwords, then too short: refused, the link still works.
    let r = invitee
        .post(
            &chemin,
            &[
                ("nom", "Nouvelle"),
                ("mot_de_passe", MDP),
                ("confirmation", "autre"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte()
            .contains("Les deux mots de passe saisis diffèrent.")
    );
    let r = invitee
        .post(
            &chemin,
            &[
                ("nom", "Nouvelle"),
                ("mot_de_passe", "court"),
                ("confirmation", "court"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("12 caractères"), "{}", r.corps);
    let r = invitee
        .post(
            &chemin,
            &[
                ("nom", "Nouvelle"),
                ("mot_de_passe", MDP),
                ("confirmation", MDP),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.corps);
    let page = invitee.get("/contrats/essai-2021").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.texte()
            .contains("href=\"/contrats/essai-2021/fiches/2\"")
    );

    // Used once: the link is dead, with the same message as an unknown one.
    let mut autre = appli.navigateur();
    let reutilise = autre.get(&chemin).await;
    let inconnu = autre.get(&format!("/invitations/{}", "a".repeat(64))).await;
    let mal_forme = autre.get("/invitations/pas-un-jeton").await;
    for r in [&reutilise, &inconnu, &mal_forme] {
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.texte().contains("Cette invitation n'est pas valable"));
    }
    let r = autre
        .post(
            &chemin,
            &[
                ("nom", "Intrus"),
                ("mot_de_passe", MDP),
                ("confirmation", MDP),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // An expired invitation is as dead.
    coord
        .post(
            "/contrats/essai-2021/invitations",
            &[("email", "tardif@ville.fr"), ("role", "partenaire")],
        )
        .await;
    let courriel = appli
        .courriels()
        .into_iter()
        .find(|c| c.contains("tardif@ville.fr"))
        .unwrap();
    let debut = courriel.find("/invitations/").unwrap();
    let chemin: String = courriel[debut..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    appli.sql("UPDATE invitation SET expire_le = 0").await;
    let r = autre.get(&chemin).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(champ_cache(&r.corps, "mot_de_passe").is_none());
}

/// After signing in, only a path of this site is followed, whatever its encoding: a tab or a
/// line break (which browsers drop from an address) cannot turn `/\t/hôte` into `//hôte`.
#[tokio::test]
async fn la_suite_de_la_connexion_ne_mene_jamais_ailleurs() {
    let appli = appli("http://localhost:3000").await;
    for suite in [
        "/%09/evil.example/",
        "/%0A/x",
        "/%0D%0A/x",
        "//evil.example",
        "/%5Cevil",
    ] {
        let mut navigateur = appli.navigateur();
        let page = navigateur.get(&format!("/connexion?suite={suite}")).await;
        assert_eq!(page.status, StatusCode::OK, "{suite}");
        assert_eq!(
            champ_cache(&page.corps, "suite").as_deref(),
            Some("/"),
            "{suite}"
        );
        let gardee = champ_cache(&page.corps, "suite").unwrap();
        let champs = [
            ("email", "partenaire@soissons.fr"),
            ("mot_de_passe", MDP),
            ("suite", gardee.as_str()),
        ];
        let reponse = navigateur.post("/connexion", &champs).await;
        assert_eq!(reponse.redirection(), Some("/"), "{suite}");
        // Sent straight in the form, decoded: the same.
        let mut navigateur = appli.navigateur();
        let brute = suite
            .replace("%09", "\t")
            .replace("%0A", "\n")
            .replace("%0D", "\r")
            .replace("%5C", "\\");
        let champs = [
            ("email", "partenaire@soissons.fr"),
            ("mot_de_passe", MDP),
            ("suite", brute.as_str()),
        ];
        let reponse = navigateur.post("/connexion", &champs).await;
        assert_eq!(reponse.status, StatusCode::SEE_OTHER, "{suite}");
        assert_eq!(reponse.redirection(), Some("/"), "{suite}");
    }
}

/// A NUL or another control character in any field is refused in French before anything is
/// read or written, on both databases (PostgreSQL refuses to store a NUL).
#[tokio::test]
async fn un_caractere_de_controle_est_refuse_en_francais() {
    let nom = format!("pilote_controle_{}", std::process::id());
    let mut bases = vec![(appli("http://localhost:3000").await, None)];
    if let Some((appli, base)) = Appli::sur_postgres(&nom).await {
        bases.push((appli, Some(base)));
    }
    for (appli, base) in bases {
        let mut navigateur = appli.navigateur();
        let r = navigateur
            .post(
                "/connexion",
                &[("email", "a\u{0}@soissons.fr"), ("mot_de_passe", "x")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.texte()
                .contains("Le champ « email » contient un caractère de contrôle (U+0000)"),
            "{}",
            r.texte()
        );
        // Before any right is looked at: as the public.
        let r = navigateur
            .post(
                "/contrats",
                &[("nom", "CLS\u{7}"), ("identifiant", "x-2025")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.texte().contains("(U+0007)"), "{}", r.texte());
        if let Some(base) = base {
            base.supprimer(appli).await;
        }
    }
}

/// A form keeps to the lengths of the import (a title within 300 characters, any text within
/// 10,000), which the page's fields tell the browser; past them, refused in French and
/// nothing saved.
#[tokio::test]
async fn un_texte_trop_long_est_refuse_comme_a_l_import() {
    let appli = appli("http://localhost:3000").await;
    let mut navigateur = appli.navigateur();
    navigateur.connecter("coord@soissons.fr", MDP).await;
    let page = navigateur.get("/contrats/essai-2021/fiches/1").await;
    assert!(
        page.corps.contains("name=\"titre\" value=") && page.corps.contains("maxlength=\"300\""),
        "{}",
        page.corps
    );
    let version = champ_cache(&page.corps, "version").unwrap();
    let titre = "é".repeat(301);
    let r = navigateur
        .post(
            "/contrats/essai-2021/fiches/1",
            &[("version", &version), ("titre", &titre)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte().contains(
            "Le champ « titre » dépasse 300 caractères (301 caractères) : raccourcissez-le."
        ),
        "{}",
        r.texte()
    );
    let note = "n".repeat(10_001);
    let r = navigateur
        .post(
            "/contrats/essai-2021/fiches/1/notes",
            &[("version", &version), ("texte", &note)],
        )
        .await;
    assert!(
        r.texte()
            .contains("Le champ « texte » dépasse 10000 caractères"),
        "{}",
        r.texte()
    );
    let fiche = contrat::fiche::lire(
        &appli.store,
        &Auteur::ligne_de_commande(),
        &"essai-2021".parse().unwrap(),
        "1",
    )
    .await
    .unwrap();
    assert_eq!(fiche.version.to_string(), version, "rien n'est enregistré");
}

/// Error pages speak French, and a refusal offers to sign in (or to change account).
#[tokio::test]
async fn les_pages_d_erreur_sont_en_francais_et_un_refus_propose_de_se_connecter() {
    let appli = appli("http://localhost:3000").await;
    pilote_store::contrat::creer(
        &appli.store,
        &crate::support::application::contrat("essai-2022", true, &["02722"], 1),
    )
    .await
    .unwrap();
    let mut public = appli.navigateur();
    let r = public.get("/nulle-part").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.corps.contains("<h1>Page introuvable</h1>"), "{}", r.corps);
    assert!(!r.corps.contains("Se connecter, ou changer de compte"));
    let champs = [("version", "1"), ("statut", "en-cours")];
    let r = public
        .post("/contrats/essai-2022/fiches/1/avancement", &champs)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.texte().contains("<h1>Accès refusé</h1>"), "{}", r.corps);
    assert!(
        r.corps
            .contains("href=\"/connexion\">Se connecter, ou changer de compte")
    );
}

/// The public, on a page that needs an account, is sent to sign in, then back there; a
/// signed-in person without the right gets the French 403; the API answers 403 in JSON.
#[tokio::test]
async fn le_public_est_invite_a_se_connecter_puis_ramene() {
    let appli = appli("http://localhost:3000").await;
    let mut public = appli.navigateur();
    let r = public.get("/contrats/nouveau?depuis=accueil").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.redirection(),
        Some("/connexion?suite=%2Fcontrats%2Fnouveau%3Fdepuis%3Daccueil")
    );
    let page = public.get(r.redirection().unwrap()).await;
    assert_eq!(
        champ_cache(&page.corps, "suite").as_deref(),
        Some("/contrats/nouveau?depuis=accueil")
    );
    let r = public
        .post(
            "/connexion",
            &[
                ("email", "coord@soissons.fr"),
                ("mot_de_passe", MDP),
                ("suite", "/contrats/nouveau?depuis=accueil"),
            ],
        )
        .await;
    assert_eq!(r.redirection(), Some("/contrats/nouveau?depuis=accueil"));
    // A coordinator does not create contracts: refused, in French, with a way to change
    // account.
    let r = public.get("/contrats/nouveau?depuis=accueil").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.texte().contains("<h1>Accès refusé</h1>"), "{}", r.corps);

    let mut public = appli.navigateur();
    let r = public.get("/api/v1/contrats/essai-2021").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.corps.starts_with("{\"erreur\":"), "{}", r.corps);
}

/// What axum cannot read (a path that does not decode, a query string or a form of the wrong
/// shape) is refused in French, as a page or, under `/api/`, as JSON.
#[tokio::test]
async fn une_adresse_ou_un_formulaire_illisible_est_refuse_en_francais() {
    let appli = appli("http://localhost:3000").await;
    let mut public = appli.navigateur();
    let r = public.get("/contrats/%FF%FE").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.texte().contains("Adresse illisible"), "{}", r.corps);
    let r = public.get("/api/v1/contrats/%FF").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.corps.starts_with("{\"erreur\":\"Adresse illisible"),
        "{}",
        r.corps
    );
    let r = public.get("/api/v1/contrats?page=1&page=2").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.corps.contains("Paramètres de l'adresse illisibles"),
        "{}",
        r.corps
    );
    let r = public
        .post("/connexion", &[("email", "a@b.fr"), ("email", "c@d.fr")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte()
            .contains("Formulaire illisible (champ « email » en double)"),
        "{}",
        r.corps
    );
}
