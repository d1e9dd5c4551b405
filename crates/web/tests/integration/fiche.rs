//! The fiche-action editor: what an action says, its calendar, indicator values, notes and
//! documents, saved by its pilot, each fault named beside its field, nothing half-saved.

use crate::support::application::{
    Appli, Navigateur, champ_cache, contrat as contrat_essai, elements,
};
use axum::http::StatusCode;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_stockage::{Cle, Stockage};
use pilote_store::{compte, contrat};

const MDP: &str = "un mot de passe assez long";
const FICHE: &str = "/contrats/essai-2025/fiches/2";

/// Contract essai-2025 (Caen and Hérouville, unpublished) with fiches 1 to 3; its pilot of
/// fiche 2 and a partner.
async fn appli() -> Appli {
    let appli = Appli::demarrer("http://localhost", None).await;
    contrat::creer(
        &appli.store,
        &contrat_essai("essai-2025", false, &["14118", "14327"], 3),
    )
    .await
    .unwrap();
    for (email, role) in [
        ("pilote@caen.fr", "pilote:essai-2025:2"),
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

async fn pilote(appli: &Appli) -> Navigateur<'_> {
    let mut p = appli.navigateur();
    p.connecter("pilote@caen.fr", MDP).await;
    p
}

/// Posts `champs` to `chemin` (under the fiche) with the version its page gives.
async fn poster(
    p: &mut Navigateur<'_>,
    chemin: &str,
    champs: &[(&str, &str)],
) -> crate::support::application::Reponse {
    let v = champ_cache(&p.get(FICHE).await.corps, "version").unwrap();
    let mut tous = vec![("version", v.as_str())];
    tous.extend_from_slice(champs);
    p.post(&format!("{FICHE}{chemin}"), &tous).await
}

async fn enregistrer(p: &mut Navigateur<'_>, chemin: &str, champs: &[(&str, &str)]) {
    let r = poster(p, chemin, champs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{chemin} : {}", r.texte());
}

const REDACTION: &[(&str, &str)] = &[
    ("titre", "Transport solidaire vers les soins"),
    ("contexte", "Peu de bus le dimanche"),
    ("objectifs", "Emmener les patients\n\nRamener les patients"),
    ("pilote_organisation", "CCAS de Caen"),
    ("pilote_nom", "Marie Curie"),
    ("partenaires", "Croix-Rouge\nCPAM du Calvados"),
    ("publics", "seniors"),
    ("publics", "personnes-precaires"),
    ("thematiques", "mobilite"),
    ("communes", "14327"),
    ("debut", "2025-03"),
    ("fin", "2027"),
];

#[tokio::test]
async fn le_pilote_redige_sa_fiche_et_chaque_champ_entre_dans_l_historique() {
    let appli = appli().await;
    let mut p = pilote(&appli).await;
    let page = p.get(FICHE).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.texte().contains("Hérouville-Saint-Clair (14327)"),
        "la commune se choisit"
    );
    enregistrer(&mut p, "", REDACTION).await;

    let page = p.get(FICHE).await.corps;
    assert!(page.contains("value=\"Transport solidaire vers les soins\""));
    assert!(page.contains(">Emmener les patients\nRamener les patients</textarea>"));
    for coche in [
        "id=\"redaction-2-public-seniors\" name=\"publics\" value=\"seniors\" checked",
        "id=\"redaction-2-commune-14327\" name=\"communes\" value=\"14327\" checked",
    ] {
        assert!(page.contains(coche), "{coche}");
    }
    assert!(page.contains("id=\"redaction-2-commune-14118\" name=\"communes\" value=\"14118\">"));
    let contrat = p.get("/contrats/essai-2025").await.texte();
    for attendu in [
        "Personnes en situation de précarité",
        "CCAS de Caen — Marie Curie",
        "<td>fiche-action n°2, communes</td><td>tout le territoire</td><td>14327</td>",
        "<td>fiche-action n°2, publics</td><td>—</td><td>Seniors ; Personnes en situation de précarité</td>",
        "<td>fiche-action n°2, début</td><td>—</td><td>2025-03</td>",
    ] {
        assert!(contrat.contains(attendu), "{attendu}");
    }
    // Saving the same again changes nothing and records nothing.
    let avant = contrat.matches("<tr><td>").count();
    enregistrer(&mut p, "", REDACTION).await;
    let apres = p.get("/contrats/essai-2025").await.texte();
    assert_eq!(apres.matches("<tr><td>").count(), avant);
}

#[tokio::test]
async fn une_fiche_fautive_est_refusee_champ_par_champ_sans_rien_enregistrer() {
    let appli = appli().await;
    let mut p = pilote(&appli).await;
    let avant = p.get("/contrats/essai-2025").await.corps;
    for (champ, valeur, message) in [
        ("titre", "", "Indiquez le titre de la fiche-action."),
        (
            "communes",
            "75056",
            "La commune 75056 n'appartient pas au territoire du contrat.",
        ),
        ("publics", "martiens", "Public inconnu(e) « martiens »"),
        ("debut", "mars 2025", "mars 2025"),
        ("fin", "2024", "La fin (2024) précède le début (2025-03)."),
    ] {
        let champs: Vec<(&str, &str)> = REDACTION
            .iter()
            .filter(|(n, _)| *n != champ)
            .copied()
            .chain([(champ, valeur)])
            .collect();
        let r = poster(&mut p, "", &champs).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{champ}");
        assert!(
            r.texte().contains(message),
            "{champ} : {message}\n{}",
            r.texte()
        );
        // What was typed is kept.
        assert!(r.corps.contains("value=\"CCAS de Caen\""), "{champ}");
    }
    assert_eq!(p.get("/contrats/essai-2025").await.corps, avant);
    // A stale version.
    let mut champs = REDACTION.to_vec();
    champs.push(("version", "1"));
    enregistrer(
        &mut p,
        "/notes",
        &[("date", "2025-04-01"), ("texte", "Lancement")],
    )
    .await;
    let r = p.post(FICHE, &champs).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.texte().contains("modifiée entre-temps"));
    assert!(r.texte().contains("fiche-action n°2, note"));
}

