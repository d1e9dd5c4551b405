//! Creating a contract from the form: who may, what is checked, what is kept of the input.

use crate::support::application::{Appli, Navigateur, champ_cache, elements};
use axum::http::StatusCode;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::compte;

const MDP: &str = "un mot de passe assez long";

async fn appli() -> Appli {
    let appli = Appli::demarrer("http://localhost", None).await;
    for (email, role) in [
        ("ars@normandie.fr", "ars:region:28"),
        ("ars@hdf.fr", "ars:region:32"),
        ("partenaire@caen.fr", "partenaire:essai-2025"),
    ] {
        let roles: Vec<Role> = if role.starts_with("partenaire") {
            vec![]
        } else {
            vec![Role::parse(role).unwrap()]
        };
        compte::creer(
            &appli.store,
            &Email::parse(email).unwrap(),
            None,
            MDP,
            &roles,
        )
        .await
        .unwrap();
    }
    appli
}

/// The Normandy ARS agent, signed in, with contract essai-2025 created on Caen la Mer.
async fn ars_et_contrat(appli: &Appli) -> Navigateur<'_> {
    let mut ars = appli.navigateur();
    ars.connecter("ars@normandie.fr", MDP).await;
    let champs = [
        ("identifiant", "essai-2025"),
        ("nom", "CLS de Caen"),
        ("generation", "1"),
        ("epci", "200065597"),
    ];
    assert_eq!(
        ars.post("/contrats", &champs).await.status,
        StatusCode::SEE_OTHER
    );
    ars
}

/// The version essai-2025 is at, as its page gives it to forms.
async fn version_actuelle(ars: &mut Navigateur<'_>) -> String {
    champ_cache(
        &ars.get("/contrats/essai-2025/gouvernance").await.corps,
        "version",
    )
    .unwrap()
}

