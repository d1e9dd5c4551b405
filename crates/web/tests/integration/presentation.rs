//! The presentation page: what the contract says of itself (presentation, publics, themes,
//! actions announced) and its diagnostics with their indicators and documents, each save going
//! back to its own section; refusals named field by field with nothing saved; who may use it.

use crate::support::application::{Appli, champ_cache, contrat as contrat_essai, elements};
use axum::http::StatusCode;

const PAGE: &str = "/contrats/essai-2025/presentation";

async fn appli() -> Appli {
    let contrats = ["essai-2025", "autre-2025"].map(|id| contrat_essai(id, true, &["14118"], 1));
    let comptes = [
        ("coord@caen.fr", "coordinateur:essai-2025"),
        ("coord@autre.fr", "coordinateur:autre-2025"),
        ("partenaire@caen.fr", "partenaire:essai-2025"),
    ];
    Appli::avec(&contrats, &comptes).await
}

#[tokio::test]
async fn la_presentation_se_redige_et_revient_a_sa_section() {
    let appli = appli().await;
    let mut c = appli.connecte("coord@caen.fr").await;
    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/presentation",
            &[
                (
                    "presentation",
                    "Un contrat pour l'accès aux soins.\r\n\r\nIl s'appuie sur deux maisons de santé.",
                ),
                ("publics", "jeunes"),
                ("publics", "seniors"),
                ("thematiques", "sante-mentale"),
                ("annoncees", "22"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some("/contrats/essai-2025/presentation?fait=presentation#presentation")
    );
    let page = c
        .get("/contrats/essai-2025/presentation?fait=presentation")
        .await;
    assert!(page.texte().contains("La présentation est enregistrée."));
    assert!(
        page.corps.contains(
            "id=\"presentation-public-jeunes\" name=\"publics\" value=\"jeunes\" checked"
        )
    );

    let publique = appli.navigateur().get("/contrats/essai-2025").await.texte();
    for attendu in [
        "<p>Un contrat pour l'accès aux soins.</p>",
        "<p>Il s'appuie sur deux maisons de santé.</p>",
        "<dt>Fiches-actions annoncées</dt><dd>22</dd>",
        "Jeunes, Seniors",
        "Santé mentale",
    ] {
        assert!(publique.contains(attendu), "absent : {attendu}");
    }
    let historique = c.get("/contrats/essai-2025").await.texte();
    assert!(historique.contains("<td>fiches-actions annoncées</td><td>—</td><td>22</td>"));

    // Bad input: named beside its field, what was typed kept, nothing saved.
    for (champs, champ, message) in [
        (
            vec![("presentation", "Autre texte"), ("annoncees", "douze")],
            "presentation-annoncees",
            "« douze » n'est pas un nombre de fiches-actions",
        ),
        (
            vec![("presentation", "Autre texte"), ("publics", "martiens")],
            "presentation-publics",
            "martiens",
        ),
    ] {
        let r = c
            .soumettre(PAGE, "/contrats/essai-2025/presentation", &champs)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.texte().contains(message), "{message} : {}", r.texte());
        assert!(r.corps.contains(&format!("id=\"{champ}\"")));
        assert!(
            r.texte().contains(">Autre texte</textarea>"),
            "saisie perdue"
        );
        assert_eq!(
            r.entete("hx-push-url"),
            Some(PAGE),
            "rechargée, la page se relit sans renvoyer le formulaire"
        );
    }
    let publique = appli.navigateur().get("/contrats/essai-2025").await.texte();
    assert!(!publique.contains("Autre texte"));
}

