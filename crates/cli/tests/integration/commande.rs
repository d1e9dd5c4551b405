//! The `pilote` binary as a person runs it: bad input gets a French message naming the fault
//! and writes nothing; `pilote rappels` as a cron runs it.

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

#[test]
fn les_comptes_se_gerent_en_ligne_de_commande() {
    let dossier = tempfile::tempdir().unwrap();
    let d = dossier.path();
    let (ok, texte) = pilote(d, &["user", "add", "Marie@Caen.fr", "--nom", "Marie"]);
    assert!(ok, "{texte}");
    let mot_de_passe = texte.trim_end().rsplit(' ').next().unwrap();
    assert!(
        texte.contains("« marie@caen.fr » créé") && mot_de_passe.len() == 20,
        "{texte}"
    );
    assert!(
        texte.contains("Mot de passe provisoire, à changer à la première connexion"),
        "{texte}"
    );
    // A reset issues another provisional password.
    let (ok, texte) = pilote(d, &["user", "reset", "marie@caen.fr"]);
    assert!(ok, "{texte}");
    let nouveau = texte.trim_end().rsplit(' ').next().unwrap();
    assert!(
        texte.contains("« marie@caen.fr » réinitialisé")
            && texte.contains("à changer à la première connexion")
            && nouveau.len() == 20
            && nouveau != mot_de_passe,
        "{texte}"
    );

    let (ok, texte) = pilote(d, &["user", "grant", "marie@caen.fr", "ars:region:28"]);
    assert!(ok, "{texte}");
    let (ok, texte) = pilote(d, &["user", "list"]);
    assert!(
        ok && texte.contains("marie@caen.fr\tMarie\tars:region:28"),
        "{texte}"
    );

    for (arguments, attendu) in [
        (
            vec!["user", "add", "pas-une-adresse"],
            "adresse électronique invalide « pas-une-adresse »",
        ),
        (
            vec!["user", "add", "marie@caen.fr"],
            "un compte « marie@caen.fr » existe déjà",
        ),
        (
            vec!["user", "grant", "marie@caen.fr", "chef"],
            "rôle inconnu « chef »",
        ),
        (
            vec!["user", "grant", "marie@caen.fr", "coordinateur:absent-2020"],
            "aucun contrat « absent-2020 »",
        ),
        (
            vec!["user", "grant", "inconnu@caen.fr", "ars:national"],
            "aucun compte « inconnu@caen.fr »",
        ),
        (
            vec!["user", "revoke", "marie@caen.fr", "ars:national"],
            "n'a pas le rôle ars:national",
        ),
        (
            vec!["user", "reset", "inconnu@caen.fr"],
            "aucun compte « inconnu@caen.fr »",
        ),
    ] {
        let (ok, texte) = pilote(d, &arguments);
        assert!(!ok && texte.contains(attendu), "{arguments:?} : {texte}");
    }
    let (ok, texte) = pilote(d, &["user", "revoke", "marie@caen.fr", "ars:region:28"]);
    assert!(ok, "{texte}");
    let (_, texte) = pilote(d, &["user", "list"]);
    assert!(texte.contains("(aucun rôle)"), "{texte}");
}

#[test]
fn le_premier_administrateur_n_est_cree_que_sur_une_base_sans_compte() {
    let dossier = tempfile::tempdir().unwrap();
    let d = dossier.path();
    // `serve` would keep running: bind an address already taken so that it stops right after
    // the start-up work.
    let occupe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let adresse = occupe.local_addr().unwrap().to_string();
    let (ok, texte) = pilote(
        d,
        &[
            "serve",
            "--listen",
            &adresse,
            "--admin-email",
            "admin@ars.fr",
        ],
    );
    assert!(!ok && texte.contains("impossible d'écouter"), "{texte}");
    assert!(
        texte.contains("Administrateur « admin@ars.fr » créé")
            && texte.contains("à changer à la première connexion"),
        "{texte}"
    );
    let (_, texte) = pilote(
        d,
        &[
            "serve",
            "--listen",
            &adresse,
            "--admin-email",
            "autre@ars.fr",
        ],
    );
    assert!(!texte.contains("Administrateur"), "{texte}");
    let (_, texte) = pilote(d, &["user", "list"]);
    assert!(
        texte.contains("admin@ars.fr\t\tadministrateur") && !texte.contains("autre@ars.fr"),
        "{texte}"
    );
}

