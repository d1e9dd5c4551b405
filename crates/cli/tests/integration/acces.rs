//! `pilote access` as a person runs it: the APL from files, without a database; bad input
//! refused with its line and column, or set aside on request.

use std::path::Path;
use std::process::Command;

pub(crate) fn pilote(dossier: &Path, arguments: &[&str]) -> (bool, String) {
    let sortie = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .current_dir(dossier)
        .env("RUST_LOG", "warn")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .args(arguments)
        .output()
        .unwrap();
    let texte = format!(
        "{}{}",
        String::from_utf8_lossy(&sortie.stdout),
        String::from_utf8_lossy(&sortie.stderr)
    );
    (sortie.status.success(), texte)
}

/// Three communes A, B, C (the real file's columns, population in `population_2021`):
/// A–B 12 min, B–C 18 min, A–C 25 min; 1,000, 2,000 and 500 inhabitants; 3,000, 0 and
/// 1,000 consultations a year.
fn trois_communes(dossier: &Path) {
    std::fs::write(
        dossier.join("communes.csv"),
        "code_insee,nom,departement,lat,lon,population_2021\n\
         A,Aville,14,49.0,0.0,1000\nB,Bville,14,49.1,0.0,2000\nC,Cville,14,49.2,0.0,500\n",
    )
    .unwrap();
    std::fs::write(
        dossier.join("offre.csv"),
        "code_insee,offre\nA,3000\nC,1000\n",
    )
    .unwrap();
    std::fs::write(
        dossier.join("od.csv"),
        "origine,destination,minutes\nA,B,12\nB,A,12\nB,C,18\nC,B,18\nA,C,25\nC,A,25\n",
    )
    .unwrap();
}

fn lire_apl(chemin: &Path) -> Vec<(String, f64, String)> {
    let texte = std::fs::read_to_string(chemin).unwrap();
    let mut lignes = texte.lines();
    assert_eq!(lignes.next(), Some("code_insee,apl,sous_dense"));
    lignes
        .map(|l| {
            let champs: Vec<&str> = l.split(',').collect();
            (
                champs[0].to_owned(),
                champs[1].parse().unwrap(),
                champs[2].to_owned(),
            )
        })
        .collect()
}

#[test]
fn compute_ecrit_l_apl_et_le_bilan_sans_ouvrir_de_base() {
    let dossier = tempfile::tempdir().unwrap();
    let d = dossier.path();
    trois_communes(d);
    let (ok, texte) = pilote(
        d,
        &[
            "access",
            "compute",
            "--communes",
            "communes.csv",
            "--supply",
            "offre.csv",
            "--od",
            "od.csv",
            "--out",
            "apl.csv",
        ],
    );
    assert!(ok, "{texte}");
    // R_A = 3000 / (1000 + 2000·2/3) = 9/7, R_C = 1000 / (2000·1/3 + 500) = 6/7;
    // A = (9/7, 9/7·2/3 + 6/7·1/3, 6/7) = (9/7, 8/7, 6/7); mean (9000 + 16000 + 3000)/7/3500.
    let apl = lire_apl(&d.join("apl.csv"));
    let attendu = [("A", 9.0 / 7.0), ("B", 8.0 / 7.0), ("C", 6.0 / 7.0)];
    for ((code, valeur, sous_dense), (code_attendu, valeur_attendue)) in apl.iter().zip(attendu) {
        assert_eq!(code, code_attendu);
        assert!((valeur - valeur_attendue).abs() < 1e-12, "{apl:?}");
        assert_eq!(sous_dense, "true");
    }
    assert!(
        texte.contains("APL moyenne pondérée par la population : 1.143")
            && texte.contains("sous le seuil de 2.5 : 3 commune(s), 100.0 % de la population"),
        "{texte}"
    );
    assert!(
        !d.join("pilote.db").exists(),
        "access ne doit pas ouvrir de base"
    );

    // From the centroids (0.1° of latitude = 11.1 km = 12.4 min at 70 km/h with detour 1.3),
    // with another threshold.
    let (ok, texte) = pilote(
        d,
        &[
            "access",
            "compute",
            "--communes",
            "communes.csv",
            "--supply",
            "offre.csv",
            "--threshold",
            "1",
            "--out",
            "centroides.csv",
        ],
    );
    assert!(ok, "{texte}");
    assert!(texte.contains("estimés depuis les centroïdes"), "{texte}");
    let sous_denses: Vec<String> = lire_apl(&d.join("centroides.csv"))
        .into_iter()
        .map(|(_, apl, sous_dense)| format!("{}:{sous_dense}", apl < 1.0))
        .collect();
    assert!(
        sous_denses
            .iter()
            .all(|s| s == "true:true" || s == "false:false")
    );
}

