//! The signature page: date and place, parties from the shared directory with their roles and
//! representatives, amendments, the coordinator post and its funding.

use crate::support::application::{
    Appli, Navigateur, champ_cache, contrat as contrat_essai, elements,
};
use axum::http::StatusCode;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::{annuaire, compte, contrat};

const MDP: &str = "un mot de passe assez long";
const PAGE: &str = "/contrats/essai-2025/signature";

async fn appli() -> Appli {
    let appli = Appli::demarrer("http://localhost", None).await;
    for id in ["essai-2025", "autre-2025"] {
        contrat::creer(&appli.store, &contrat_essai(id, false, &["14118"], 1))
            .await
            .unwrap();
    }
    for (email, role) in [
        ("coord@caen.fr", "coordinateur:essai-2025"),
        ("coord@autre.fr", "coordinateur:autre-2025"),
        ("partenaire@caen.fr", "partenaire:essai-2025"),
    ] {
        let roles = vec![Role::parse(role).unwrap()];
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

async fn connecte<'a>(appli: &'a Appli, email: &str) -> Navigateur<'a> {
    let mut n = appli.navigateur();
    n.connecter(email, MDP).await;
    n
}

async fn poster(
    n: &mut Navigateur<'_>,
    contrat: &str,
    chemin: &str,
    champs: &[(&str, &str)],
) -> crate::support::application::Reponse {
    let page = n.get(&format!("/contrats/{contrat}/signature")).await;
    let v = champ_cache(&page.corps, "version").unwrap();
    let mut tous = vec![("version", v.as_str())];
    tous.extend_from_slice(champs);
    n.post(&format!("/contrats/{contrat}{chemin}"), &tous).await
}