#[test]
fn le_journal_se_lit_et_se_purge_selon_la_retention() {
    let dossier = tempfile::tempdir().unwrap();
    let (ok, texte) = pilote(dossier.path(), &["user", "add", "marie@caen.fr"]);
    assert!(ok, "{texte}");
    let (ok, texte) = pilote(dossier.path(), &["journal", "purge"]);
    assert!(ok, "{texte}");
    assert!(
        texte.contains("Journal : 0 entrée(s) de plus de 12 mois supprimée(s)."),
        "{texte}"
    );
    let (ok, texte) = pilote(dossier.path(), &["journal", "list", "--nombre", "5"]);
    assert!(ok, "{texte}");
    assert!(
        texte.contains("administration\tligne de commande\tcréation\tcompte marie@caen.fr"),
        "{texte}"
    );
    let (ok, texte) = pilote(
        dossier.path(),
        &["journal", "purge", "--journal-conservation-mois", "douze"],
    );
    assert!(!ok);
    assert!(
        texte.contains("--journal-conservation-mois / PILOTE_JOURNAL_CONSERVATION_MOIS")
            && texte.contains("« douze » n'est pas un nombre entier"),
        "{texte}"
    );
}

/// One configuration: a file, the environment over it, the options over both; `pilote
/// config` prints what results, secrets masked; a wrong key is named with its line.
#[test]
fn la_configuration_se_lit_en_couches_et_s_affiche_sans_secret() {
    let dossier = tempfile::tempdir().unwrap();
    std::fs::write(
        dossier.path().join("pilote.toml"),
        "titre = \"ARS Bretagne\"\nconnexions = 4\ndatabase_url = \"postgres://pilote:secret@db/pilote\"\n",
    )
    .unwrap();
    let sortie = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .current_dir(dossier.path())
        .env("PILOTE_CONFIG", "pilote.toml")
        .env("PILOTE_CONNEXIONS", "6")
        .env("PILOTE_DELAI_REQUETE_SECONDES", "30")
        .args(["config", "--delai-requete-secondes", "45"])
        .output()
        .unwrap();
    let texte = String::from_utf8_lossy(&sortie.stdout);
    assert!(sortie.status.success(), "{texte}");
    for attendu in [
        "titre = \"ARS Bretagne\"",
        "connexions = 6",
        "delai_requete_secondes = 45",
        "database_url = \"postgres://pilote:***@db/pilote\"",
        "listen = \"127.0.0.1:3000\"",
    ] {
        assert!(texte.contains(attendu), "{attendu} absent de\n{texte}");
    }
    assert!(!texte.contains("secret"), "{texte}");
    std::fs::write(
        dossier.path().join("faux.toml"),
        "titre = \"x\"\nport = 80\n",
    )
    .unwrap();
    let (ok, texte) = pilote(dossier.path(), &["config", "--config", "faux.toml"]);
    assert!(!ok);
    assert!(
        texte.contains("faux.toml, ligne 2") && texte.contains("clé inconnue « port »"),
        "{texte}"
    );
}

#[test]
fn une_configuration_de_service_incomplete_est_refusee() {
    let dossier = tempfile::tempdir().unwrap();
    let (ok, texte) = pilote(
        dossier.path(),
        &[
            "serve",
            "--url-publique",
            "pilote.example.fr",
            "--listen",
            "127.0.0.1:0",
        ],
    );
    assert!(!ok);
    assert!(
        texte.contains("doit commencer par http:// ou https://"),
        "{texte}"
    );
    let (ok, texte) = pilote(
        dossier.path(),
        &[
            "serve",
            "--oidc-discovery-url",
            "https://fca.example/.well-known/openid-configuration",
        ],
    );
    assert!(!ok);
    assert!(texte.contains("oidc_client_id"), "{texte}");
}

/// A workbook as Excel writes them (rust_xlsxwriter): sheets of text lines, the first their
/// headers.
fn classeur(chemin: &std::path::Path, feuilles: &[(&str, &[&[&str]])]) {
    let mut classeur = rust_xlsxwriter::Workbook::new();
    for (nom, lignes) in feuilles {
        let feuille = classeur.add_worksheet();
        feuille.set_name(*nom).unwrap();
        for (l, ligne) in lignes.iter().enumerate() {
            for (c, texte) in ligne.iter().enumerate() {
                feuille.write_string(l as u32, c as u16, *texte).unwrap();
            }
        }
    }
    classeur.save(chemin).unwrap();
}

