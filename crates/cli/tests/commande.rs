//! The `pilote` binary as a person runs it: bad input gets a French message naming the fault
//! and writes nothing.

use std::process::Command;

fn pilote(dossier: &std::path::Path, arguments: &[&str]) -> (bool, String) {
    let sortie = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .current_dir(dossier)
        .env("RUST_LOG", "warn")
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

#[test]
fn un_import_fautif_est_refuse_en_nommant_le_fichier_et_le_champ() {
    let dossier = tempfile::tempdir().unwrap();
    let mauvais = dossier.path().join("mauvais.toml");
    std::fs::write(
        &mauvais,
        "id = \"essai-2020\"\nnom = \"Essai\"\ngeneration = 1\nperiode = \"2024-2020\"\nterritoire = { communes = [\"14118\"] }\n",
    )
    .unwrap();
    let bon = dossier.path().join("bon.toml");
    std::fs::write(
        &bon,
        "id = \"essai-2020\"\nnom = \"Essai\"\ngeneration = 1\nperiode = \"2020-2024\"\nterritoire = { communes = [\"14118\"] }\n",
    )
    .unwrap();

    let (ok, texte) = pilote(dossier.path(), &["import", "mauvais.toml", "bon.toml"]);
    assert!(!ok);
    assert!(
        texte.contains("mauvais.toml") && texte.contains("avant de commencer"),
        "{texte}"
    );

    let (ok, texte) = pilote(dossier.path(), &["import", "bon.toml"]);
    assert!(ok, "{texte}");
    assert!(
        texte.contains("1 contrat(s) importé(s) : essai-2020"),
        "{texte}"
    );

    let (ok, texte) = pilote(dossier.path(), &["import", "bon.toml"]);
    assert!(!ok);
    assert!(
        texte.contains("un contrat « essai-2020 » existe déjà"),
        "{texte}"
    );
}

#[test]
fn une_adresse_de_base_inconnue_est_refusee_en_francais() {
    let dossier = tempfile::tempdir().unwrap();
    let (ok, texte) = pilote(
        dossier.path(),
        &["--database-url", "mysql://x@y/z", "migrate"],
    );
    assert!(!ok);
    assert!(texte.contains("non prise en charge « mysql: »"), "{texte}");
}
