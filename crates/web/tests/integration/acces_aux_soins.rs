//! Access to general practitioners in a contract's territory, on SQLite and PostgreSQL: what is
//! missing said plainly; the APL computed in the background once the reference data is loaded,
//! its progress shown; the contract's communes against the département, the région and
//! France; a what-if scenario and its refusals; pages read while the data is reloaded.

use axum::http::StatusCode;
use pilote_domain::donnees_de_reference::Nature;
use pilote_store::import;

use crate::support::application::Appli;

const CAEN: &str = r#"
id = "caen-2024"
nom = "CLS de Caen"
generation = 1
publie = true
territoire = { communes = ["14118", "14327"] }
"#;

const PAGE: &str = "/contrats/caen-2024/acces-aux-soins";

/// `medecins` general practitioners in Caen, in the RPPS's format.
fn rpps(medecins: usize) -> String {
    let mut texte =
        "Identifiant PP|Code profession|Code savoir-faire|Code commune (coord. structure)\n"
            .to_owned();
    for i in 0..medecins {
        texte.push_str(&format!("{i}|10|SM54|14118\n"));
    }
    texte
}

/// The page once the computation of the data loaded is done.
async fn calculee(appli: &Appli, uri: &str) -> crate::support::application::Reponse {
    let mut public = appli.navigateur();
    for _ in 0..200 {
        let reponse = public.get(uri).await;
        if !reponse.texte().contains("Calcul de l'APL en cours") {
            return reponse;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("le calcul de l'APL ne s'achève pas");
}

async fn scenario(appli: &Appli) {
    pilote_store::contrat::creer(&appli.store, &import::lire("caen", CAEN).unwrap())
        .await
        .unwrap();
    let mut public = appli.navigateur();
    let page = public.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    let texte = page.texte();
    assert!(
        texte.contains("L'APL ne peut pas encore être calculée"),
        "{texte}"
    );
    assert!(
        texte.contains("Il manque les centroïdes des communes et les médecins généralistes (rpps)")
    );
    assert!(public.get("/contrats/caen-2024").await.corps.contains(PAGE));

    appli
        .charger_donnees(
            Nature::Centroides,
            "code_insee,lat,lon\n14118,49.18,-0.37\n14327,49.21,-0.33\n14047,49.28,-0.70\n\
         14762,49.10,-0.65\n",
        )
        .await;
    appli.charger_donnees(Nature::Rpps, &rpps(60)).await;
    let premiere = public.get(PAGE).await.texte();
    assert!(
        premiere.contains("Calcul de l'APL en cours") || premiere.contains("Le territoire comparé"),
        "{premiere}"
    );
    let page = calculee(appli, PAGE).await.texte();
    for attendu in [
        "Territoire du contrat",
        "Calvados (14)",
        "Normandie (28)",
        "<th scope=\"row\">France</th>",
        "Les 2 communes du contrat",
        "Calculé le ",
        "<th scope=\"row\">Caen</th><td>14118</td>",
        "centroïdes des communes : Essai, millésime 2026 ; médecins généralistes : Essai, millésime 2026",
        // The map: each commune a disc titled with its APL.
        "id=\"carte-apl-titre\">APL des communes du contrat</title>",
        "<title>Caen (14118) : APL ",
        "Surface des disques proportionnelle à la population",
    ] {
        assert!(page.contains(attendu), "{attendu} absent de :\n{page}");
    }

    // Ten practitioners in Bayeux (outside the contract, some 25 minutes from Caen), which
    // has none: it leaves the under-served class.
    let simulation = calculee(
        appli,
        &format!("{PAGE}?commune=14047&medecins=%2B10&commune=&medecins=&commune=&medecins="),
    )
    .await;
    assert_eq!(simulation.status, StatusCode::OK);
    let texte = simulation.texte();
    assert!(
        texte.contains("commune(s) voient leur APL changer"),
        "{texte}"
    );
    assert!(texte.contains("<th scope=\"row\">Bayeux</th><td>14047</td>"));
    assert!(texte.contains("sort de la sous-densité"), "{texte}");

    for (requete, attendu) in [
        (
            "commune=14047&medecins=1e308",
            "Ligne 1 : « 1e308 » n'est pas un nombre de médecins de -1 000 à 1 000",
        ),
        (
            "commune=14047&medecins=deux",
            "Ligne 1 : « deux » n'est pas un nombre de médecins",
        ),
        (
            "commune=&medecins=&commune=ABCDE&medecins=1",
            "Ligne 2 : la commune « ABCDE » n'est pas située (centroïde absent).",
        ),
        ("commune=&medecins=3", "Ligne 1 : choisissez la commune."),
        (
            "commune=14047&medecins=-1",
            "L'offre de la commune 14047 deviendrait négative (-4500 consultations par an).",
        ),
    ] {
        let reponse = public.get(&format!("{PAGE}?{requete}")).await;
        assert_eq!(reponse.status, StatusCode::BAD_REQUEST, "{requete}");
        let texte = reponse.texte();
        assert!(texte.contains(attendu), "{attendu} absent de :\n{texte}");
        assert!(
            texte.contains("Le territoire comparé"),
            "la page reste lisible"
        );
    }

    // Readers while the practitioners are loaded again: every page answered, the previous
    // result shown until the new one is ready.
    let mut lectures = Vec::new();
    for n in 0..12 {
        let mut onglet = appli.navigateur();
        lectures.push(async move {
            let uri = if n % 2 == 0 {
                PAGE.to_owned()
            } else {
                format!("{PAGE}?commune=14118&medecins=-3")
            };
            onglet.get(&uri).await.status
        });
    }
    let moins = rpps(30);
    let (statuts, ()) = tokio::join!(
        futures_util::future::join_all(lectures),
        appli.charger_donnees(Nature::Rpps, &moins)
    );
    assert!(statuts.iter().all(|s| *s == StatusCode::OK), "{statuts:?}");
    let page = calculee(appli, PAGE).await.texte();
    assert!(page.contains("Le territoire comparé"));
}

#[tokio::test]
async fn l_acces_aux_medecins_se_calcule_et_se_simule_sur_sqlite() {
    let appli = Appli::avec(&[], &[]).await;
    scenario(&appli).await;
}

#[tokio::test]
async fn l_acces_aux_medecins_se_calcule_et_se_simule_sur_postgresql() {
    let nom = format!("pilote_acces_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : accès aux soins PostgreSQL non exercé");
        return;
    };
    scenario(&appli).await;
    base.supprimer(appli).await;
}
