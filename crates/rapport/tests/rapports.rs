//! Reports made from a contract and read back by real readers: the PDF's text and structure
//! tree by poppler (pdftotext, pdfinfo -struct-text), its pages rendered (pdftoppm, when
//! `PILOTE_RAPPORTS_IMAGES` names a folder to look at them), the ODT by its XML.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use pilote_domain::DatePartielle;
use pilote_domain::contrat::Contrat;
use pilote_domain::rapport::TypeRapport;
use pilote_rapport::Rapport;

fn contrat() -> Contrat {
    toml::from_str(include_str!("contrat.toml")).unwrap()
}

fn rapport(c: &Contrat, genre: TypeRapport) -> Rapport<'_> {
    Rapport {
        contrat: c,
        territoire: "1 commune, 106 000 habitants".to_owned(),
        genre,
        jour: DatePartielle::jour(2026, 12, 4).unwrap(),
        introduction: Some(
            "L'année 2025 a vu « l'ouverture » de la maison de santé #1 [essai] $x$ *gras* _souligné_.\n\nUn second paragraphe.".to_owned(),
        ),
        conclusion: Some("Poursuivre en 2026.".to_owned()),
    }
}

/// What poppler's `programme` writes of `pdf` with `arguments` (pdftotext writes to `-`, the
/// standard output); `None` when poppler is missing (outside the CI, which installs it and
/// sets `PILOTE_TEST_POPPLER`).
fn poppler(programme: &str, arguments: &[&str], pdf: &Path) -> Option<String> {
    let mut commande = Command::new(programme);
    commande.args(arguments).arg(pdf);
    if programme == "pdftotext" {
        commande.arg("-");
    }
    let sortie = commande.output();
    match sortie {
        Ok(s) => {
            assert!(s.status.success(), "{programme} : {s:?}");
            Some(String::from_utf8_lossy(&s.stdout).into_owned())
        }
        Err(_) => {
            assert!(
                std::env::var_os("PILOTE_TEST_POPPLER").is_none(),
                "PILOTE_TEST_POPPLER : {programme} est introuvable"
            );
            eprintln!("poppler absent : {programme} non essayé");
            None
        }
    }
}

#[test]
fn le_bilan_annuel_est_un_pdf_ua_balise_qui_dit_le_contrat() {
    let c = contrat();
    let pdf = rapport(&c, TypeRapport::Annuel(2025)).pdf().unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    let brut = String::from_utf8_lossy(&pdf);
    // PDF/UA-1: identified in the metadata, tagged, its language and title declared.
    assert!(brut.contains("pdfuaid:part"), "identification PDF/UA");
    assert!(brut.contains("/StructTreeRoot"));
    assert!(brut.contains("/Marked true"));
    assert!(brut.contains("/DisplayDocTitle true"));

    let dossier = tempfile::tempdir().unwrap();
    let fichier = dossier.path().join("bilan.pdf");
    std::fs::write(&fichier, &pdf).unwrap();
    if let Some(texte) = poppler("pdftotext", &["-layout"], &fichier) {
        for attendu in [
            "Bilan annuel 2025",
            "Contrat local de santé du Pays d'essai 2024-2028",
            "Sommaire",
            "Introduction",
            "« l'ouverture » de la maison de santé #1 [essai] $x$ *gras* _souligné_",
            "Fiche-action n°1.1 — Accueillir les internes en médecine",
            "Lignes de budget de 2025",
            "Internes accueillis chaque année",
            "Comité de pilotage",
            "Poursuivre en 2026.",
        ] {
            assert!(
                texte.contains(attendu),
                "manque « {attendu} » dans\n{texte}"
            );
        }
        assert!(
            !texte.contains("2024-03-10"),
            "une réunion de 2024 n'est pas au bilan 2025"
        );
    }
    if let Some(structure) = poppler("pdfinfo", &["-struct-text"], &fichier) {
        for balise in [
            "Document", "H1", "Table", "TH", "TD", "Figure", "L", "LI", "P",
        ] {
            assert!(
                structure
                    .lines()
                    .any(|l| l.trim_start().starts_with(balise)),
                "pas de balise {balise} dans l'arbre de structure :\n{structure}"
            );
        }
    }
    if let Some(images) = std::env::var_os("PILOTE_RAPPORTS_IMAGES") {
        std::fs::copy(&fichier, Path::new(&images).join("bilan-2025.pdf")).unwrap();
        let statut = Command::new("pdftoppm")
            .args(["-png", "-r", "60"])
            .arg(&fichier)
            .arg(Path::new(&images).join("bilan-2025"))
            .status()
            .unwrap();
        assert!(statut.success());
    }
}

#[test]
fn le_rapport_d_evaluation_reprend_les_evaluations_et_les_realisations() {
    let c = contrat();
    let r = rapport(&c, TypeRapport::Evaluation);
    let document = r.document();
    assert_eq!(document.titre, "Rapport d'évaluation");
    let pdf = r.pdf().unwrap();
    let dossier = tempfile::tempdir().unwrap();
    let fichier = dossier.path().join("evaluation.pdf");
    std::fs::write(&fichier, &pdf).unwrap();
    if let Some(texte) = poppler("pdftotext", &[], &fichier) {
        for attendu in [
            "Évaluation à mi-parcours",
            "Pertinence",
            "Recommandations",
            "Réalisations",
            "Ouverture de la maison de santé",
        ] {
            assert!(texte.contains(attendu), "manque « {attendu} »");
        }
    }
}

#[test]
fn le_texte_modifiable_est_un_odt_avec_titres_tableaux_et_graphiques() {
    let c = contrat();
    let odt = rapport(&c, TypeRapport::Annuel(2025)).odt().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(odt)).unwrap();
    let mut contenu = String::new();
    archive
        .by_name("content.xml")
        .unwrap()
        .read_to_string(&mut contenu)
        .unwrap();
    assert!(contenu.contains(
        "<text:h text:style-name=\"Heading_20_1\" text:outline-level=\"1\">Synthèse</text:h>"
    ));
    assert!(contenu.contains("<table:table-header-rows>"));
    assert!(contenu.contains("xlink:href=\"Pictures/graphique-1.svg\""));
    assert!(contenu.contains("maison de santé #1 [essai]"));
    assert!(archive.by_name("Pictures/graphique-1.svg").is_ok());
}
