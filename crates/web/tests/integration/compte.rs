//! One's own account: a provisional password (`pilote user add`, `serve --admin-email`,
//! `pilote user reset`) is changed at the first sign-in before anything else; the account page
//! shows one's roles, changes one's password (the other sessions closed) and signs out of
//! every session; refused input is shown again in French with nothing changed. On SQLite, and
//! on PostgreSQL when `PILOTE_TEST_POSTGRES_URL` names a server.

use axum::http::StatusCode;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::{administration, compte, contrat, journal};

use crate::support::application::{Appli, Navigateur, contrat as contrat_essai};

const MDP: &str = "un mot de passe assez long";
const NOUVEAU: &str = "une phrase que moi seule connais";

/// An application with an unpublished contract of three fiches-actions (Soissons, in the
/// Aisne, région Hauts-de-France).
async fn appli() -> Appli {
    let appli = Appli::demarrer("http://localhost", None).await;
    preparer(&appli).await;
    appli
}

async fn preparer(appli: &Appli) {
    contrat::creer(
        &appli.store,
        &contrat_essai("essai-2021", false, &["02722"], 3),
    )
    .await
    .unwrap();
}

/// An account created with a provisional password, as `pilote user add` does; returns it.
async fn provisoire(appli: &Appli, email: &str, roles: &[&str]) -> String {
    let roles: Vec<Role> = roles.iter().map(|r| Role::parse(r).unwrap()).collect();
    compte::creer_avec_mot_de_passe_provisoire(
        &appli.store,
        &Email::parse(email).unwrap(),
        Some("Nina Nouvelle"),
        &roles,
    )
    .await
    .unwrap()
}

/// An account whose password its holder chose.
async fn choisi(appli: &Appli, email: &str) {
    compte::creer(
        &appli.store,
        &Email::parse(email).unwrap(),
        None,
        MDP,
        &[Role::parse("coordinateur:essai-2021").unwrap()],
    )
    .await
    .unwrap();
}

/// Whether a sign-in with this password succeeds, in a browser of its own.
async fn se_connecte(appli: &Appli, email: &str, mot_de_passe: &str) -> bool {
    let mut navigateur = appli.navigateur();
    let reponse = navigateur
        .post(
            "/connexion",
            &[("email", email), ("mot_de_passe", mot_de_passe)],
        )
        .await;
    reponse.status == StatusCode::SEE_OTHER
}

/// Whether this browser is still signed in: its account page answers, not the sign-in page.
async fn connecte(navigateur: &mut Navigateur<'_>) -> bool {
    let reponse = navigateur.get("/compte").await;
    match reponse.status {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => {
            assert_eq!(reponse.redirection(), Some("/connexion?suite=%2Fcompte"));
            false
        }
        autre => panic!("GET /compte → {autre}"),
    }
}

/// How many journal entries record a password change.
async fn changements_journalises(appli: &Appli) -> usize {
    journal::dernieres(&appli.store, 200)
        .await
        .unwrap()
        .iter()
        .filter(|e| {
            e.detail
                .as_deref()
                .is_some_and(|d| d.starts_with("mot de passe changé"))
        })
        .count()
}