#[tokio::test]
async fn calendrier_valeurs_et_notes_se_suivent_et_se_retirent() {
    let appli = appli().await;
    let mut p = pilote(&appli).await;
    enregistrer(
        &mut p,
        "/etapes",
        &[
            ("libelle", "Recruter les bénévoles"),
            ("echeance", "2025-06"),
        ],
    )
    .await;
    enregistrer(&mut p, "/etapes", &[("libelle", "Premier trajet")]).await;
    let etapes = elements(&p.get(FICHE).await.texte(), "etape");
    enregistrer(
        &mut p,
        "/etapes/etat",
        &[("etape", &etapes[0]), ("faite", "oui")],
    )
    .await;
    enregistrer(
        &mut p,
        "/indicateurs",
        &[
            ("libelle", "Trajets effectués"),
            ("type", "processus"),
            ("cible_annee", "2026"),
            ("cible_valeur", "200"),
        ],
    )
    .await;
    let indicateur = &elements(&p.get(FICHE).await.texte(), "indicateur")[0];
    enregistrer(
        &mut p,
        "/mesures",
        &[
            ("indicateur", indicateur),
            ("date", "31/12/2025"),
            ("valeur", "87,5"),
            ("source", "Registre du CCAS"),
        ],
    )
    .await;
    enregistrer(
        &mut p,
        "/notes",
        &[("date", "1/4/2025"), ("texte", "Premier comité de suivi")],
    )
    .await;
    enregistrer(
        &mut p,
        "/cibles",
        &[
            ("indicateur", indicateur),
            ("annee", "2027"),
            ("valeur", "350"),
        ],
    )
    .await;
    let r = poster(
        &mut p,
        "/cibles",
        &[
            ("indicateur", indicateur),
            ("annee", "2027"),
            ("valeur", "400"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.texte()
            .contains("L'indicateur a déjà une cible pour 2027 : retirez-la d'abord.")
    );
    let page = p.get(FICHE).await.texte();
    for attendu in [
        "Recruter les bénévoles (échéance : juin 2025) — faite",
        "Premier trajet — à faire",
        "<td class=\"pilote-nombre\">87.5</td><td>Registre du CCAS</td>",
        "Premier comité de suivi",
        // Dates typed the French way (31/12/2025, 1/4/2025) read as they were meant.
        "31 décembre 2025",
        "1er avril 2025",
    ] {
        assert!(page.contains(attendu), "{attendu}\n{page}");
    }

    // Faults, each named.
    for (chemin, champs, message) in [
        (
            "/etapes",
            vec![("libelle", "")],
            "Indiquez le libellé de l'étape.",
        ),
        (
            "/etapes",
            vec![("libelle", "x"), ("echeance", "bientôt")],
            "bientôt",
        ),
        (
            "/mesures",
            vec![
                ("indicateur", indicateur.as_str()),
                ("date", "2025"),
                ("valeur", "beaucoup"),
            ],
            "« beaucoup » n'est pas un nombre.",
        ),
        (
            "/mesures",
            vec![("indicateur", "4000"), ("date", "2025"), ("valeur", "3")],
            "La fiche-action n'a pas cet élément (indicateur n°4000) : il a été retiré.",
        ),
        (
            "/mesures",
            vec![("indicateur", indicateur.as_str()), ("valeur", "3")],
            "Indiquez la date de la mesure.",
        ),
        (
            "/notes",
            vec![("date", "2025-05-02"), ("texte", " ")],
            "Écrivez la note.",
        ),
        (
            "/retrait",
            vec![("element", "note-9000")],
            "La fiche-action n'a pas cet élément (note n°9000) : il a été retiré.",
        ),
        (
            "/retrait",
            vec![("element", "tout")],
            "Élément de la fiche-action « tout » inconnu.",
        ),
    ] {
        let r = poster(&mut p, chemin, &champs).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{chemin} {champs:?}");
        assert!(r.texte().contains(message), "{message}\n{}", r.texte());
    }

    let page = p.get(FICHE).await.texte();
    for genre in ["mesure", "cible", "etape"] {
        let element = format!("{genre}-{}", elements(&page, genre)[0]);
        enregistrer(&mut p, "/retrait", &[("element", &element)]).await;
    }
    let page = p.get(FICHE).await.texte();
    assert!(!page.contains("87.5"));
    assert!(page.contains("<td>2027</td><td>Cible</td><td class=\"pilote-nombre\">350</td>"));
    assert!(!page.contains("<td>2026</td><td>Cible</td>"));
    assert!(!page.contains("Recruter les bénévoles"));
    let contrat = p.get("/contrats/essai-2025").await.texte();
    assert!(
        contrat.contains(
            "<td>fiche-action n°2, étape 1</td><td>Recruter les bénévoles</td><td>—</td>"
        )
    );
}

#[tokio::test]
async fn un_document_se_depose_se_lit_par_les_partenaires_et_se_retire() {
    let appli = appli().await;
    let mut p = pilote(&appli).await;
    let v = champ_cache(&p.get(FICHE).await.corps, "version").unwrap();
    let contenu = "Compte rendu du comité de suivi\n".repeat(100);
    let r = p
        .deposer(
            &format!("{FICHE}/documents"),
            &[
                ("version", &v),
                ("titre", "Compte rendu d'avril"),
                ("date", "2025-04"),
            ],
            ("CR avril 2025.txt", contenu.as_bytes()),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    let page = p.get(FICHE).await.texte();
    assert!(
        page.contains("Compte rendu d'avril</a> (avril 2025)"),
        "{page}"
    );
    let document = elements(&page, "document").remove(0);
    let adresse = format!("{FICHE}/documents/{document}");

    // A partner reads it; the public does not even learn it exists.
    let mut partenaire = appli.navigateur();
    partenaire.connecter("partenaire@caen.fr", MDP).await;
    let lu = partenaire.get(&adresse).await;
    assert_eq!(lu.status, StatusCode::OK);
    assert_eq!(lu.corps, contenu);
    assert_eq!(
        lu.entetes["content-disposition"],
        "attachment; filename=\"CR-avril-2025.txt\""
    );
    assert_eq!(lu.entetes["content-type"], "text/plain; charset=utf-8");
    assert_eq!(
        appli.navigateur().get(&adresse).await.status,
        StatusCode::NOT_FOUND
    );
    // The partner may not attach one.
    let r = partenaire
        .deposer(
            &format!("{FICHE}/documents"),
            &[("version", &v)],
            ("x.txt", b"x"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // An empty file, a bad date: refused, nothing kept.
    let v = champ_cache(&p.get(FICHE).await.corps, "version").unwrap();
    let r = p
        .deposer(
            &format!("{FICHE}/documents"),
            &[("version", &v)],
            ("vide.txt", b""),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.texte().contains("Choisissez le fichier à joindre"));
    let r = p
        .deposer(
            &format!("{FICHE}/documents"),
            &[("version", &v), ("date", "hier")],
            ("a.txt", b"a"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let fichiers = || walk(&appli.stockage.racine().join("contrats/essai-2025/fiches/2"));
    assert_eq!(fichiers().len(), 1, "seul le document accepté est stocké");
    // A stale version: the file deposited is removed again.
    let r = p
        .deposer(
            &format!("{FICHE}/documents"),
            &[("version", "1")],
            ("b.txt", b"b"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(fichiers().len(), 1);

    // Removed: the row and the file.
    let cle = fichiers().remove(0);
    enregistrer(
        &mut p,
        "/retrait",
        &[("element", &format!("document-{document}"))],
    )
    .await;
    assert!(fichiers().is_empty());
    let cle = Cle::parse(&cle).unwrap();
    assert!(appli.stockage.lire(&cle).await.is_err());
    assert_eq!(partenaire.get(&adresse).await.status, StatusCode::NOT_FOUND);
}

/// The files under `dossier`, as storage keys.
fn walk(dossier: &std::path::Path) -> Vec<String> {
    let Ok(entrees) = std::fs::read_dir(dossier) else {
        return Vec::new();
    };
    entrees
        .flatten()
        .map(|e| {
            format!(
                "contrats/essai-2025/fiches/2/{}",
                e.file_name().to_string_lossy()
            )
        })
        .filter(|c| !c.contains("/.depot-"))
        .collect()
}

#[tokio::test]
async fn un_pilote_ne_touche_qu_a_sa_fiche() {
    let appli = appli().await;
    let mut p = pilote(&appli).await;
    assert_eq!(
        p.get("/contrats/essai-2025/fiches/3").await.status,
        StatusCode::FORBIDDEN
    );
    let v = champ_cache(&p.get(FICHE).await.corps, "version").unwrap();
    let r = p
        .post(
            "/contrats/essai-2025/fiches/3/notes",
            &[("version", &v), ("date", "2025-01-01"), ("texte", "intrus")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        appli.navigateur().get(FICHE).await.status,
        StatusCode::NOT_FOUND
    );
}
