//! The strategy page: axes, objectives and fiches-actions added, edited, reordered, moved,
//! renumbered and removed, each save checked field by field and against the version read.

use crate::support::application::{Appli, Navigateur, champ_cache};
use axum::http::StatusCode;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::{administration, compte};

const MDP: &str = "un mot de passe assez long";
const PAGE: &str = "/contrats/essai-2025/strategie";

/// An application with contract essai-2025 on Caen la Mer, created by the Normandy ARS agent
/// (signed in, returned), an agent of another région and the future pilot of fiche 2.1.
async fn appli() -> Appli {
    let appli = Appli::demarrer("http://localhost", None).await;
    for (email, role) in [
        ("ars@normandie.fr", Some("ars:region:28")),
        ("ars@hdf.fr", Some("ars:region:32")),
        ("pilote@caen.fr", None),
    ] {
        let roles: Vec<Role> = role.map(|r| Role::parse(r).unwrap()).into_iter().collect();
        let email = Email::parse(email).unwrap();
        compte::creer(&appli.store, &email, None, MDP, &roles)
            .await
            .unwrap();
    }
    appli
}

async fn ars(appli: &Appli) -> Navigateur<'_> {
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

/// How the strategy page's forms name an element (`axe-12`), found by what people call it
/// now: « axe 1 », « objectif 1.2 », « fiche 2.1 ».
fn element(page: &str, nom: &str) -> String {
    let ancre = match nom.split_once(' ') {
        Some(("axe", n)) => format!("Modifier l'axe {n}</summary>"),
        Some(("objectif", n)) => format!("Modifier l'objectif {n}</summary>"),
        Some(("fiche", n)) => format!("Rattacher la fiche-action n°{n} ailleurs</summary>"),
        _ => panic!("élément « {nom} »"),
    };
    let apres = &page[page
        .find(&ancre)
        .unwrap_or_else(|| panic!("{nom} : {page}"))..];
    let marque = "name=\"element\" value=\"";
    let valeur = &apres[apres.find(marque).unwrap() + marque.len()..];
    valeur[..valeur.find('"').unwrap()].to_owned()
}

/// The strategy page's version and `champs`, where a value `@axe 1` stands for that
/// element's designation on the page.
async fn formulaire(ars: &mut Navigateur<'_>, champs: &[(&str, &str)]) -> Vec<(String, String)> {
    let page = ars.get(PAGE).await.corps;
    let mut tous = vec![("version".to_owned(), champ_cache(&page, "version").unwrap())];
    for (nom, valeur) in champs {
        let valeur = match valeur.strip_prefix('@') {
            Some(element_nomme) => element(&page, element_nomme),
            None => (*valeur).to_owned(),
        };
        tous.push(((*nom).to_owned(), valeur));
    }
    tous
}

/// Posts `champs` to `chemin` with the version the strategy page gives, expects a save.
async fn enregistrer(ars: &mut Navigateur<'_>, chemin: &str, champs: &[(&str, &str)]) {
    let tous = formulaire(ars, champs).await;
    let tous: Vec<(&str, &str)> = tous.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let r = ars
        .post(&format!("/contrats/essai-2025{chemin}"), &tous)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{chemin} : {}", r.texte());
    // An addition goes back to the forms, to add the next; any other change to the tree.
    let section = match chemin {
        "/axes" | "/objectifs" | "/fiches" => "ajouts",
        _ => "strategie",
    };
    assert_eq!(
        r.redirection(),
        Some(format!("/contrats/essai-2025/strategie?fait={section}#{section}").as_str())
    );
}

/// Posts `champs` with the current version, expects a refusal with `message`.
async fn refuse(ars: &mut Navigateur<'_>, chemin: &str, champs: &[(&str, &str)], message: &str) {
    let tous = formulaire(ars, champs).await;
    let tous: Vec<(&str, &str)> = tous.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let r = ars
        .post(&format!("/contrats/essai-2025{chemin}"), &tous)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{chemin}");
    assert!(r.texte().contains(message), "{message} : {}", r.texte());
}

/// The fiches-actions in the order the contract page shows them, from their cards' titles:
/// « 1.1 Titre ».
async fn fiches(ars: &mut Navigateur<'_>) -> Vec<String> {
    let texte = ars.get("/contrats/essai-2025").await.texte();
    texte
        .split("id=\"titre-fiche-")
        .skip(1)
        .filter_map(|bout| {
            let (numero, reste) = bout.split_once("\">")?;
            let (titre, _) = reste.split_once('<')?;
            Some(format!("{numero} {titre}"))
        })
        .collect()
}