async fn enregistrer(n: &mut Navigateur<'_>, contrat: &str, chemin: &str, champs: &[(&str, &str)]) {
    let r = poster(n, contrat, chemin, champs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{chemin} : {}", r.texte());
}

#[tokio::test]
async fn le_coordinateur_enregistre_signature_parties_avenants_et_coordination() {
    let appli = appli().await;
    let mut c = connecte(&appli, "coord@caen.fr").await;
    enregistrer(
        &mut c,
        "essai-2025",
        "/signature",
        &[
            ("date", "12/06/2025"),
            ("lieu", "Caen"),
            (
                "presents",
                "Gérard Roujas, président du PETR\n\nJérôme Farlene, directeur de l'ARS",
            ),
        ],
    )
    .await;
    enregistrer(
        &mut c,
        "essai-2025",
        "/parties",
        &[
            ("organisation", ""),
            ("nom", "ARS Normandie"),
            ("nature", "ars"),
            ("siren", "130007917"),
            ("roles", "signataire"),
            ("roles", "financeur"),
            ("representants", "Thomas Deroche, directeur général"),
        ],
    )
    .await;
    enregistrer(
        &mut c,
        "essai-2025",
        "/avenants",
        &[
            ("date", "2026-01"),
            ("objet", "Ajout d'un axe santé mentale"),
        ],
    )
    .await;
    enregistrer(
        &mut c,
        "essai-2025",
        "/coordination",
        &[
            ("poste", "Coordonnatrice du CLS, 1 ETP"),
            ("personne_nom", "Claire Dupont"),
            ("employeur", "Ville de Caen"),
            ("statut", "pourvu"),
            ("depuis", "01/09/2025"),
            ("contact", "cls@caen.fr"),
        ],
    )
    .await;
    enregistrer(
        &mut c,
        "essai-2025",
        "/financements",
        &[
            ("financeur", "ARS Normandie"),
            ("qualificatif", "environ"),
            ("montant", "25 000"),
            ("periode", "2025-2027"),
        ],
    )
    .await;
    let page = c.get("/contrats/essai-2025").await.texte();
    for attendu in [
        "12 juin 2025, Caen",
        "ARS Normandie",
        "Thomas Deroche",
        "Ajout d'un axe santé mentale",
        "Coordonnatrice du CLS, 1 ETP",
        "<td>avenant n°1</td><td>—</td><td>Ajout d'un axe santé mentale (2026-01)</td>",
        "<td>lieu de signature</td><td>—</td><td>Caen</td>",
        "<dt>Présents à la signature</dt><dd>Gérard Roujas, président du PETR ; Jérôme Farlene, directeur de l'ARS</dd>",
        "Pourvu — 1er septembre 2025</span>",
        "Écrire à la coordination : <a href=\"mailto:cls@caen.fr\">cls@caen.fr</a>",
        "ARS Normandie : environ 25",
    ] {
        assert!(page.contains(attendu), "{attendu}");
    }
    let signature = c.get(PAGE).await.texte();
    assert!(
        signature.contains("ARS Normandie : environ 25"),
        "{signature}"
    );
    assert!(signature.contains("€ (2025–2027)"), "{signature}");

    // A party changed in place: its roles and several representatives.
    let partie = elements(&signature, "partie")[0].clone();
    let r = poster(
        &mut c,
        "essai-2025",
        "/parties/modification",
        &[
            ("partie", &partie),
            ("roles", "signataire"),
            (
                "representants",
                "Thomas Deroche, directeur général\nAnne Martin, déléguée départementale",
            ),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    assert_eq!(
        r.redirection(),
        Some(format!("{PAGE}?fait=partie-{partie}#partie-{partie}").as_str())
    );
    let page = c.get("/contrats/essai-2025").await.texte();
    assert!(
        page.contains("Thomas Deroche, directeur général ; Anne Martin, déléguée départementale")
    );
    assert!(page.contains(
        "<td>partie « ARS Normandie »</td><td>Signataire, Financeur — Thomas Deroche, directeur général</td><td>Signataire — Thomas Deroche, directeur général — Anne Martin, déléguée départementale</td>"
    ));
    let r = poster(
        &mut c,
        "essai-2025",
        "/parties/modification",
        &[("partie", "999999"), ("roles", "pilote")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte().contains("(partie n°999999) : il a été retiré"),
        "{}",
        r.texte()
    );

    // The directory is shared: another contract's coordinator picks the ARS from it.
    let annuaire = annuaire::lister(&appli.store).await.unwrap();
    let ars = annuaire
        .iter()
        .find(|i| i.organisation.nom == "ARS Normandie")
        .unwrap();
    let mut autre = connecte(&appli, "coord@autre.fr").await;
    let page = autre.get("/contrats/autre-2025/signature").await.texte();
    assert!(page.contains("ARS Normandie (Agence régionale de santé, SIREN 130007917)"));
    let entree = ars.id.to_string();
    enregistrer(
        &mut autre,
        "autre-2025",
        "/parties",
        &[("organisation", &entree), ("roles", "co-pilote")],
    )
    .await;
    let annuaire = annuaire::lister(&appli.store).await.unwrap();
    let ars = annuaire
        .iter()
        .find(|i| i.organisation.nom == "ARS Normandie")
        .unwrap();
    assert_eq!(ars.contrats, 2);
    assert_eq!(annuaire.len(), 1, "une seule entrée pour l'ARS");
    // A « new » organisation with the ARS's SIREN is the ARS, already a party.
    let r = poster(
        &mut autre,
        "autre-2025",
        "/parties",
        &[
            ("organisation", ""),
            ("nom", "Agence régionale de santé de Normandie"),
            ("nature", "ars"),
            ("siren", "130007917"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte()
            .contains("« ARS Normandie » est déjà partie au contrat."),
        "{}",
        r.texte()
    );
    enregistrer(
        &mut autre,
        "autre-2025",
        "/parties",
        &[
            ("organisation", ""),
            ("nom", "CPAM du Calvados"),
            ("nature", "cpam"),
            ("roles", "partenaire"),
        ],
    )
    .await;

    // Removals.
    enregistrer(
        &mut c,
        "essai-2025",
        "/signature/retrait",
        &[("element", "avenant-1")],
    )
    .await;
    let partie = format!(
        "partie-{}",
        elements(&c.get(PAGE).await.texte(), "partie")[0]
    );
    enregistrer(
        &mut c,
        "essai-2025",
        "/signature/retrait",
        &[("element", &partie)],
    )
    .await;
    let page = c.get("/contrats/essai-2025").await.texte();
    assert!(
        c.get(PAGE)
            .await
            .texte()
            .contains("Aucune partie enregistrée.")
    );
    assert!(page.contains("<td>partie</td><td>ARS Normandie</td><td>—</td>"));
    // The directory keeps the organisation.
    assert_eq!(annuaire::lister(&appli.store).await.unwrap().len(), 2);
}

#[tokio::test]
async fn chaque_saisie_fautive_est_refusee_et_seul_le_coordinateur_modifie() {
    let appli = appli().await;
    let mut c = connecte(&appli, "coord@caen.fr").await;
    let avant = c.get("/contrats/essai-2025").await.corps;
    for (chemin, champs, message) in [
        ("/signature", vec![("date", "juin")], "juin"),
        (
            "/parties",
            vec![("organisation", "")],
            "Choisissez une organisation de l'annuaire ou indiquez le nom d'une nouvelle.",
        ),
        (
            "/parties",
            vec![("organisation", ""), ("nom", "X"), ("nature", "ovni")],
            "Nature d'organisation inconnu(e) « ovni »",
        ),
        (
            "/parties",
            vec![("organisation", ""), ("nom", "Mairie d'Auterive")],
            "Choisissez la nature de « Mairie d'Auterive » (commune, ARS, association…).",
        ),
        (
            "/parties",
            vec![
                ("organisation", ""),
                ("nom", "X"),
                ("nature", "association"),
                ("siren", "123"),
            ],
            "123",
        ),
        (
            "/parties",
            vec![("organisation", "999")],
            "L'annuaire n'a pas d'organisation n°999.",
        ),
        (
            "/parties",
            vec![
                ("organisation", ""),
                ("nom", "X"),
                ("nature", "association"),
                ("roles", "roi"),
            ],
            "Rôle inconnu(e) « roi »",
        ),
        (
            "/avenants",
            vec![("objet", " ")],
            "Indiquez l'objet de l'avenant.",
        ),
        (
            "/coordination",
            vec![("poste", "")],
            "Indiquez l'intitulé du poste de coordination.",
        ),
        (
            "/financements",
            vec![("financeur", "ARS")],
            "Décrivez d'abord le poste de coordination.",
        ),
        (
            "/coordination",
            vec![("poste", "Coordonnatrice"), ("contact", "écrire en mairie")],
            "Contact de la coordination « écrire en mairie » : indiquez une adresse électronique",
        ),
        (
            "/financements",
            vec![("financeur", "ARS"), ("montant", "beaucoup")],
            "beaucoup",
        ),
        (
            "/financements",
            vec![("financeur", "ARS"), ("periode", "2027")],
            "2027",
        ),
        (
            "/signature/retrait",
            vec![("element", "partie-3000")],
            "Le contrat n'a pas cet élément (partie n°3000).",
        ),
    ] {
        let r = poster(&mut c, "essai-2025", chemin, &champs).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{chemin} {champs:?}");
        assert!(r.texte().contains(message), "{message}\n{}", r.texte());
    }
    assert_eq!(c.get("/contrats/essai-2025").await.corps, avant);
    // The same organisation twice.
    let nouvelle = [
        ("organisation", ""),
        ("nom", "Mutualité"),
        ("nature", "association"),
    ];
    enregistrer(&mut c, "essai-2025", "/parties", &nouvelle).await;
    let r = poster(&mut c, "essai-2025", "/parties", &nouvelle).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte()
            .contains("« Mutualité » est déjà partie au contrat.")
    );
    // A stale version.
    let r = c
        .post(
            "/contrats/essai-2025/avenants",
            &[("version", "1"), ("objet", "Tardif")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.corps.contains(">Tardif</textarea>"));

    // A partner reads the contract but changes none of this; another coordinator does not
    // even see it.
    let mut p = connecte(&appli, "partenaire@caen.fr").await;
    assert_eq!(p.get(PAGE).await.status, StatusCode::FORBIDDEN);
    let r = p
        .post(
            "/contrats/essai-2025/avenants",
            &[("version", "1"), ("objet", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut autre = connecte(&appli, "coord@autre.fr").await;
    assert_eq!(autre.get(PAGE).await.status, StatusCode::NOT_FOUND);
}
