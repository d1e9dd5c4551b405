//! `pilote backup` and `pilote restore` as an administrator runs them: an archive with the
//! documents' files restored into a new SQLite database and a new document folder, and (with
//! `PILOTE_TEST_POSTGRES_URL`) into PostgreSQL; the refusals, in French, restoring nothing.

use std::path::Path;
use std::process::Command;

fn pilote(dossier: &Path, arguments: &[&str]) -> (bool, String) {
    let sortie = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .current_dir(dossier)
        .env("RUST_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .env_remove("PILOTE_DATABASE_URL")
        .env_remove("PILOTE_DOCUMENTS")
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

const CLE: &str = "contrats/essai-2020/fiches/1.1/0123-compte-rendu.pdf";

/// A database `pilote.db` holding a contract with a document whose file is in `documents/`,
/// and an account.
fn preparer(d: &Path) {
    std::fs::write(
        d.join("essai.toml"),
        format!(
            "id = \"essai-2020\"\nnom = \"Essai\"\ngeneration = 1\nperiode = \"2020-2024\"\n\
             territoire = {{ communes = [\"14118\"] }}\n\n[[axes]]\nnumero = 1\n\
             titre = \"Accès aux soins\"\n\n[[axes.fiches_actions]]\nnumero = \"1.1\"\n\
             titre = \"Transport\"\ndocuments = [{{ titre = \"Compte rendu\", \
             reference = \"{CLE}\" }}]\n"
        ),
    )
    .unwrap();
    let (ok, texte) = pilote(d, &["import", "essai.toml"]);
    assert!(ok, "{texte}");
    let (ok, texte) = pilote(d, &["user", "add", "marie@caen.fr"]);
    assert!(ok, "{texte}");
    let fichier = d.join("documents").join(CLE);
    std::fs::create_dir_all(fichier.parent().unwrap()).unwrap();
    std::fs::write(&fichier, b"%PDF-1.7 compte rendu").unwrap();
}

#[test]
fn une_sauvegarde_se_restaure_ailleurs_avec_ses_documents() {
    let dossier = tempfile::tempdir().unwrap();
    let d = dossier.path();
    preparer(d);

    let (ok, texte) = pilote(
        d,
        &[
            "backup",
            "archive.jsonl",
            "--avec-documents",
            "--documents",
            "dossier:documents",
        ],
    );
    assert!(ok, "{texte}");
    assert!(
        texte.contains("Sauvegarde écrite dans archive.jsonl")
            && texte.contains("(1 contrat(s), 1 compte(s)), 1 document(s)"),
        "{texte}"
    );
    assert!(!d.join("archive.jsonl.partielle").exists());

    let (ok, texte) = pilote(
        d,
        &[
            "--database-url",
            "sqlite://copie.db",
            "restore",
            "archive.jsonl",
            "--documents",
            "copie-documents",
        ],
    );
    assert!(ok, "{texte}");
    assert!(
        texte.contains("restaurée dans sqlite://copie.db")
            && texte.contains("(1 contrat(s), 1 compte(s)), 1 document(s)")
            && texte.contains("chacun se reconnecte"),
        "{texte}"
    );
    assert_eq!(
        std::fs::read(d.join("copie-documents").join(CLE)).unwrap(),
        b"%PDF-1.7 compte rendu"
    );
    // The restored database answers as the first: same account, same journal.
    let (_, comptes) = pilote(d, &["--database-url", "sqlite://copie.db", "user", "list"]);
    assert!(comptes.contains("marie@caen.fr"), "{comptes}");
    // The journal too, the backup itself aside (noted afterwards, in the source only).
    let journal = |base: &str| pilote(d, &["--database-url", base, "journal", "list"]).1;
    let source = journal("sqlite://pilote.db");
    let (sauvegarde, reste) = source.split_once('\n').unwrap();
    assert!(
        sauvegarde.contains("base entière\tsauvegarde : "),
        "{source}"
    );
    assert_eq!(reste, journal("sqlite://copie.db"));

    // Again into the same database: refused, it is no longer empty.
    let (ok, texte) = pilote(
        d,
        &[
            "--database-url",
            "sqlite://copie.db",
            "restore",
            "archive.jsonl",
        ],
    );
    assert!(!ok);
    assert!(
        texte.contains("restauration de archive.jsonl")
            && texte.contains("la base de destination n'est pas vide"),
        "{texte}"
    );
}

#[test]
fn une_sauvegarde_fautive_ou_absente_est_refusee_en_francais() {
    let dossier = tempfile::tempdir().unwrap();
    let d = dossier.path();
    let (ok, texte) = pilote(d, &["backup", "archive.jsonl"]);
    assert!(!ok);
    assert!(texte.contains("la base pilote.db n'existe pas"), "{texte}");
    assert!(
        !d.join("pilote.db").exists(),
        "une sauvegarde ne crée pas la base"
    );

    preparer(d);
    let (ok, texte) = pilote(
        d,
        &[
            "backup",
            "archive.jsonl",
            "--avec-documents",
            "--documents",
            "documents",
        ],
    );
    assert!(ok, "{texte}");
    let (ok, texte) = pilote(d, &["backup", "-"]);
    assert!(ok, "{texte}");
    assert!(
        texte.starts_with("{\"format\":\"pilote-sauvegarde\""),
        "{texte}"
    );

    let archive = std::fs::read_to_string(d.join("archive.jsonl")).unwrap();
    let coupee = &archive[..archive.trim_end().rfind('\n').unwrap() + 1];
    std::fs::write(d.join("coupee.jsonl"), coupee).unwrap();
    for (base, fichier, attendu) in [
        (
            "sqlite://a.db",
            "essai.toml",
            "n'est pas une sauvegarde de Pilote",
        ),
        ("sqlite://b.db", "absente.jsonl", "lecture de absente.jsonl"),
        ("sqlite://c.db", "coupee.jsonl", "sauvegarde tronquée"),
    ] {
        let (ok, texte) = pilote(
            d,
            &[
                "--database-url",
                base,
                "restore",
                fichier,
                "--documents",
                "remis",
            ],
        );
        assert!(!ok, "{texte}");
        assert!(texte.contains(attendu), "{fichier} : {texte}");
    }
    assert!(
        !d.join("remis").join(CLE).exists(),
        "le document remis par une restauration échouée est retiré"
    );
}

/// From SQLite to PostgreSQL: `backup`, then `restore --database-url postgres://…`.
#[test]
fn de_sqlite_a_postgres_par_sauvegarde_et_restauration() {
    let Ok(url) = std::env::var("PILOTE_TEST_POSTGRES_URL") else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : passage à PostgreSQL non essayé");
        return;
    };
    let dossier = tempfile::tempdir().unwrap();
    let d = dossier.path();
    preparer(d);
    let (ok, texte) = pilote(d, &["backup", "archive.jsonl"]);
    assert!(ok, "{texte}");

    let nom = format!("pilote_cli_{}", std::process::id());
    let (serveur, _) = url.rsplit_once('/').unwrap();
    let cible = format!("{serveur}/{nom}");
    let executer = |sql: String| {
        let url = url.clone();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                use sqlx::Connection;
                let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
                sqlx::query(&sql).execute(&mut admin).await.unwrap();
            });
    };
    executer(format!("DROP DATABASE IF EXISTS {nom} WITH (FORCE)"));
    executer(format!("CREATE DATABASE {nom}"));
    let (ok, texte) = pilote(d, &["--database-url", &cible, "restore", "archive.jsonl"]);
    let (_, comptes) = pilote(d, &["--database-url", &cible, "user", "list"]);
    let (ok_bis, texte_bis) = pilote(d, &["--database-url", &cible, "backup", "retour.jsonl"]);
    executer(format!("DROP DATABASE {nom} WITH (FORCE)"));
    assert!(ok, "{texte}");
    assert!(
        texte.contains("(1 contrat(s), 1 compte(s))") && texte.contains("copiez-les à part"),
        "{texte}"
    );
    assert!(comptes.contains("marie@caen.fr"), "{comptes}");
    assert!(ok_bis, "{texte_bis}");
    let lignes = |t: &str| {
        t.split(" lignes")
            .next()
            .unwrap()
            .rsplit(' ')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(lignes(&texte), lignes(&texte_bis), "{texte}\n{texte_bis}");
}