#[test]
fn une_ligne_fautive_arrete_tout_en_nommant_ligne_et_colonne() {
    let dossier = tempfile::tempdir().unwrap();
    let d = dossier.path();
    trois_communes(d);
    std::fs::write(
        d.join("od.csv"),
        "origine,destination,minutes\nA,B,12\nB,A,douze\nZ,C,18\n",
    )
    .unwrap();
    let arguments = [
        "access",
        "compute",
        "--communes",
        "communes.csv",
        "--supply",
        "offre.csv",
        "--od",
        "od.csv",
        "--out",
        "apl.csv",
    ];
    let (ok, texte) = pilote(d, &arguments);
    assert!(!ok);
    assert!(
        texte.contains("od.csv, ligne 3, colonne 3 « minutes » : « douze » n'est pas un nombre"),
        "{texte}"
    );
    assert!(
        !d.join("apl.csv").exists(),
        "rien n'est écrit sur une entrée partielle"
    );

    let (ok, texte) = pilote(d, &[&arguments[..], &["--skip-bad-rows"]].concat());
    assert!(ok, "{texte}");
    assert!(
        texte.contains("od.csv : 2 ligne(s) fautive(s) sautée(s)")
            && texte.contains("ligne 3, colonne 3 « minutes » : « douze » n'est pas un nombre")
            && texte.contains(
                "ligne 4, colonne 1 « origine » : commune « Z » absente du fichier des communes"
            ),
        "{texte}"
    );
    assert_eq!(lire_apl(&d.join("apl.csv")).len(), 3);

    std::fs::write(
        d.join("communes.csv"),
        "code_insee;lat;population\nA;49;1\n",
    )
    .unwrap();
    let (ok, texte) = pilote(d, &arguments);
    assert!(!ok);
    assert!(
        texte.contains("communes.csv, ligne 1 : colonne « lon » absente"),
        "{texte}"
    );
}

#[test]
fn simulate_liste_les_communes_touchees_et_les_changements_de_classe() {
    let dossier = tempfile::tempdir().unwrap();
    let d = dossier.path();
    trois_communes(d);
    let base = [
        "access",
        "simulate",
        "--communes",
        "communes.csv",
        "--supply",
        "offre.csv",
        "--od",
        "od.csv",
        "--threshold",
        "1.2",
    ];
    // +1000 at B: A 9/7 → 181/119, B 8/7 → 178/119 (crosses 1.2), C 6/7 → 116/119.
    let (ok, texte) = pilote(d, &[&base[..], &["--change", "B=+1000"]].concat());
    assert!(ok, "{texte}");
    assert!(
        texte.contains("Scénario : 3 commune(s) touchée(s)")
            && texte.contains("1.1429       1.4958")
            && texte
                .contains("Changements de classe : 1 commune(s) : B (sort de la sous-densité)."),
        "{texte}"
    );
    // −3000 at A in two changes: A and B only (C is beyond 20 min of A); A falls to 0.
    let (ok, texte) = pilote(
        d,
        &[&base[..], &["--change", "A=-1000", "--change", "A=-2000"]].concat(),
    );
    assert!(ok, "{texte}");
    assert!(
        texte.contains("Scénario : 2 commune(s) touchée(s)")
            && texte.contains("Changements de classe : 1 commune(s) : A (devient sous-dense)."),
        "{texte}"
    );
    for (changement, attendu) in [
        ("C=-2000", "l'offre de la commune C deviendrait négative"),
        ("Z=+1", "changement « Z=+1 » : commune inconnue"),
        ("A+1", "changement « A+1 » illisible"),
    ] {
        let (ok, texte) = pilote(d, &[&base[..], &["--change", changement]].concat());
        assert!(!ok && texte.contains(attendu), "{changement} : {texte}");
    }
}

#[test]
fn l_offre_se_lit_dans_l_extrait_rpps() {
    let dossier = tempfile::tempdir().unwrap();
    let d = dossier.path();
    trois_communes(d);
    std::fs::write(
        d.join("rpps.txt"),
        "Identifiant PP|Code profession|Libellé profession|Code savoir-faire|Libellé savoir-faire|Code commune (coord. structure)|\n\
         10001|10|Médecin|SM54|Médecine Générale|A|\n\
         10002|10|Médecin|SM53|Spécialiste en Médecine Générale|C|\n\
         10002|10|Médecin|SM53|Spécialiste en Médecine Générale|14118|\n\
         10003|10|Médecin|SM02|Anesthésie-réanimation|A|\n",
    )
    .unwrap();
    // A: one GP (1 × 3000); C: half of 10002 (0.5 × 3000 = 1500), the other half is elsewhere.
    let (ok, texte) = pilote(
        d,
        &[
            "access",
            "compute",
            "--communes",
            "communes.csv",
            "--rpps",
            "rpps.txt",
            "--consultations-per-unit",
            "3000",
            "--od",
            "od.csv",
            "--out",
            "apl.csv",
        ],
    );
    assert!(ok, "{texte}");
    assert!(
        texte.contains("RPPS : 2 médecins généralistes exerçant dans ces communes ; 1 lieu(x) d'exercice hors de ces communes non comptés."),
        "{texte}"
    );
    // R_A = 9/7 as before, R_C = 1500 / (3500/3) = 9/7: A_C = 9/7.
    let apl = lire_apl(&d.join("apl.csv"));
    assert!((apl[2].1 - 9.0 / 7.0).abs() < 1e-12, "{apl:?}");
}