#[tokio::test]
async fn un_diagnostic_se_saisit_se_corrige_et_se_retire() {
    let appli = appli().await;
    let mut c = appli.connecte("coord@caen.fr").await;
    let action = "/contrats/essai-2025/diagnostics";
    // A title is required; a date is read as typed in France.
    let r = c
        .soumettre(PAGE, action, &[("titre", ""), ("methode", "Entretiens")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("Indiquez le titre du diagnostic"));
    assert!(
        r.corps
            .contains("aria-describedby=\"diagnostic-nouveau-titre-erreur\"")
    );
    assert!(r.texte().contains("value=\"Entretiens\""));
    let r = c
        .soumettre(
            PAGE,
            action,
            &[("titre", "DLS 2024"), ("date", "31/02/2024")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("ce jour n'existe pas"), "{}", r.texte());

    let r = c
        .soumettre(
            PAGE,
            action,
            &[
                ("titre", "Diagnostic local de santé 2024"),
                ("date", "15/03/2024"),
                ("realise_par", "Observatoire régional de la santé"),
                ("methode", "Données statistiques et entretiens"),
                (
                    "constats",
                    "Une densité médicale faible\nDes jeunes éloignés de la prévention",
                ),
                (
                    "paroles",
                    "« Il faut trois mois pour voir un ophtalmologue »",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let retour = r.redirection().unwrap().to_owned();
    let diagnostic = retour
        .rsplit_once("#diagnostic-")
        .map(|(_, n)| n.to_owned())
        .expect("le retour nomme la section du diagnostic");
    assert_eq!(
        retour,
        format!("{PAGE}?fait=diagnostic-{diagnostic}#diagnostic-{diagnostic}")
    );
    assert!(
        c.get(&retour)
            .await
            .texte()
            .contains("Le diagnostic est enregistré.")
    );

    // Its indicators: a value that is not a number is refused, the rest kept.
    let indicateurs = "/contrats/essai-2025/diagnostics/indicateurs";
    let mut champs = vec![
        ("diagnostic", diagnostic.as_str()),
        ("libelle", "Médecins généralistes pour 10 000 habitants"),
        ("thematique", "acces-aux-soins"),
        ("valeur", "six"),
        ("annee", "2023"),
        ("france", "8,4"),
        ("source", "DREES"),
    ];
    let r = c.soumettre(PAGE, indicateurs, &champs).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("« six » n'est pas un nombre."));
    assert!(
        r.corps
            .contains(&format!("id=\"indicateur-{diagnostic}-valeur\""))
    );
    assert!(
        r.texte()
            .contains("value=\"Médecins généralistes pour 10 000 habitants\"")
    );
    champs[3] = ("valeur", "6,2");
    let r = c.soumettre(PAGE, indicateurs, &champs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let r = c
        .soumettre(
            PAGE,
            indicateurs,
            &[
                ("diagnostic", "999999"),
                ("libelle", "Perdu"),
                ("valeur", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("il a été retiré"));

    let publique = appli.navigateur().get("/contrats/essai-2025").await.texte();
    for attendu in [
        "Diagnostic local de santé 2024 (15 mars 2024)",
        "<dt>Réalisé par</dt><dd>Observatoire régional de la santé</dd>",
        "<li>Des jeunes éloignés de la prévention</li>",
        "« Il faut trois mois pour voir un ophtalmologue »",
        "Médecins généralistes pour 10 000 habitants, 2023",
        ">6.2</td>",
        ">8.4</td>",
        "Accès aux soins</span>",
    ] {
        assert!(publique.contains(attendu), "absent : {attendu}");
    }

    // Changed in place: its indicators stay, the history says what changed.
    let r = c
        .soumettre(
            PAGE,
            action,
            &[
                ("diagnostic", &diagnostic),
                ("titre", "Diagnostic local de santé 2024, mis à jour"),
                ("date", "03/2024"),
                ("realise_par", "Observatoire régional de la santé"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let contrat = c.get("/contrats/essai-2025").await.texte();
    assert!(contrat.contains("mis à jour (mars 2024)"));
    assert!(contrat.contains(">6.2</td>"), "l'indicateur est gardé");
    assert!(contrat.contains("<td>diagnostic « Diagnostic local de santé 2024 », méthode</td><td>Données statistiques et entretiens</td><td>—</td>"));

    // Removed: an indicator, then the diagnostic; a second removal is named.
    let page = c.get(PAGE).await.texte();
    let indicateur = format!("indicateur-{}", elements(&page, "indicateur")[0]);
    let retrait = "/contrats/essai-2025/diagnostics/retrait";
    let r = c
        .soumettre(PAGE, retrait, &[("element", &indicateur)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.redirection(),
        Some(format!("{PAGE}?fait=diagnostics#diagnostics").as_str())
    );
    let r = c
        .soumettre(PAGE, retrait, &[("element", &indicateur)])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("il a été retiré"));
    let element = format!("diagnostic-{diagnostic}");
    let r = c.soumettre(PAGE, retrait, &[("element", &element)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !appli
            .navigateur()
            .get("/contrats/essai-2025")
            .await
            .texte()
            .contains("Diagnostic local")
    );
}

/// The files kept for the diagnostics of contract essai-2025.
fn fichiers_des_diagnostics(appli: &Appli) -> Vec<std::path::PathBuf> {
    let dossier = appli
        .stockage
        .racine()
        .join("contrats/essai-2025/diagnostics");
    let mut fichiers = Vec::new();
    for d in std::fs::read_dir(dossier).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(d.path()).into_iter().flatten().flatten() {
            if !f.file_name().to_string_lossy().starts_with(".depot-") {
                fichiers.push(f.path());
            }
        }
    }
    fichiers
}

/// The indicator tables the administrator loaded: listed at the territory's levels, and an
/// indicator added by its name alone takes its values, year and sources; what is typed stays.
#[tokio::test]
async fn un_indicateur_des_donnees_de_reference_donne_ses_comparaisons() {
    let appli = appli().await;
    let mut c = appli.connecte("coord@caen.fr").await;
    assert!(!c.get(PAGE).await.corps.contains("id=\"references\""));
    appli
        .charger_donnees(
            pilote_domain::donnees_de_reference::Nature::Indicateurs,
            "niveau,code,indicateur,annee,valeur,source\n\
             commune,14118,Taux de pauvreté,2021,19.5,INSEE Filosofi\n\
             departement,14,Taux de pauvreté,2021,13.2,INSEE Filosofi\n\
             departement,50,Taux de pauvreté,2021,12.9,INSEE Filosofi\n\
             region,28,Taux de pauvreté,2021,13.5,INSEE Filosofi\n\
             france,FR,Taux de pauvreté,2021,14.5,INSEE Filosofi\n\
             france,FR,Taux de pauvreté,2019,14.6,INSEE Filosofi\n\
             region,11,Part des 75 ans et plus,2021,8,INSEE\n",
        )
        .await;
    let page = c.get(PAGE).await.texte();
    assert!(
        page.contains("pour la commune, le département, la région et la France."),
        "{page}"
    );
    assert!(page.contains(
        "<th scope=\"row\">Taux de pauvreté</th><td>2021</td><td>19,5</td><td>13,2</td>\
         <td>13,5</td><td>14,5</td><td>INSEE Filosofi</td>"
    ));
    // Île-de-France's indicator is not this territory's.
    assert!(!page.contains("Part des 75 ans et plus"));

    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/diagnostics",
            &[("titre", "Diagnostic 2024")],
        )
        .await;
    let diagnostic = r
        .redirection()
        .and_then(|r| r.rsplit_once("#diagnostic-"))
        .map(|(_, n)| n.to_owned())
        .unwrap();
    let indicateurs = "/contrats/essai-2025/diagnostics/indicateurs";
    // By its name alone (another case): everything taken.
    let r = c
        .soumettre(
            PAGE,
            indicateurs,
            &[("diagnostic", &diagnostic), ("libelle", "taux de pauvreté")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    // An older year asked, the commune's value typed: France's of that year, the rest absent.
    let r = c
        .soumettre(
            PAGE,
            indicateurs,
            &[
                ("diagnostic", &diagnostic),
                ("libelle", "Taux de pauvreté"),
                ("annee", "2019"),
                ("valeur", "20"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    // An indicator no file gives still needs its value.
    let r = c
        .soumettre(
            PAGE,
            indicateurs,
            &[("diagnostic", &diagnostic), ("libelle", "Taux inconnu")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte()
            .contains("Indiquez la valeur mesurée sur le territoire.")
    );

    let publique = appli.navigateur().get("/contrats/essai-2025").await.texte();
    let lignes: String = publique.split_whitespace().collect();
    for attendu in [
        "taux de pauvreté, 2021</th><td class=\"pilote-nombre\">19.5</td><td class=\"pilote-nombre\">13.2</td><td class=\"pilote-nombre\">13.5</td><td class=\"pilote-nombre\">14.5</td><td>INSEE Filosofi</td>",
        "Taux de pauvreté, 2019</th><td class=\"pilote-nombre\">20</td><td class=\"pilote-nombre\"></td><td class=\"pilote-nombre\"></td><td class=\"pilote-nombre\">14.6</td>",
    ] {
        let attendu: String = attendu.split_whitespace().collect();
        assert!(lignes.contains(&attendu), "absent : {attendu}\n{publique}");
    }
    assert!(!publique.contains("Taux inconnu"));
}

#[tokio::test]
async fn un_diagnostic_garde_ses_documents() {
    let appli = appli().await;
    let mut c = appli.connecte("coord@caen.fr").await;
    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/diagnostics",
            &[("titre", "Diagnostic local de santé 2024")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let diagnostic = elements(&c.get(PAGE).await.corps, "diagnostic")[0].clone();
    let depot = "/contrats/essai-2025/diagnostics/documents";
    let version = || async {
        let mut n = appli.connecte("coord@caen.fr").await;
        champ_cache(&n.get(PAGE).await.corps, "version").unwrap()
    };

    // Refused, nothing kept: an empty file, a date that is not one, a stale version.
    let v = version().await;
    for (champs, fichier, statut, message) in [
        (
            vec![("date", "2024")],
            ("vide.pdf", &b""[..]),
            StatusCode::BAD_REQUEST,
            "Choisissez le fichier à joindre",
        ),
        (
            vec![("date", "hier")],
            ("dls.pdf", &b"%PDF"[..]),
            StatusCode::BAD_REQUEST,
            "hier",
        ),
    ] {
        let mut tous = vec![("version", v.as_str()), ("diagnostic", diagnostic.as_str())];
        tous.extend(champs);
        let r = c.deposer(depot, &tous, fichier).await;
        assert_eq!(r.status, statut, "{}", r.texte());
        assert!(r.texte().contains(message), "{message}\n{}", r.texte());
    }
    let perimee = [("version", "1"), ("diagnostic", diagnostic.as_str())];
    let r = c.deposer(depot, &perimee, ("dls.pdf", b"%PDF")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.texte());
    assert!(
        fichiers_des_diagnostics(&appli).is_empty(),
        "aucun fichier gardé"
    );

    let champs = [
        ("version", v.as_str()),
        ("diagnostic", diagnostic.as_str()),
        ("titre", "Rapport de l'ORS"),
        ("date", "03/2024"),
    ];
    let r = c
        .deposer(depot, &champs, ("DLS 2024.pdf", b"%PDF-1.7 rapport"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some(format!("{PAGE}?fait=diagnostic-{diagnostic}#diagnostic-{diagnostic}").as_str())
    );
    let page = c.get(PAGE).await;
    assert!(page.texte().contains("Rapport de l'ORS"));
    let document = elements(&page.corps, "document")[0].clone();
    let adresse = format!("/contrats/essai-2025/diagnostics/documents/{document}");
    let r = c.get(&adresse).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.corps, "%PDF-1.7 rapport");
    assert_eq!(r.entete("content-type"), Some("application/pdf"));
    assert_eq!(fichiers_des_diagnostics(&appli).len(), 1);

    // Not published on purpose: the public reads neither its title nor its file.
    let mut public = appli.navigateur();
    let publique = public.get("/contrats/essai-2025").await.texte();
    assert!(!publique.contains("Rapport de l'ORS"));
    assert!(!publique.contains(&adresse));
    let refus = public.get(&adresse).await;
    assert_eq!(refus.status, StatusCode::SEE_OTHER, "invité à se connecter");
    assert!(
        refus
            .redirection()
            .unwrap()
            .starts_with("/connexion?suite=")
    );
    let mut partenaire = appli.connecte("partenaire@caen.fr").await;
    assert_eq!(partenaire.get(&adresse).await.status, StatusCode::OK);

    // Removed with its diagnostic: the row and the file.
    let r = c
        .soumettre(
            PAGE,
            "/contrats/essai-2025/diagnostics/retrait",
            &[("element", &format!("diagnostic-{diagnostic}"))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert!(
        fichiers_des_diagnostics(&appli).is_empty(),
        "fichier orphelin"
    );
    assert_eq!(c.get(&adresse).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn seuls_ceux_qui_modifient_le_contrat_presentent_et_diagnostiquent() {
    let appli = appli().await;
    for email in ["partenaire@caen.fr", "coord@autre.fr"] {
        let mut n = appli.connecte(email).await;
        assert_eq!(n.get(PAGE).await.status, StatusCode::FORBIDDEN, "{email}");
        let r = n
            .post(
                "/contrats/essai-2025/diagnostics",
                &[("version", "1"), ("titre", "Intrus")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{email}");
    }
    // Two saves from one reading: the second is told what changed meanwhile.
    let mut c = appli.connecte("coord@caen.fr").await;
    let page = c.get(PAGE).await;
    let v = crate::support::application::champ_cache(&page.corps, "version").unwrap();
    for (titre, attendu) in [
        ("Premier", StatusCode::SEE_OTHER),
        ("Second", StatusCode::CONFLICT),
    ] {
        let r = c
            .post(
                "/contrats/essai-2025/diagnostics",
                &[("version", &v), ("titre", titre)],
            )
            .await;
        assert_eq!(r.status, attendu, "{titre}");
    }
    let contrat = c.get("/contrats/essai-2025").await.texte();
    assert!(contrat.contains("Premier") && !contrat.contains("<h3>Second"));
}