/// Adds axis 1 and its fiche-action 1.1 to essai-2025.
async fn avec_une_fiche(ars: &mut Navigateur<'_>) {
    let v = version_actuelle(ars).await;
    let r = ars
        .post(
            "/contrats/essai-2025/axes",
            &[("version", &v), ("titre", "Accès aux soins")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let v = version_actuelle(ars).await;
    let strategie = ars.get("/contrats/essai-2025/strategie").await.corps;
    let axe = format!("axe-{}", elements(&strategie, "axe")[0]);
    let r = ars
        .post(
            "/contrats/essai-2025/fiches",
            &[("version", &v), ("place", &axe), ("titre", "Internes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn un_agent_ars_cree_un_contrat_sur_son_territoire() {
    let appli = appli().await;
    let mut ars = appli.navigateur();
    ars.connecter("ars@normandie.fr", MDP).await;
    assert!(
        ars.get("/contrats")
            .await
            .corps
            .contains("href=\"/contrats/nouveau\"")
    );
    let page = ars.get("/contrats/nouveau").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(champ_cache(&page.corps, "generation").as_deref(), Some("1"));

    let r = ars
        .post(
            "/contrats",
            &[
                ("identifiant", "essai-2025"),
                ("nom", "CLS de Caen la Mer"),
                ("generation", "1"),
                ("debut", "2025"),
                ("fin", "2029"),
                ("statut", "en-elaboration"),
                ("epci", "200065597"),
                ("communes", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some("/contrats/essai-2025/pilotage?fait=creation")
    );
    let page = ars.get("/contrats/essai-2025/pilotage?fait=creation").await;
    assert!(page.texte().contains("Le contrat est créé, non publié."));
    assert!(page.texte().contains("CLS de Caen la Mer"));
    // Unpublished: the public does not see it.
    assert_eq!(
        appli.navigateur().get("/contrats/essai-2025").await.status,
        StatusCode::NOT_FOUND
    );

    // The same identifier again: refused on that field, the input kept.
    let r = ars
        .post(
            "/contrats",
            &[
                ("identifiant", "essai-2025"),
                ("nom", "Autre"),
                ("generation", "1"),
                ("communes", "14118"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte().contains("Un contrat « essai-2025 » existe déjà."),
        "{}",
        r.texte()
    );
    assert!(r.corps.contains("aria-describedby=\"identifiant-erreur\""));
    assert!(r.corps.contains(">14118</textarea>"));
}

#[tokio::test]
async fn hors_de_son_perimetre_ou_sans_role_on_ne_cree_rien() {
    let appli = appli().await;
    let mut ars = appli.navigateur();
    ars.connecter("ars@hdf.fr", MDP).await;
    let r = ars
        .post(
            "/contrats",
            &[
                ("identifiant", "essai-2025"),
                ("nom", "Caen"),
                ("generation", "1"),
                ("communes", "14118"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.texte()
            .contains("pas le droit de créer un contrat sur ce territoire")
    );

    let mut autre = appli.navigateur();
    autre.connecter("partenaire@caen.fr", MDP).await;
    assert_eq!(
        autre.get("/contrats/nouveau").await.status,
        StatusCode::FORBIDDEN
    );
    let r = autre
        .post(
            "/contrats",
            &[
                ("identifiant", "essai-2025"),
                ("nom", "Caen"),
                ("generation", "1"),
                ("communes", "14118"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        !autre
            .get("/contrats")
            .await
            .corps
            .contains("/contrats/nouveau")
    );

    let mut admin = appli.navigateur();
    admin.connecter("ars@normandie.fr", MDP).await;
    assert_eq!(
        admin.get("/contrats/essai-2025").await.status,
        StatusCode::NOT_FOUND,
        "rien n'a été écrit"
    );
}

#[tokio::test]
async fn les_champs_fautifs_sont_signales_un_par_un() {
    let appli = appli().await;
    let mut ars = appli.navigateur();
    ars.connecter("ars@normandie.fr", MDP).await;
    let r = ars
        .post(
            "/contrats",
            &[
                ("identifiant", "Caen 2025"),
                ("nom", ""),
                ("generation", "0"),
                ("debut", "2029"),
                ("fin", "2025"),
                ("epci", "123456789"),
                ("communes", "14118 99999"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let texte = r.texte();
    for (champ, message) in [
        ("identifiant", "Caen 2025"),
        ("nom", "Indiquez le nom du contrat."),
        ("generation", "de 1 à 20"),
        ("fin", "avant de commencer"),
        ("epci", "123456789"),
        ("communes", "99999"),
    ] {
        assert!(
            r.corps.contains(&format!("id=\"{champ}-erreur\"")),
            "{champ}"
        );
        assert!(texte.contains(message), "{champ} : {message}");
    }
    // What was typed is kept.
    assert!(r.corps.contains("value=\"Caen 2025\""));
    assert!(r.corps.contains(">14118 99999</textarea>"));

    // A territory the geography does not know: said at the top, nothing written.
    let r = ars
        .post(
            "/contrats",
            &[
                ("identifiant", "essai-2026"),
                ("nom", "Essai"),
                ("generation", "1"),
                ("communes", "14999"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("14999"), "{}", r.texte());
}

#[tokio::test]
async fn une_modification_fondee_sur_une_version_perimee_est_refusee_sans_rien_perdre() {
    let appli = appli().await;
    let mut ars = ars_et_contrat(&appli).await;

    let formulaire = ars.get("/contrats/essai-2025/modifier").await;
    assert_eq!(formulaire.status, StatusCode::OK);
    assert_eq!(
        champ_cache(&formulaire.corps, "version").as_deref(),
        Some("1")
    );
    assert!(formulaire.corps.contains(">200065597</textarea>"));

    // A colleague saves first, from the same version.
    let mut collegue = appli.navigateur();
    collegue.connecter("ars@normandie.fr", MDP).await;
    let r = collegue
        .post(
            "/contrats/essai-2025",
            &[
                ("version", "1"),
                ("nom", "CLS de Caen la Mer"),
                ("generation", "1"),
                ("statut", "en-elaboration"),
                ("epci", "200065597"),
                ("communes", "76540"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let page = collegue
        .get("/contrats/essai-2025/pilotage?fait=modification")
        .await;
    assert!(
        page.texte()
            .contains("Les modifications sont enregistrées.")
    );
    let texte = collegue.get("/contrats/essai-2025").await.texte();
    for vu in [
        "CLS de Caen → CLS de Caen la Mer",
        "— → En élaboration",
        "— → 76540",
    ] {
        let (avant, apres) = vu.split_once(" → ").unwrap();
        assert!(
            texte.contains(&format!("<td>{avant}</td><td>{apres}</td>")),
            "{vu}"
        );
    }

    // The stale save: refused, told what changed, what was typed kept, nothing written.
    let r = ars
        .post(
            "/contrats/essai-2025",
            &[
                ("version", "1"),
                ("nom", "Mon nom"),
                ("generation", "1"),
                ("epci", "200065597"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let texte = r.texte();
    assert!(
        texte.contains("modifié entre-temps (version 1 → 2)"),
        "{texte}"
    );
    assert!(
        texte.contains("nom : CLS de Caen → CLS de Caen la Mer (ars@normandie.fr)"),
        "{texte}"
    );
    assert!(r.corps.contains("value=\"Mon nom\""));
    assert_eq!(champ_cache(&r.corps, "version").as_deref(), Some("2"));
    let relu = ars.get("/contrats/essai-2025").await;
    assert!(relu.texte().contains("CLS de Caen la Mer"));
    // Saved again, knowingly, from the version the refusal gave.
    let r = ars
        .post(
            "/contrats/essai-2025",
            &[
                ("version", "2"),
                ("nom", "Mon nom"),
                ("generation", "1"),
                ("epci", "200065597"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());

    // Out of the author's scope, or without rights: refused.
    let r = ars
        .post(
            "/contrats/essai-2025",
            &[
                ("version", "3"),
                ("nom", "Mon nom"),
                ("generation", "1"),
                ("communes", "02722"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.texte().contains("sort de votre périmètre"),
        "{}",
        r.texte()
    );
    let r = ars
        .post(
            "/contrats/essai-2025",
            &[("nom", "Sans version"), ("generation", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("Version du contrat absente"));
    let mut ailleurs = appli.navigateur();
    ailleurs.connecter("ars@hdf.fr", MDP).await;
    assert_eq!(
        ailleurs.get("/contrats/essai-2025/modifier").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        appli
            .navigateur()
            .get("/contrats/essai-2025/modifier")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn le_budget_et_les_indicateurs_d_une_fiche_se_saisissent_champ_par_champ() {
    let appli = appli().await;
    let mut ars = ars_et_contrat(&appli).await;
    avec_une_fiche(&mut ars).await;
    let version = |page: &str| champ_cache(page, "version").unwrap();

    let v = version(&ars.get("/contrats/essai-2025/fiches/1.1").await.corps);
    let r = ars
        .post(
            "/contrats/essai-2025/fiches/1.1/budget",
            &[
                ("version", &v),
                ("annee", "2025"),
                ("financeur", "ARS Normandie"),
                ("nature", "investissement"),
                ("previsionnel", "120 000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let v = version(&ars.get("/contrats/essai-2025/fiches/1.1").await.corps);
    let r = ars
        .post(
            "/contrats/essai-2025/fiches/1.1/indicateurs",
            &[
                ("version", &v),
                ("libelle", "Médecins installés"),
                ("type", "resultat"),
                ("unite", "médecins"),
                ("valeur_initiale", "2"),
                ("cible_annee", "2027"),
                ("cible_valeur", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some("/contrats/essai-2025/fiches/1.1?fait=indicateurs#indicateurs")
    );
    let page = ars
        .get("/contrats/essai-2025/fiches/1.1?fait=indicateurs")
        .await;
    let texte = page.texte();
    for attendu in [
        "Les indicateurs sont enregistrés.",
        "Budget de la fiche-action n°1.1",
        "ARS Normandie",
        "120\u{202f}000\u{a0}€",
        "Indicateur de résultat : Médecins installés (médecins), valeur initiale 2",
        "<td>2027</td><td>Cible</td><td class=\"pilote-nombre\">5</td>",
    ] {
        assert!(texte.contains(attendu), "{attendu}");
    }

    // Each fault beside its field, what was typed kept, nothing written.
    let v = version(&page.corps);
    for (champs, champ, message) in [
        (
            vec![
                ("annee", "2025"),
                ("nature", "fonctionnement"),
                ("previsionnel", "10"),
            ],
            "financeur",
            "Indiquez le financeur.",
        ),
        (
            vec![
                ("annee", "vingt"),
                ("financeur", "CPAM"),
                ("nature", "fonctionnement"),
            ],
            "annee",
            "« vingt » n'est pas une année",
        ),
        (
            vec![
                ("annee", "2025"),
                ("financeur", "CPAM"),
                ("nature", "fonctionnement"),
            ],
            "previsionnel",
            "montant prévisionnel ou réalisé",
        ),
        (
            vec![
                ("annee", "2025"),
                ("financeur", "CPAM"),
                ("nature", "don"),
                ("realise", "5"),
            ],
            "nature",
            "« don »",
        ),
        (
            vec![
                ("annee", "2025"),
                ("financeur", "CPAM"),
                ("nature", "fonctionnement"),
                ("realise", "-5"),
            ],
            "realise",
            "-5",
        ),
    ] {
        let mut champs = champs;
        champs.push(("version", &v));
        let r = ars
            .post("/contrats/essai-2025/fiches/1.1/budget", &champs)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{champ}");
        assert!(
            r.corps
                .contains(&format!("aria-describedby=\"budget-1.1-{champ}-erreur\"")),
            "{champ}"
        );
        assert!(r.texte().contains(message), "{champ} : {message}");
        assert!(
            r.corps.contains(&format!(
                "aria-describedby=\"budget-1.1-{champ}-erreur\" autofocus"
            )),
            "le champ fautif reçoit le focus"
        );
    }
    let r = ars
        .post(
            "/contrats/essai-2025/fiches/1.1/indicateurs",
            &[
                ("version", &v),
                ("libelle", "Consultations"),
                ("type", "resultat"),
                ("cible_annee", "2027"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("Indiquez la valeur cible."));
    assert!(r.corps.contains("value=\"Consultations\""));
    let relu = ars.get("/contrats/essai-2025").await;
    assert_eq!(
        relu.texte()
            .matches("Budget de la fiche-action n°1.1")
            .count(),
        1
    );
    assert!(!relu.texte().contains("CPAM"));
}

#[tokio::test]
async fn un_copil_se_reunit_et_ses_decisions_renvoient_aux_fiches() {
    let appli = appli().await;
    let mut ars = ars_et_contrat(&appli).await;
    avec_une_fiche(&mut ars).await;
    let version = |page: &str| champ_cache(page, "version").unwrap();
    let v = version(&ars.get("/contrats/essai-2025/gouvernance").await.corps);
    let r = ars
        .post(
            "/contrats/essai-2025/instances",
            &[
                ("version", &v),
                ("nature", "copil"),
                ("nom", "COPIL du CLS"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let v = version(&ars.get("/contrats/essai-2025/gouvernance").await.corps);
    let reunion = |date: &'static str, decisions: &'static str| {
        vec![
            ("instance", "COPIL du CLS"),
            ("date", date),
            ("lieu", "Hôtel de ville"),
            ("ordre_du_jour", "Bilan 2025\nProgramme 2026"),
            ("presents", "ARS\nVille de Caen"),
            ("compte_rendu", "Le COPIL valide le programme."),
            ("decisions", decisions),
        ]
    };
    // Bad input first: a date that is not one, a decision naming a missing action.
    let mut champs = reunion("14 mars", "Valider le budget");
    champs.push(("version", &v));
    let r = ars.post("/contrats/essai-2025/reunions", &champs).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.corps.contains("aria-describedby=\"reunion-date-erreur\""));
    assert!(r.corps.contains(">Bilan 2025\nProgramme 2026</textarea>"));
    let mut champs = reunion("2025-03-14", "Recruter [9.9]");
    champs.push(("version", &v));
    let r = ars.post("/contrats/essai-2025/reunions", &champs).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte().contains("cite la fiche-action n°9.9"),
        "{}",
        r.texte()
    );

    let mut champs = reunion(
        "2025-03-14",
        "Valider le budget\nLancer l'accueil des internes [1.1]",
    );
    champs.push(("version", &v));
    let r = ars.post("/contrats/essai-2025/reunions", &champs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some("/contrats/essai-2025/gouvernance?fait=gouvernance#gouvernance")
    );
    let confirmee = ars
        .get("/contrats/essai-2025/gouvernance?fait=gouvernance")
        .await;
    assert!(
        confirmee
            .texte()
            .contains("La gouvernance du contrat est enregistrée.")
    );
    assert_eq!(
        confirmee.entete("hx-reswap"),
        Some("innerHTML show:#gouvernance:top"),
        "htmx, qui perd le fragment, montre la section"
    );
    let texte = ars.get("/contrats/essai-2025").await.texte();
    for attendu in [
        "COPIL du CLS",
        "Hôtel de ville",
        "Programme 2026",
        "Le COPIL valide le programme.",
        "Lancer l'accueil des internes — <a href=\"#fiche-1.1\">fiche-action n°1.1</a>",
    ] {
        assert!(texte.contains(attendu), "{attendu}");
    }
}

#[tokio::test]
async fn le_territoire_se_cherche_par_nom_et_sa_population_se_calcule() {
    let appli = appli().await;
    let mut ars = appli.navigateur();
    ars.connecter("ars@normandie.fr", MDP).await;
    let r = ars
        .post(
            "/contrats/nouveau/territoire",
            &[
                ("identifiant", "essai-2025"),
                ("nom", "CLS de Caen"),
                ("epci", "200065597"),
                ("communes", "76540"),
                ("recherche", "caen"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let texte = r.texte();
    assert!(
        texte.contains("<td>200065597</td>"),
        "l'EPCI de Caen est trouvé"
    );
    assert!(
        texte.contains("<td>14118</td>"),
        "la commune de Caen est trouvée"
    );
    assert!(
        texte.contains("Territoire choisi : CU Caen la Mer, Rouen — "),
        "ce qui est ajouté se lit par son nom : {texte}"
    );
    assert!(
        r.corps.contains("value=\"CLS de Caen\""),
        "la saisie est gardée"
    );
    assert!(
        appli
            .navigateur()
            .get("/api/v1/contrats")
            .await
            .corps
            .contains("[]"),
        "rien n'est créé"
    );

    let r = ars
        .post(
            "/contrats/nouveau/territoire",
            &[("communes", "14999 abc"), ("recherche", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.corps.contains("aria-describedby=\"communes-erreur\""));
    assert!(!r.texte().contains("Territoire choisi"));

    // Searching before choosing anything is no fault; a name typed without its accents, with
    // hyphens for spaces, in capitals, is found; nothing found is said.
    let r = ars
        .post(
            "/contrats/nouveau/territoire",
            &[("recherche", "HEROUVILLE saint clair")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let texte = r.texte();
    assert!(!texte.contains("Choisissez le territoire"), "{texte}");
    assert!(texte.contains("<td>Hérouville-Saint-Clair</td>"), "{texte}");
    let r = ars
        .post(
            "/contrats/nouveau/territoire",
            &[("recherche", "Xyzzyville")],
        )
        .await;
    assert!(
        r.texte().contains("Aucun résultat pour « Xyzzyville »"),
        "{}",
        r.texte()
    );
}