async fn un_mot_de_passe_provisoire_se_change_avant_tout_le_reste(appli: &Appli) {
    let email = "nina@soissons.fr";
    let donne = provisoire(appli, email, &["coordinateur:essai-2021"]).await;
    let mut nina = appli.navigateur();
    nina.connecter(email, &donne).await;

    // Every page leads to the change page, the one asked for kept for afterwards.
    for (page, suite) in [
        ("/contrats/essai-2021", "%2Fcontrats%2Fessai-2021"),
        ("/", "%2F"),
        ("/compte", "%2Fcompte"),
        (
            "/contrats/essai-2021/strategie?x=1",
            "%2Fcontrats%2Fessai-2021%2Fstrategie%3Fx%3D1",
        ),
    ] {
        let reponse = nina.get(page).await;
        assert_eq!(reponse.status, StatusCode::SEE_OTHER, "{page}");
        assert_eq!(
            reponse.redirection(),
            Some(format!("/compte/mot-de-passe?suite={suite}").as_str()),
            "{page}"
        );
    }
    // A form sent meanwhile is not processed: signing out everywhere waits too.
    let reponse = nina.post("/compte/sessions", &[]).await;
    assert_eq!(
        reponse.redirection(),
        Some("/compte/mot-de-passe?suite=%2F")
    );
    assert_eq!(
        nina.get("/api/v1/contrats/essai-2021").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        nina.get("/assets/000000000000/pilote.css").await.status,
        StatusCode::OK
    );

    let page = nina
        .get("/compte/mot-de-passe?suite=%2Fcontrats%2Fessai-2021")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let texte = page.texte();
    assert!(
        texte.contains("fr-alert fr-alert--warning")
            && texte.contains("Choisissez votre mot de passe avant de continuer")
            && texte.contains("vous a été remis par un administrateur : il est provisoire"),
        "{texte}"
    );
    assert!(
        texte.contains(r#"name="suite" value="/contrats/essai-2021""#),
        "{texte}"
    );

    // Changed: on to the page first asked for, which now answers.
    let reponse = nina
        .post(
            "/compte/mot-de-passe",
            &[
                ("actuel", donne.as_str()),
                ("nouveau", NOUVEAU),
                ("confirmation", NOUVEAU),
                ("suite", "/contrats/essai-2021"),
            ],
        )
        .await;
    assert_eq!(reponse.status, StatusCode::SEE_OTHER, "{}", reponse.texte());
    assert_eq!(reponse.redirection(), Some("/contrats/essai-2021"));
    assert_eq!(
        nina.get("/contrats/essai-2021").await.status,
        StatusCode::OK
    );
    let page = nina.get("/compte/mot-de-passe").await;
    assert!(!page.texte().contains("avant de continuer"));

    // The password given no longer opens anything; the one chosen does, and leads anywhere.
    assert!(!se_connecte(appli, email, &donne).await);
    let mut ailleurs = appli.navigateur();
    ailleurs.connecter(email, NOUVEAU).await;
    assert_eq!(ailleurs.get("/").await.status, StatusCode::OK);
    assert_eq!(changements_journalises(appli).await, 1);

    // A reset issues another provisional password and closes every session.
    let reinitialise =
        administration::reinitialiser_par_adresse(&appli.store, &Email::parse(email).unwrap())
            .await
            .unwrap();
    assert!(!connecte(&mut nina).await);
    assert!(!connecte(&mut ailleurs).await);
    assert!(!se_connecte(appli, email, NOUVEAU).await);
    let mut encore = appli.navigateur();
    encore.connecter(email, &reinitialise).await;
    assert_eq!(
        encore.get("/").await.redirection(),
        Some("/compte/mot-de-passe?suite=%2F")
    );
}

async fn changer_de_mot_de_passe_ferme_les_autres_sessions(appli: &Appli) {
    let email = "claire@soissons.fr";
    choisi(appli, email).await;
    let (mut ici, mut la_bas) = (appli.navigateur(), appli.navigateur());
    ici.connecter(email, MDP).await;
    la_bas.connecter(email, MDP).await;
    // A page read by the other browser first: its session is kept in memory.
    assert!(connecte(&mut la_bas).await);

    let reponse = ici
        .post(
            "/compte/mot-de-passe",
            &[
                ("actuel", MDP),
                ("nouveau", NOUVEAU),
                ("confirmation", NOUVEAU),
            ],
        )
        .await;
    assert_eq!(reponse.status, StatusCode::SEE_OTHER, "{}", reponse.texte());
    assert_eq!(reponse.redirection(), Some("/compte?fait=mot-de-passe"));
    let page = ici.get("/compte?fait=mot-de-passe").await;
    assert!(
        page.texte()
            .contains("Votre mot de passe est changé. Vos autres sessions ont été fermées."),
        "{}",
        page.texte()
    );
    assert!(
        page.texte()
            .contains("Une seule session est ouverte sur ce compte : celle-ci."),
        "{}",
        page.texte()
    );
    // This browser stays signed in, the other is signed out.
    assert!(connecte(&mut ici).await);
    assert!(!connecte(&mut la_bas).await);
    assert!(!se_connecte(appli, email, MDP).await);
    assert!(se_connecte(appli, email, NOUVEAU).await);
}

async fn se_deconnecter_partout_ferme_les_sessions_des_autres_navigateurs(appli: &Appli) {
    let email = "paul@soissons.fr";
    choisi(appli, email).await;
    let (mut ici, mut la_bas) = (appli.navigateur(), appli.navigateur());
    ici.connecter(email, MDP).await;
    la_bas.connecter(email, MDP).await;
    assert!(connecte(&mut la_bas).await);
    assert_eq!(
        la_bas.get("/contrats/essai-2021").await.status,
        StatusCode::OK
    );
    let page = ici.get("/compte").await;
    assert!(
        page.texte()
            .contains("2 sessions sont ouvertes sur ce compte, celle-ci comprise."),
        "{}",
        page.texte()
    );
    assert!(
        page.texte()
            .contains("Se déconnecter de toutes les sessions")
    );

    let reponse = ici.post("/compte/sessions", &[]).await;
    assert_eq!(reponse.status, StatusCode::SEE_OTHER);
    assert_eq!(reponse.redirection(), Some("/"));
    assert!(!ici.cookies.contains_key("pilote_session"));
    assert!(!connecte(&mut la_bas).await);
    // The other browser is the public again: the unpublished contract is out of its sight.
    assert_eq!(
        la_bas.get("/contrats/essai-2021").await.status,
        StatusCode::NOT_FOUND
    );
    // The password still opens a new session.
    assert!(se_connecte(appli, email, MDP).await);
    let entrees = journal::dernieres(&appli.store, 20).await.unwrap();
    assert!(
        entrees.iter().any(|e| e.action == "déconnexion"
            && e.qui == email
            && e.detail.as_deref() == Some("toutes les sessions du compte (2)")),
        "{entrees:#?}"
    );
}

async fn une_saisie_refusee_revient_en_francais_sans_rien_changer(appli: &Appli) {
    let email = "rose@soissons.fr";
    choisi(appli, email).await;
    let (mut ici, mut la_bas) = (appli.navigateur(), appli.navigateur());
    ici.connecter(email, MDP).await;
    la_bas.connecter(email, MDP).await;
    let avant = changements_journalises(appli).await;
    for (actuel, nouveau, confirmation, champ, message) in [
        (
            "pas le bon mot de passe",
            NOUVEAU,
            NOUVEAU,
            "actuel",
            "Mot de passe actuel incorrect.",
        ),
        (
            "",
            NOUVEAU,
            NOUVEAU,
            "actuel",
            "Indiquez votre mot de passe actuel.",
        ),
        (
            MDP,
            "court",
            "court",
            "nouveau",
            "Mot de passe trop court : 12 caractères au moins.",
        ),
        (
            MDP,
            MDP,
            MDP,
            "nouveau",
            "Choisissez un mot de passe différent de l'actuel.",
        ),
        (
            MDP,
            NOUVEAU,
            "une autre phrase encore",
            "confirmation",
            "Les deux saisies du nouveau mot de passe sont différentes",
        ),
    ] {
        // From the account page, and from the change page (which keeps its `suite`).
        for suite in [None, Some("/contrats/essai-2021")] {
            let mut champs = vec![
                ("actuel", actuel),
                ("nouveau", nouveau),
                ("confirmation", confirmation),
            ];
            if let Some(suite) = suite {
                champs.push(("suite", suite));
            }
            let reponse = ici.post("/compte/mot-de-passe", &champs).await;
            let texte = reponse.texte();
            assert_eq!(reponse.status, StatusCode::BAD_REQUEST, "{champ} : {texte}");
            assert!(texte.contains(message), "{champ} : {texte}");
            let id = format!("mot-de-passe-{champ}");
            assert!(
                texte.contains(&format!(r#"id="{id}" name="{champ}" autocomplete"#))
                    && texte.contains(&format!(
                        r#"aria-invalid="true" aria-describedby="{id}-erreur""#
                    ))
                    && texte.contains(&format!(r#"<p id="{id}-erreur" class="fr-error-text">"#))
                    && texte.contains("fr-input-group fr-input-group--error"),
                "{champ} : {texte}"
            );
            assert_eq!(texte.matches("fr-input-group--error").count(), 1, "{texte}");
            // Nothing typed comes back.
            assert!(!texte.contains(NOUVEAU) && !texte.contains(MDP), "{texte}");
            match suite {
                None => assert!(texte.contains("<h1>Mon compte</h1>"), "{texte}"),
                Some(suite) => {
                    assert!(texte.contains("<h1>Changer de mot de passe</h1>"));
                    assert!(texte.contains(&format!(r#"name="suite" value="{suite}""#)));
                }
            }
        }
    }
    // Nothing changed: the password, the other session, the journal.
    assert!(se_connecte(appli, email, MDP).await);
    assert!(!se_connecte(appli, email, NOUVEAU).await);
    assert!(connecte(&mut la_bas).await);
    assert_eq!(changements_journalises(appli).await, avant);
}

async fn la_page_du_compte_dit_les_roles_en_clair(appli: &Appli) {
    let email = "agathe@soissons.fr";
    let donne = provisoire(
        appli,
        email,
        &[
            "ars:region:32",
            "coordinateur:essai-2021",
            "pilote:essai-2021:2",
        ],
    )
    .await;
    let mut agathe = appli.navigateur();
    agathe.connecter(email, &donne).await;
    let champs = [
        ("actuel", donne.as_str()),
        ("nouveau", NOUVEAU),
        ("confirmation", NOUVEAU),
        ("suite", "/compte"),
    ];
    let reponse = agathe.post("/compte/mot-de-passe", &champs).await;
    assert_eq!(reponse.redirection(), Some("/compte"));
    let page = agathe.get("/compte").await;
    let texte = page.texte();
    for attendu in [
        "<h1>Mon compte</h1>",
        "Nina Nouvelle",
        "agathe@soissons.fr",
        "<strong>Agent ARS</strong> — région Hauts-de-France (32)",
        r#"<strong>Coordinateur</strong> — <a href="/contrats/essai-2021">contrat « CLS d'essai essai-2021 »</a>"#,
        r#"<strong>Pilote d'action</strong> — <a href="/contrats/essai-2021/fiches/2">fiche-action n°2 « Action 2 de essai-2021 », contrat « CLS d'essai essai-2021 »</a>"#,
        r#"href="/compte">Mon compte</a>"#,
    ] {
        assert!(texte.contains(attendu), "{attendu} : {texte}");
    }
}

async fn le_public_est_envoye_se_connecter(appli: &Appli) {
    let mut public = appli.navigateur();
    let reponse = public.get("/compte").await;
    assert_eq!(reponse.redirection(), Some("/connexion?suite=%2Fcompte"));
    let reponse = public.get("/compte/mot-de-passe").await;
    assert_eq!(
        reponse.redirection(),
        Some("/connexion?suite=%2Fcompte%2Fmot-de-passe")
    );
    for chemin in ["/compte/sessions", "/compte/mot-de-passe"] {
        let reponse = public
            .post(chemin, &[("actuel", MDP), ("nouveau", NOUVEAU)])
            .await;
        assert_eq!(reponse.status, StatusCode::FORBIDDEN, "{chemin}");
        assert!(
            reponse.texte().contains("Connectez-vous"),
            "{}",
            reponse.texte()
        );
    }
}

#[tokio::test]
async fn un_premier_mot_de_passe_doit_etre_change_a_la_premiere_connexion() {
    un_mot_de_passe_provisoire_se_change_avant_tout_le_reste(&appli().await).await;
}

#[tokio::test]
async fn changer_son_mot_de_passe_ferme_ses_autres_sessions() {
    changer_de_mot_de_passe_ferme_les_autres_sessions(&appli().await).await;
}

#[tokio::test]
async fn se_deconnecter_partout_ferme_une_session_ouverte_ailleurs() {
    se_deconnecter_partout_ferme_les_sessions_des_autres_navigateurs(&appli().await).await;
}

#[tokio::test]
async fn un_changement_refuse_est_explique_champ_par_champ_et_ne_change_rien() {
    une_saisie_refusee_revient_en_francais_sans_rien_changer(&appli().await).await;
}

#[tokio::test]
async fn la_page_du_compte_montre_les_roles_et_leur_portee() {
    la_page_du_compte_dit_les_roles_en_clair(&appli().await).await;
}

#[tokio::test]
async fn le_compte_du_public_mene_a_la_connexion() {
    le_public_est_envoye_se_connecter(&appli().await).await;
}

/// Every scenario above on one PostgreSQL database.
#[tokio::test]
async fn le_compte_sur_postgresql() {
    let nom = format!("pilote_compte_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : scénario PostgreSQL non exécuté");
        return;
    };
    preparer(&appli).await;
    un_mot_de_passe_provisoire_se_change_avant_tout_le_reste(&appli).await;
    changer_de_mot_de_passe_ferme_les_autres_sessions(&appli).await;
    se_deconnecter_partout_ferme_les_sessions_des_autres_navigateurs(&appli).await;
    une_saisie_refusee_revient_en_francais_sans_rien_changer(&appli).await;
    la_page_du_compte_dit_les_roles_en_clair(&appli).await;
    le_public_est_envoye_se_connecter(&appli).await;
    base.supprimer(appli).await;
}