#[test]
fn un_plan_s_importe_d_un_tableur_et_ses_fautes_sont_localisees() {
    let dossier = tempfile::tempdir().unwrap();
    let contrat: &[&[&str]] = &[
        &[
            "Identifiant",
            "Nom",
            "Génération",
            "Début",
            "Fin",
            "Communes",
        ],
        &[
            "tableur-2024",
            "CLS tiré d'un tableur",
            "1",
            "2024",
            "2028",
            "14118",
        ],
    ];
    let axes: &[&[&str]] = &[&["Numéro", "Titre"], &["1", "Accès aux soins"]];
    let fautives: &[&[&str]] = &[
        &["Axe", "Numéro", "Titre", "Statut"],
        &["1", "1.1", "Maison de santé", "en cours"],
        &["3", "1.2", "", "presque finie"],
    ];
    classeur(
        &dossier.path().join("fautif.xlsx"),
        &[
            ("Contrat", contrat),
            ("Axes", axes),
            ("Fiches-actions", fautives),
        ],
    );
    let (ok, texte) = pilote(dossier.path(), &["import", "fautif.xlsx"]);
    assert!(!ok);
    for attendu in [
        "fautif.xlsx : 3 erreur(s)",
        "feuille « Fiches-actions », ligne 3, colonne A (« Axe ») : la feuille « Axes » n'a pas d'axe n°3",
        "feuille « Fiches-actions », ligne 3, colonne C (« Titre ») : indiquez le titre",
        "feuille « Fiches-actions », ligne 3, colonne D (« Statut ») : « presque finie » inconnu",
    ] {
        assert!(texte.contains(attendu), "{attendu}\n{texte}");
    }

    let fiches: &[&[&str]] = &[
        &["Axe", "Numéro", "Titre"],
        &["1", "1.1", "Maison de santé"],
    ];
    classeur(
        &dossier.path().join("plan.xlsx"),
        &[
            ("Contrat", contrat),
            ("Axes", axes),
            ("Fiches-actions", fiches),
        ],
    );
    let (ok, texte) = pilote(dossier.path(), &["import", "plan.xlsx"]);
    assert!(ok, "{texte}");
    assert!(
        texte.contains("1 contrat(s) importé(s) : tableur-2024"),
        "{texte}"
    );
}

#[test]
fn pilote_rappels_liste_a_blanc_puis_envoie_une_seule_fois() {
    let dossier = tempfile::tempdir().unwrap();
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(2);
    let echeance = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    std::fs::write(
        dossier.path().join("contrat.toml"),
        format!(
            "id = \"essai-2020\"\nnom = \"Essai\"\ngeneration = 1\nterritoire = {{ communes = [\"14118\"] }}\n\
             [[axes]]\nnumero = 1\ntitre = \"Accès\"\n[[axes.fiches_actions]]\nnumero = \"1\"\n\
             titre = \"Internes\"\n[[axes.fiches_actions.etapes]]\nlibelle = \"Convention\"\n\
             echeance = \"{echeance}\"\n"
        ),
    )
    .unwrap();
    for arguments in [
        &["import", "contrat.toml"][..],
        &["user", "add", "pilote@essai.fr"],
        &["user", "grant", "pilote@essai.fr", "pilote:essai-2020:1"],
    ] {
        let (ok, texte) = pilote(dossier.path(), arguments);
        assert!(ok, "{texte}");
    }
    let envoyer = ["rappels", "--courriels-dossier", "courriels"];
    let (ok, texte) = pilote(dossier.path(), &["rappels", "--a-blanc"]);
    assert!(ok, "{texte}");
    assert!(
        texte.contains("pilote@essai.fr\tessai-2020\tÉchéance proche : fiche-action n°1")
            && texte.contains("À blanc : 1 rappel(s) à mettre en file, rien n'est envoyé."),
        "{texte}"
    );
    let (ok, texte) = pilote(dossier.path(), &envoyer);
    assert!(ok, "{texte}");
    assert!(
        texte.contains("Rappels : 1 mis en file, 1 envoyé(s)"),
        "{texte}"
    );
    let (ok, texte) = pilote(dossier.path(), &envoyer);
    assert!(ok, "{texte}");
    assert!(
        texte.contains("Rappels : 0 mis en file, 0 envoyé(s)"),
        "{texte}"
    );
    let (_, texte) = pilote(dossier.path(), &["rappels", "--a-blanc"]);
    assert!(texte.contains("À blanc : 0 rappel(s)"), "{texte}");
    let courriels = std::fs::read_dir(dossier.path().join("courriels")).unwrap();
    assert_eq!(courriels.count(), 1, "un seul courriel, envoyé une fois");
}