/// Axis 1 « Accès aux soins » with general objective 1.1 and its specific objective 1.2,
/// axis 2 « Mobilité » (transversal); fiches 1.1 on objective 1.2, 1.2 on axis 1, 2.1 on axis 2.
async fn strategie(ars: &mut Navigateur<'_>) {
    enregistrer(ars, "/axes", &[("titre", "Accès aux soins")]).await;
    enregistrer(
        ars,
        "/axes",
        &[("titre", "Mobilité"), ("transversal", "oui")],
    )
    .await;
    enregistrer(
        ars,
        "/objectifs",
        &[
            ("place", "@axe 1"),
            ("niveau", "general"),
            ("libelle", "Renforcer l'offre de premier recours"),
        ],
    )
    .await;
    enregistrer(
        ars,
        "/objectifs",
        &[
            ("place", "@objectif 1.1"),
            ("niveau", "specifique"),
            ("libelle", "Attirer des médecins"),
        ],
    )
    .await;
    for (place, titre) in [
        ("@objectif 1.2", "Accueillir les internes"),
        ("@axe 1", "Une maison de santé"),
        ("@axe 2", "Transport solidaire"),
    ] {
        enregistrer(ars, "/fiches", &[("place", place), ("titre", titre)]).await;
    }
}

#[tokio::test]
async fn l_arbre_se_construit_sous_les_axes_et_les_objectifs() {
    let appli = appli().await;
    let mut ars = ars(&appli).await;
    strategie(&mut ars).await;
    let page = ars.get(PAGE).await.texte();
    for attendu in [
        "Axe 1 — Accès aux soins",
        "Objectif général 1.1 :</strong> Renforcer l'offre de premier recours",
        "Objectif spécifique 1.2 :</strong> Attirer des médecins",
        "Fiche-action n°1.1 — Accueillir les internes",
    ] {
        assert!(page.contains(attendu), "{attendu}\n{page}");
    }
    assert!(
        ars.get(PAGE)
            .await
            .corps
            .contains("Axe 2 — Mobilité <span class=\"fr-badge fr-badge--new\">Transversal</span>")
    );
    // On the contract page: actions on the axis first, then those of its objectives.
    assert_eq!(
        fiches(&mut ars).await,
        [
            "1.2 Une maison de santé",
            "1.1 Accueillir les internes",
            "2.1 Transport solidaire"
        ]
    );
    let contrat = ars.get("/contrats/essai-2025").await.texte();
    assert!(contrat.contains(
        "Objectif spécifique :</strong> Attirer des médecins\n       — <a href=\"#fiche-1.1\">"
    ));
    // The history holds each addition.
    assert!(contrat.contains("Objectif général : Renforcer l'offre de premier recours"));
}

