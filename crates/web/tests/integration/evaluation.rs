//! The evaluation page: achievements linked to their fiche-action, each fiche-action's
//! assessment, the contract's evaluations with the five criteria; the public reads them;
//! refusals named with nothing saved; renewal proposes the actions to carry over.

use crate::support::application::{Appli, Navigateur, contrat as contrat_essai, elements};
use axum::http::StatusCode;

const PAGE: &str = "/contrats/essai-2025/evaluation";

async fn appli() -> Appli {
    let contrats = [contrat_essai("essai-2025", true, &["14118"], 3)];
    let comptes = [
        ("coord@caen.fr", "coordinateur:essai-2025"),
        ("pilote@caen.fr", "pilote:essai-2025:1"),
    ];
    Appli::avec(&contrats, &comptes).await
}

/// The identifier of fiche-action `numero` as the page's assessment forms name it.
async fn fiche(c: &mut Navigateur<'_>, numero: &str) -> String {
    let page = c.get(PAGE).await.corps;
    let bouton = page
        .find(&format!("Enregistrer le bilan de la n°{numero}<"))
        .expect("le formulaire du bilan");
    let avant = &page[..bouton];
    let marque = "name=\"fiche\" value=\"";
    let debut = avant.rfind(marque).unwrap() + marque.len();
    avant[debut..debut + avant[debut..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn realisations_bilans_et_evaluations_se_saisissent_et_se_lisent() {
    let appli = appli().await;
    let mut c = appli.connecte("coord@caen.fr").await;

    // An achievement, linked to its action; one citing a missing action is refused.
    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/realisations",
            &[("titre", "Un cabinet de télémédecine"), ("fiche", "9.9")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte()
            .contains("Le contrat n'a pas de fiche-action n°9.9."),
        "{}",
        r.texte()
    );
    assert!(r.texte().contains("value=\"Un cabinet de télémédecine\""));
    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/realisations",
            &[
                ("titre", "Un cabinet de télémédecine"),
                ("date", "06/2024"),
                ("fiche", "1"),
                ("description", "Installé à la maison de santé"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some(format!("{PAGE}?fait=realisations#realisations").as_str())
    );

    // Each action's assessment: what became of it, then why.
    let une = fiche(&mut c, "1").await;
    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/bilans",
            &[
                ("fiche", &une),
                ("aboutissement", ""),
                ("commentaire", "Sans verdict"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("Dites ce qu'il est advenu de l'action"));
    assert!(r.corps.contains(&format!(
        "aria-describedby=\"bilan-{une}-aboutissement-erreur\""
    )));
    for (numero, aboutissement, commentaire) in [
        ("1", "partiellement", "Deux internes accueillis sur cinq"),
        ("2", "realisee", ""),
        ("3", "abandonnee", "Faute de porteur"),
    ] {
        let id = fiche(&mut c, numero).await;
        let r = c
            .soumettre(
                PAGE,
                "/contrats/essai-2025/bilans",
                &[
                    ("fiche", &id),
                    ("aboutissement", aboutissement),
                    ("commentaire", commentaire),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
        assert_eq!(
            r.redirection(),
            Some(format!("{PAGE}?fait=bilan-{id}#bilan-{id}").as_str())
        );
    }

    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/bilans",
            &[("fiche", "999999"), ("aboutissement", "realisee")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte()
            .contains("(fiche-action n°999999) : il a été retiré"),
        "le refus d'un formulaire disparu est dit en haut de la page"
    );

    // A mid-term evaluation with two criteria; an unknown rating is refused.
    let mut champs = vec![
        ("titre", "Évaluation à mi-parcours"),
        ("nature", "intermediaire"),
        ("date", "11/2024"),
        ("synthese", "Le contrat avance sur l'accès aux soins."),
        ("appreciation_pertinence", "excellent"),
        ("commentaire_pertinence", "Les axes répondent au diagnostic"),
        ("appreciation_efficience", "peu-satisfaisant"),
        (
            "recommandations",
            "Renforcer la prévention\nRecruter la coordination",
        ),
    ];
    let r = c
        .soumettre(PAGE, "/contrats/essai-2025/evaluations", &champs)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("excellent"), "{}", r.texte());
    champs[4] = ("appreciation_pertinence", "satisfaisant");
    let r = c
        .soumettre(PAGE, "/contrats/essai-2025/evaluations", &champs)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let evaluation = r
        .redirection()
        .and_then(|l| l.rsplit_once("#evaluation-"))
        .map(|(_, n)| n.to_owned())
        .expect("le retour nomme la section de l'évaluation");

    // Changed in place: a criterion rated, the history says which.
    let mut modifiee = champs.clone();
    modifiee.push(("evaluation", &evaluation));
    modifiee.push(("appreciation_impact", "tres-satisfaisant"));
    let r = c
        .soumettre(PAGE, "/contrats/essai-2025/evaluations", &modifiee)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());

    let publique = appli.navigateur().get("/contrats/essai-2025").await.texte();
    for attendu in [
        "<p class=\"pilote-nouveaute__date\">juin 2024</p><p class=\"fr-mb-0\"><strong>Un cabinet de télémédecine</strong> : Installé à la maison de santé",
        "fiche-action n°1</a>",
        "<strong>Bilan :</strong> Partiellement réalisée — Deux internes accueillis sur cinq",
        "<strong>Bilan :</strong> Abandonnée — Faute de porteur",
        "Évaluation à mi-parcours</span>",
        "<th scope=\"row\">Pertinence</th><td>Satisfaisant</td><td>Les axes répondent au diagnostic</td>",
        "<th scope=\"row\">Efficience</th><td>Peu satisfaisant</td>",
        "<th scope=\"row\">Impact</th><td>Très satisfaisant</td>",
        "<li>Recruter la coordination</li>",
    ] {
        assert!(publique.contains(attendu), "absent : {attendu}");
    }
    let historique = c.get("/contrats/essai-2025").await.texte();
    assert!(historique.contains(
        "<td>évaluation « Évaluation à mi-parcours », impact</td><td>—</td><td>Très satisfaisant</td>"
    ));

    // Renewal proposes the unfinished actions: the 1 (partly done), not the 2 nor the 3.
    let suivant = pilote_store::contrat::lire(
        &appli.store,
        &pilote_store::journal::Auteur::ligne_de_commande(),
        &pilote_domain::IdContrat::parse("essai-2025").unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(suivant.contrat.a_reconduire(), ["1"]);

    // Removed, then named when removed again.
    let page = c.get(PAGE).await.texte();
    let realisation = format!("realisation-{}", elements(&page, "realisation")[0]);
    let retrait = "/contrats/essai-2025/evaluation/retrait";
    for (element, attendu) in [
        (realisation.as_str(), StatusCode::SEE_OTHER),
        (realisation.as_str(), StatusCode::BAD_REQUEST),
        (&format!("evaluation-{evaluation}"), StatusCode::SEE_OTHER),
    ] {
        let r = c.soumettre(PAGE, retrait, &[("element", element)]).await;
        assert_eq!(r.status, attendu, "{element}");
    }
    let publique = appli.navigateur().get("/contrats/essai-2025").await.texte();
    assert!(!publique.contains("télémédecine") && !publique.contains("mi-parcours"));
}

#[tokio::test]
async fn un_pilote_n_evalue_pas_le_contrat() {
    let appli = appli().await;
    let mut p = appli.connecte("pilote@caen.fr").await;
    assert_eq!(p.get(PAGE).await.status, StatusCode::FORBIDDEN);
    for chemin in ["/bilans", "/realisations", "/evaluations"] {
        let r = p
            .post(
                &format!("/contrats/essai-2025{chemin}"),
                &[("version", "1"), ("titre", "Intrus"), ("fiche", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{chemin}");
    }
}