#[tokio::test]
async fn chaque_saisie_fautive_est_refusee_avec_son_message_et_sans_rien_enregistrer() {
    let appli = appli().await;
    let mut ars = ars(&appli).await;
    strategie(&mut ars).await;
    let avant = ars.get("/contrats/essai-2025").await.texte();

    // An empty title, kept in place with its message.
    let page = ars.get(PAGE).await.corps;
    let v = champ_cache(&page, "version").unwrap();
    let axe = element(&page, "axe 1");
    let r = ars
        .post(
            "/contrats/essai-2025/fiches",
            &[("version", &v), ("place", &axe), ("titre", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.corps.contains("aria-describedby=\"fiche-titre-erreur\""));
    assert!(r.texte().contains("Indiquez le titre de la fiche-action."));
    refuse(
        &mut ars,
        "/fiches",
        &[("place", "axe-999999"), ("titre", "Perdue")],
        "Cet axe n'existe pas dans la stratégie du contrat.",
    )
    .await;
    refuse(
        &mut ars,
        "/objectifs",
        &[
            ("place", "objectif-999999"),
            ("niveau", "operationnel"),
            ("libelle", "x"),
        ],
        "Cet objectif n'existe pas dans la stratégie du contrat.",
    )
    .await;
    // A general objective under a specific one.
    refuse(
        &mut ars,
        "/objectifs",
        &[
            ("place", "@objectif 1.2"),
            ("niveau", "general"),
            ("libelle", "Trop haut"),
        ],
        "doit être d'un niveau inférieur",
    )
    .await;
    refuse(
        &mut ars,
        "/objectifs",
        &[("place", "@axe 1"), ("niveau", "majeur"), ("libelle", "x")],
        "Niveau d'objectif inconnu(e) « majeur »",
    )
    .await;
    refuse(
        &mut ars,
        "/strategie/ordre",
        &[("element", "@axe 1"), ("sens", "haut")],
        "L'axe 1 est déjà en tête de sa liste.",
    )
    .await;
    refuse(
        &mut ars,
        "/strategie/ordre",
        &[("element", "racine"), ("sens", "haut")],
        "Élément de la stratégie « racine » inconnu.",
    )
    .await;
    // Non-empty containers are not removed, with what to do first.
    refuse(
        &mut ars,
        "/strategie/suppression",
        &[("element", "@axe 2")],
        "L'axe 2 contient des objectifs ou des fiches-actions : déplacez-les ou supprimez-les d'abord.",
    )
    .await;
    refuse(
        &mut ars,
        "/strategie/suppression",
        &[("element", "@objectif 1.1")],
        "contient des sous-objectifs",
    )
    .await;
    refuse(
        &mut ars,
        "/strategie/modification",
        &[("element", "@axe 1"), ("titre", "")],
        "Indiquez le titre de l'axe.",
    )
    .await;
    // A stale version: refused, with what changed meanwhile, the input kept.
    let r = ars
        .post(
            "/contrats/essai-2025/axes",
            &[("version", "1"), ("titre", "Tardif")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.texte().contains("modifié entre-temps"), "{}", r.texte());
    assert!(r.corps.contains("value=\"Tardif\""));
    assert_eq!(ars.get("/contrats/essai-2025").await.texte(), avant);

    // Someone who may not change the contract: not found, as if it did not exist.
    let mut ailleurs = appli.navigateur();
    ailleurs.connecter("ars@hdf.fr", MDP).await;
    assert_eq!(ailleurs.get(PAGE).await.status, StatusCode::NOT_FOUND);
    let r = ailleurs
        .post(
            "/contrats/essai-2025/axes",
            &[("version", "1"), ("titre", "Intrus")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn on_reordonne_rattache_renumerote_et_le_pilote_garde_sa_fiche() {
    let appli = appli().await;
    let mut ars = ars(&appli).await;
    strategie(&mut ars).await;
    let pilote = Role::parse("pilote:essai-2025:2.1").unwrap();
    administration::attribuer_par_adresse(
        &appli.store,
        &Email::parse("pilote@caen.fr").unwrap(),
        &pilote,
    )
    .await
    .unwrap();
    // « Transport solidaire » keeps its identifier whatever its number becomes.
    let transport = element(&ars.get(PAGE).await.corps, "fiche 2.1");

    // Axis 2 goes first: it becomes axis 1, its action keeps its number until renumbered.
    enregistrer(
        &mut ars,
        "/strategie/ordre",
        &[("element", "@axe 2"), ("sens", "haut")],
    )
    .await;
    assert_eq!(
        fiches(&mut ars).await,
        [
            "2.1 Transport solidaire",
            "1.2 Une maison de santé",
            "1.1 Accueillir les internes"
        ]
    );
    // The maison de santé moves onto the specific objective, after the internes.
    enregistrer(
        &mut ars,
        "/strategie/rattachement",
        &[("element", "@fiche 1.2"), ("place", "@objectif 2.2")],
    )
    .await;
    // Then before them.
    enregistrer(
        &mut ars,
        "/strategie/ordre",
        &[("element", "@fiche 1.2"), ("sens", "haut")],
    )
    .await;
    assert_eq!(
        fiches(&mut ars).await,
        [
            "2.1 Transport solidaire",
            "1.2 Une maison de santé",
            "1.1 Accueillir les internes"
        ]
    );
    enregistrer(&mut ars, "/strategie/numerotation", &[]).await;
    assert_eq!(
        fiches(&mut ars).await,
        [
            "1.1 Transport solidaire",
            "2.1 Une maison de santé",
            "2.2 Accueillir les internes"
        ]
    );
    let page = ars.get("/contrats/essai-2025").await.corps;
    assert!(
        page.contains("<td>fiche-action n°2.1, numéro</td><td>2.1</td><td>1.1</td>"),
        "{page}"
    );
    // Renumbering twice changes nothing, and says so.
    refuse(
        &mut ars,
        "/strategie/numerotation",
        &[],
        "La numérotation suit déjà l'ordre de la stratégie.",
    )
    .await;

    // The pilot of « Transport solidaire » pilots it under its new number, 1.1.
    let mut p = appli.navigateur();
    p.connecter("pilote@caen.fr", MDP).await;
    let v = champ_cache(
        &p.get("/contrats/essai-2025/fiches/1.1").await.corps,
        "version",
    )
    .unwrap();
    let r = p
        .post(
            "/contrats/essai-2025/fiches/1.1/avancement",
            &[
                ("version", &v),
                ("statut", "en-cours"),
                ("avancement", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let r = p
        .post(
            "/contrats/essai-2025/fiches/2.1/avancement",
            &[("statut", "en-cours")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Edits and removals.
    enregistrer(
        &mut ars,
        "/strategie/modification",
        &[
            ("element", "@objectif 2.2"),
            ("niveau", "operationnel"),
            ("libelle", "Attirer et garder des médecins"),
        ],
    )
    .await;
    enregistrer(
        &mut ars,
        "/strategie/modification",
        &[
            ("element", "@axe 1"),
            ("titre", "Se déplacer"),
            ("description", "Transports et mobilité"),
        ],
    )
    .await;
    enregistrer(
        &mut ars,
        "/strategie/suppression",
        &[("element", &transport)],
    )
    .await;
    enregistrer(&mut ars, "/strategie/suppression", &[("element", "@axe 1")]).await;
    let page = ars.get("/contrats/essai-2025").await.corps;
    assert!(page.contains("Objectif opérationnel :</strong> Attirer et garder des médecins"));
    assert!(
        page.contains("<td>fiche-action n°1.1</td><td>Transport solidaire</td><td>—</td>"),
        "{page}"
    );
    assert!(!page.contains("Fiche-action n°1.1"));
    // Its pilot lost the role with it.
    let r = p
        .post(
            "/contrats/essai-2025/fiches/1.1/avancement",
            &[("statut", "en-cours")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
