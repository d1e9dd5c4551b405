//! The storage conformance suite: every scenario runs against SQLite (always) and PostgreSQL
//! (when `PILOTE_TEST_POSTGRES_URL` names a server; `.ci/run` always sets it, and a server
//! that does not answer then fails the suite). Each scenario gets a fresh database.

use pilote_domain::IdContrat;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_domain::contrat::Contrat;
use pilote_store::connexion::{self, Issue};
use pilote_store::contrat::fiche::{self, Avancement};
use pilote_store::import::{self, SiPresent};
use pilote_store::invitation::{self, Acceptation};
use pilote_store::mot_de_passe::{self, Changement};
use pilote_store::{
    Auteur, Backend, Store, StoreError, administration, compte, contrat, demo, geographie, journal,
    session,
};
use sqlx::Connection;
use std::sync::OnceLock;

mod concurrence;
mod donnees_de_reference;
mod robustesse;
mod sauvegarde;

/// A fresh database of the given backend, migrated and with the geography loaded. The guard
/// keeps the SQLite file alive for the test's duration; a PostgreSQL database is dropped by
/// [`Base::fermer`] once its scenario passed.
struct Base {
    store: Store,
    _dossier: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl Base {
    async fn fermer(self) {
        self.store.close().await;
        if let Some((url, nom)) = self.postgres {
            let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query(&format!("DROP DATABASE {nom} WITH (FORCE)"))
                .execute(&mut admin)
                .await
                .unwrap();
        }
    }
}

/// Runs `travail` to its end on a thread and a runtime of its own: a model database outlives
/// the test whose runtime made it.
fn a_part<T: Send + 'static, F: Future<Output = T>>(
    travail: impl FnOnce() -> F + Send + 'static,
) -> T {
    std::thread::spawn(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(travail())
    })
    .join()
    .unwrap()
}

/// A SQLite database migrated and holding the official geography, made once per run and copied
/// for each scenario (loading the geography takes longer than most scenarios).
fn modele_sqlite() -> &'static std::path::Path {
    static MODELE: OnceLock<std::path::PathBuf> = OnceLock::new();
    MODELE.get_or_init(|| {
        a_part(|| async {
            let chemin = tempfile::tempdir().unwrap().keep().join("modele.db");
            let store = Store::open(&format!("sqlite://{}", chemin.display()))
                .await
                .unwrap();
            pilote_store::charger_geographie(&store).await.unwrap();
            // The last connection closed writes the WAL back into the file.
            store.close().await;
            chemin
        })
    })
}

/// The URL of database `nom` on the server of `url`.
fn base_voisine(url: &str, nom: &str) -> String {
    let (serveur, _) = url
        .rsplit_once('/')
        .expect("URL PostgreSQL sans nom de base");
    format!("{serveur}/{nom}")
}

/// The PostgreSQL template of every scenario's database: migrated, holding the geography,
/// named after the migrations and the extract it was made from, so that a run reuses the one
/// an earlier run made of the same sources.
fn modele_postgres(url: &str) -> &'static str {
    static MODELE: OnceLock<String> = OnceLock::new();
    MODELE.get_or_init(|| {
        use std::hash::{Hash, Hasher};
        let mut empreinte = std::collections::hash_map::DefaultHasher::new();
        for dossier in ["migrations", "geographie"] {
            let dossier = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dossier);
            let mut fichiers: Vec<_> = std::fs::read_dir(dossier)
                .unwrap()
                .map(|f| f.unwrap().path())
                .collect();
            fichiers.sort();
            for fichier in fichiers {
                std::fs::read(&fichier).unwrap().hash(&mut empreinte);
            }
        }
        let nom = format!("pilote_modele_{:016x}", empreinte.finish());
        let url = url.to_owned();
        a_part(|| async move {
            let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
            let existe = sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(&nom)
                .fetch_optional(&mut admin)
                .await
                .unwrap()
                .is_some();
            if !existe {
                // Made under another name, then renamed: a run cut short leaves no half-made
                // template behind this one's name.
                let provisoire = format!("{nom}_{}", std::process::id());
                sqlx::query(&format!("DROP DATABASE IF EXISTS {provisoire}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                sqlx::query(&format!("CREATE DATABASE {provisoire}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                let store = Store::open(&base_voisine(&url, &provisoire)).await.unwrap();
                pilote_store::charger_geographie(&store).await.unwrap();
                store.close().await;
                // The server may not have ended the closed connections' sessions yet.
                sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                )
                .bind(&provisoire)
                .execute(&mut admin)
                .await
                .unwrap();
                sqlx::query(&format!("ALTER DATABASE {provisoire} RENAME TO {nom}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
            }
            nom
        })
    })
}

async fn sqlite() -> Option<Base> {
    let dossier = tempfile::tempdir().unwrap();
    let chemin = dossier.path().join("pilote.db");
    std::fs::copy(modele_sqlite(), &chemin).unwrap();
    let store = Store::open(&format!("sqlite://{}", chemin.display()))
        .await
        .unwrap();
    // A no-op on a copy of the model, which holds this version.
    pilote_store::charger_geographie(&store).await.unwrap();
    Some(Base {
        store,
        _dossier: Some(dossier),
        postgres: None,
    })
}

async fn postgres() -> Option<Base> {
    let Ok(url) = std::env::var("PILOTE_TEST_POSTGRES_URL") else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : scénario PostgreSQL non exécuté");
        return None;
    };
    let nom = format!(
        "pilote_test_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let mut admin = sqlx::PgConnection::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL injoignable à {url} : {e}"));
    let modele = modele_postgres(&url);
    sqlx::query(&format!("CREATE DATABASE {nom} TEMPLATE {modele}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let store = Store::open(&base_voisine(&url, &nom)).await.unwrap();
    assert_eq!(store.backend(), Backend::Postgres);
    pilote_store::charger_geographie(&store).await.unwrap();
    Some(Base {
        store,
        _dossier: None,
        postgres: Some((url, nom)),
    })
}

macro_rules! conformite {
    ($($scenario:ident),* $(,)?) => {
        mod sur_sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $scenario() {
                let base = super::sqlite().await.unwrap();
                super::$scenario(&base.store).await;
                base.fermer().await;
            })*
        }
        mod sur_postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $scenario() {
                if let Some(base) = super::postgres().await {
                    super::$scenario(&base.store).await;
                    base.fermer().await;
                }
            })*
        }
    };
}

conformite!(
    la_geographie_officielle_est_complete,
    un_territoire_se_trouve_sans_accent_ni_tiret_ni_majuscule,
    un_contrat_complet_se_relit_a_l_identique,
    le_territoire_se_resout_depuis_l_epci,
    un_code_inconnu_est_refuse_sans_rien_ecrire,
    un_identifiant_pris_est_un_conflit,
    un_precedent_inconnu_est_refuse,
    un_import_fautif_n_ecrit_rien,
    la_lignee_se_lit_dans_les_deux_sens,
    les_contrats_de_demonstration_se_chargent,
    un_contrat_absent_est_introuvable,
    les_comptes_portent_des_roles_qui_visent_ce_qui_existe,
    la_connexion_se_bloque_apres_cinq_echecs_et_la_session_se_ferme,
    un_mot_de_passe_provisoire_se_change_et_ferme_les_autres_sessions,
    la_politique_filtre_lectures_et_ecritures_et_le_journal_les_garde,
    une_invitation_ne_sert_qu_une_fois,
    le_public_lit_la_projection_publique,
    la_liste_se_filtre_et_se_pagine,
    plusieurs_personnes_a_la_fois,
    une_valeur_absente_puis_donnee_s_enregistre,
    les_donnees_de_reference_se_chargent_tout_ou_rien,
    les_medecins_qpv_et_indicateurs_se_chargent,
    un_chargement_ne_se_voit_qu_acheve,
    les_centroides_reels_se_chargent,
    l_apl_se_calcule_depuis_les_donnees_chargees,
);

use donnees_de_reference::{
    l_apl_se_calcule_depuis_les_donnees_chargees, les_centroides_reels_se_chargent,
    les_donnees_de_reference_se_chargent_tout_ou_rien, les_medecins_qpv_et_indicateurs_se_chargent,
    un_chargement_ne_se_voit_qu_acheve,
};

/// An indicator without a baseline, then one with: the second is not refused (sqlx's `Any`
/// driver declares a NULL real as PostgreSQL `float4` in the statement it keeps prepared).
async fn une_valeur_absente_puis_donnee_s_enregistre(store: &Store) {
    let essai = contrat_complet();
    contrat::creer(store, &essai).await.unwrap();
    for valeur_initiale in [None, Some(2.5), None, Some(0.1)] {
        let lue = fiche::lire(store, &admin(), &essai.id, "1.1")
            .await
            .unwrap()
            .version;
        let indicateur = pilote_domain::fiche_action::Indicateur {
            id: None,
            libelle: format!("Indicateur {valeur_initiale:?}"),
            type_indicateur: pilote_domain::fiche_action::TypeIndicateur::Processus,
            unite: None,
            valeur_initiale,
            cibles: Vec::new(),
            valeurs: Vec::new(),
        };
        fiche::ajouter_indicateur(store, &admin(), &essai.id, "1.1", lue, &indicateur)
            .await
            .unwrap();
    }
    let fiche = fiche::lire(store, &admin(), &essai.id, "1.1")
        .await
        .unwrap()
        .fiche;
    let initiales: Vec<Option<f64>> = fiche
        .indicateurs
        .iter()
        .rev()
        .take(4)
        .map(|i| i.valeur_initiale)
        .collect();
    assert_eq!(initiales, [Some(0.1), None, Some(2.5), None]);
}

/// Many people at once on one unpublished contract: the concurrency suite, in order.
async fn plusieurs_personnes_a_la_fois(store: &Store) {
    let mut essai = contrat_complet();
    essai.publie = false;
    contrat::creer(store, &essai).await.unwrap();
    concurrence::des_enregistrements_simultanes_n_en_gardent_qu_un(store, &essai.id).await;
    concurrence::des_retraits_simultanes_ne_retirent_qu_un_element(store, &essai.id).await;
    concurrence::des_ajouts_simultanes_sont_tous_gardes(store, &essai.id).await;
    concurrence::lecteurs_et_ecrivains_en_meme_temps(store, &essai.id, &["1.1", "1.2", "M1"]).await;
    concurrence::un_numero_repris_ne_recoit_pas_l_enregistrement_de_l_ancienne(store, &essai.id)
        .await;
}

/// The public reads a published contract without its notes' authors nor its documents' keys;
/// who reads the whole contract sees them.
async fn le_public_lit_la_projection_publique(store: &Store) {
    let complet = contrat_complet();
    contrat::creer(store, &complet).await.unwrap();
    let a_des = |c: &Contrat| {
        let fiches = c.toutes_les_fiches();
        (
            fiches
                .iter()
                .any(|f| f.notes.iter().any(|n| n.auteur.is_some())),
            fiches
                .iter()
                .any(|f| f.documents.iter().any(|d| !d.reference.is_empty())),
        )
    };
    assert_eq!(a_des(&complet), (true, true), "le contrat d'essai en a");
    let public = contrat::lire(store, &Auteur::public("ici"), &complet.id)
        .await
        .unwrap();
    assert_eq!(a_des(&public.contrat), (false, false));
    let json = serde_json::to_string(&public).unwrap();
    assert!(!json.contains("\"reference\""), "{json}");
    let admin = contrat::lire(store, &admin(), &complet.id).await.unwrap();
    assert_eq!(sans_identifiants(&admin.contrat), complet);
}

/// The list of contracts, filtered by région, département, status and text (accents and
/// case aside), paged; its territory summary is that of the full read.
async fn la_liste_se_filtre_et_se_pagine(store: &Store) {
    demo::charger(store).await.unwrap();
    let tous = contrat::chercher(store, &admin(), &contrat::Filtre::default())
        .await
        .unwrap();
    assert!(tous.total >= 5, "{}", tous.total);
    for resume in &tous.contrats {
        let complet = contrat::lire(store, &admin(), &resume.id).await.unwrap();
        assert_eq!(resume.population, complet.territoire_resolu.population);
        assert_eq!(
            resume.communes,
            complet.territoire_resolu.communes.len() as u64
        );
    }
    let filtre =
        |f: contrat::Filtre| async move { contrat::chercher(store, &admin(), &f).await.unwrap() };
    let caen = filtre(contrat::Filtre {
        texte: Some("CAËN".to_owned()),
        departement: Some("14".to_owned()),
        ..Default::default()
    })
    .await;
    assert!(caen.total >= 1);
    assert!(caen.contrats.iter().all(|c| c.nom.contains("Caen")));
    let ailleurs = filtre(contrat::Filtre {
        texte: Some("caen".to_owned()),
        region: Some("11".to_owned()),
        ..Default::default()
    })
    .await;
    assert_eq!(ailleurs.total, 0);
    let page2 = filtre(contrat::Filtre {
        page: 2,
        par_page: 2,
        ..Default::default()
    })
    .await;
    assert_eq!(page2.total, tous.total);
    assert_eq!(page2.contrats.len(), 2);
    assert_eq!(page2.contrats[0].id, tous.contrats[2].id);
    assert_eq!(page2.pages(), tous.total.div_ceil(2));
}

/// Reads as the command line does, with every right.
fn admin() -> Auteur {
    Auteur::ligne_de_commande()
}

fn id(s: &str) -> IdContrat {
    IdContrat::parse(s).unwrap()
}

/// A contract that fills every field the model has.
fn contrat_complet() -> Contrat {
    toml::from_str(include_str!("contrat_complet.toml")).unwrap()
}

async fn la_geographie_officielle_est_complete(store: &Store) {
    let (communes, epci) = geographie::effectifs(store).await.unwrap();
    assert!(communes >= 37_000, "{communes} communes");
    assert!(epci >= 1_250, "{epci} EPCI");
    let encore = pilote_store::charger_geographie(store).await.unwrap();
    assert!(!encore.charge, "une même version ne se recharge pas");
}

async fn un_territoire_se_trouve_sans_accent_ni_tiret_ni_majuscule(store: &Store) {
    let codes = |trouves: Vec<geographie::Trouve>| -> Vec<String> {
        trouves.into_iter().map(|t| t.code).collect()
    };
    for texte in [
        "Saint-Étienne-du-Rouvray",
        "saint etienne du rouvray",
        "SAINT-ETIENNE du rouvray",
        "  saint étienne-du-rouvray ",
    ] {
        let trouves = geographie::rechercher(store, texte, 8).await.unwrap();
        assert_eq!(codes(trouves), ["76575"], "{texte}");
    }
    for texte in ["l isle d abeau", "L'ISLE-D'ABEAU", "lisle"] {
        let trouves = geographie::rechercher(store, texte, 8).await.unwrap();
        assert!(
            trouves.iter().any(|t| t.code == "38193"),
            "{texte} : {trouves:?}"
        );
    }
    // An EPCI, by a part of its name, first; by its SIREN; a commune by its code.
    let trouves = geographie::rechercher(store, "bassin auterivain", 8)
        .await
        .unwrap();
    assert_eq!(
        (trouves[0].nature, trouves[0].nom.as_str()),
        ("epci", "CC du Bassin Auterivain Haut-Garonnais")
    );
    assert_eq!(
        codes(geographie::rechercher(store, "200068807", 8).await.unwrap()),
        ["200068807"]
    );
    assert!(
        codes(geographie::rechercher(store, "14118", 8).await.unwrap())
            .contains(&"14118".to_owned())
    );
    // The most populated first, at most the limit of each kind; nothing for too little.
    let saint = geographie::rechercher(store, "saint", 3).await.unwrap();
    assert_eq!(
        saint.len(),
        3 + saint.iter().filter(|t| t.nature == "epci").count()
    );
    let communes: Vec<u64> = saint
        .iter()
        .filter(|t| t.nature == "commune")
        .map(|t| t.population)
        .collect();
    assert!(communes.windows(2).all(|p| p[0] >= p[1]), "{communes:?}");
    for rien in ["", "a", " - ", "zzzzqqq"] {
        assert!(
            geographie::rechercher(store, rien, 8)
                .await
                .unwrap()
                .is_empty(),
            "{rien}"
        );
    }
}

/// `contrat` without the identifiers the store gives its elements (every element read has
/// one, `id` a number), to compare it with what was written.
fn sans_identifiants(contrat: &Contrat) -> Contrat {
    fn retirer(valeur: &mut serde_json::Value) {
        match valeur {
            serde_json::Value::Object(champs) => {
                if champs.get("id").is_some_and(serde_json::Value::is_number) {
                    champs.remove("id");
                }
                champs.values_mut().for_each(retirer);
            }
            serde_json::Value::Array(elements) => elements.iter_mut().for_each(retirer),
            _ => {}
        }
    }
    let mut valeur = serde_json::to_value(contrat).unwrap();
    retirer(&mut valeur);
    serde_json::from_value(valeur).unwrap()
}

async fn un_contrat_complet_se_relit_a_l_identique(store: &Store) {
    let attendu = contrat_complet();
    contrat::creer(store, &attendu).await.unwrap();
    let relu = contrat::lire(store, &admin(), &attendu.id).await.unwrap();
    assert_eq!(sans_identifiants(&relu.contrat), attendu);
    assert_eq!(relu.version, 1);
}

async fn le_territoire_se_resout_depuis_l_epci(store: &Store) {
    let attendu = contrat_complet();
    contrat::creer(store, &attendu).await.unwrap();
    let relu = contrat::lire(store, &admin(), &attendu.id).await.unwrap();
    let territoire = relu.territoire_resolu;
    assert_eq!(territoire.epci.len(), 1);
    assert_eq!(territoire.epci[0].nom, "CU Le Creusot Montceau-les-Mines");
    // The EPCI's communes, plus Caen picked on its own.
    assert!(territoire.communes.iter().any(|c| c.nom == "Le Creusot"));
    assert!(
        territoire
            .communes
            .iter()
            .any(|c| c.code.as_str() == "14118")
    );
    let somme: u64 = territoire
        .communes
        .iter()
        .filter_map(|c| c.population)
        .sum();
    assert_eq!(territoire.population, somme);
    assert!(territoire.population > 100_000, "{}", territoire.population);
    let liste = contrat::lister(store, &admin()).await.unwrap();
    assert_eq!(liste[0].population, territoire.population);
    assert_eq!(liste[0].communes, territoire.communes.len() as u64);
}

async fn un_code_inconnu_est_refuse_sans_rien_ecrire(store: &Store) {
    let mut c = contrat_complet();
    c.territoire.communes.push("14999".parse().unwrap());
    let erreur = contrat::creer(store, &c).await.unwrap_err();
    assert!(matches!(erreur, StoreError::Invalid(_)), "{erreur:?}");
    assert!(erreur.to_string().contains("14999"), "{erreur}");
    assert!(contrat::lister(store, &admin()).await.unwrap().is_empty());

    let mut c = contrat_complet();
    c.axes[0].fiches_actions[0].communes = vec!["02722".parse().unwrap()];
    let erreur = contrat::creer(store, &c).await.unwrap_err().to_string();
    assert!(
        erreur.contains("02722") && erreur.contains("pas dans le territoire"),
        "{erreur}"
    );
    assert!(contrat::lister(store, &admin()).await.unwrap().is_empty());
}

async fn un_identifiant_pris_est_un_conflit(store: &Store) {
    let c = contrat_complet();
    contrat::creer(store, &c).await.unwrap();
    let erreur = contrat::creer(store, &c).await.unwrap_err();
    assert!(matches!(erreur, StoreError::Conflict(_)), "{erreur:?}");
    assert!(erreur.to_string().contains(c.id.as_str()));
}

async fn un_precedent_inconnu_est_refuse(store: &Store) {
    let mut c = contrat_complet();
    c.generation = 2;
    c.precedent = Some(id("absent-2010"));
    let erreur = contrat::creer(store, &c).await.unwrap_err().to_string();
    assert!(erreur.contains("absent-2010"), "{erreur}");
}

async fn un_import_fautif_n_ecrit_rien(store: &Store) {
    let mut contrats = demo::contrats().unwrap();
    contrats.last_mut().unwrap().territoire.communes = vec!["97999".parse().unwrap()];
    let erreur = import::importer(store, &contrats, SiPresent::Refuser)
        .await
        .unwrap_err();
    assert!(erreur.to_string().contains("97999"), "{erreur}");
    assert!(
        contrat::lister(store, &admin()).await.unwrap().is_empty(),
        "rien n'est à moitié écrit"
    );

    let erreur = import::lire(
        "mauvais.toml",
        "id = \"x-1\"\nnom = \"x\"\ngeneration = \"deux\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        erreur.starts_with("mauvais.toml") && erreur.contains("generation"),
        "{erreur}"
    );

    // The same limits as the forms: a title within 300 characters, no control character
    // (a NUL written as TOML's `\u0000`), whatever the backend would accept.
    let mut long = demo::contrats().unwrap();
    long[0].axes[0].titre = "é".repeat(301);
    let erreur = import::importer(store, &long, SiPresent::Refuser)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        erreur.contains("« axes › 1 › titre » dépasse 300 caractères (301 caractères)"),
        "{erreur}"
    );
    let mut nul = demo::contrats().unwrap();
    nul[0].presentation = vec!["avant\0après".to_owned()];
    let erreur = import::importer(store, &nul, SiPresent::Refuser)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        erreur.contains("« presentation › 1 » contient un caractère de contrôle (U+0000)"),
        "{erreur}"
    );
    assert!(contrat::lister(store, &admin()).await.unwrap().is_empty());
}

async fn la_lignee_se_lit_dans_les_deux_sens(store: &Store) {
    demo::charger(store).await.unwrap();
    let caen = contrat::lire(store, &admin(), &id("caen-2019"))
        .await
        .unwrap();
    assert_eq!(caen.lignee.precedent.as_ref().unwrap().id, id("caen-2014"));
    let premier = contrat::lire(store, &admin(), &id("caen-2014"))
        .await
        .unwrap();
    assert_eq!(premier.lignee.suivants.len(), 1);
    assert_eq!(premier.lignee.suivants[0].id, id("caen-2019"));
}

async fn les_contrats_de_demonstration_se_chargent(store: &Store) {
    let ecrits = demo::charger(store).await.unwrap();
    assert_eq!(ecrits.len(), demo::FICHIERS.len());
    for attendu in demo::contrats().unwrap() {
        let lu = contrat::lire(store, &admin(), &attendu.id).await.unwrap();
        assert_eq!(sans_identifiants(&lu.contrat), attendu);
    }
    assert!(
        demo::charger(store).await.unwrap().is_empty(),
        "un second chargement n'écrit rien"
    );
    let creusot = contrat::lire(store, &admin(), &id("creusot-montceau"))
        .await
        .unwrap();
    let noms: Vec<&str> = creusot
        .territoire_resolu
        .communes
        .iter()
        .map(|c| c.nom.as_str())
        .collect();
    assert!(
        noms.contains(&"Le Creusot") && noms.contains(&"Montceau-les-Mines"),
        "{noms:?}"
    );
}

async fn un_contrat_absent_est_introuvable(store: &Store) {
    let erreur = contrat::lire(store, &admin(), &id("nulle-part"))
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::NotFound(_)), "{erreur:?}");
}

async fn les_comptes_portent_des_roles_qui_visent_ce_qui_existe(store: &Store) {
    contrat::creer(store, &contrat_complet()).await.unwrap();
    let marie = Email::parse("marie@caen.fr").unwrap();
    compte::creer(store, &marie, Some("Marie"), "un long mot de passe", &[])
        .await
        .unwrap();
    // Accounts exist: no first administrator any more.
    let admin = Email::parse("admin@ars.fr").unwrap();
    assert_eq!(
        compte::creer_premier_administrateur(store, &admin)
            .await
            .unwrap(),
        None
    );
    assert!(compte::roles(store, &admin).await.unwrap().is_empty());
    let erreur = compte::creer(store, &marie, None, "un autre mot de passe", &[])
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::Conflict(_)), "{erreur:?}");
    let erreur = compte::creer(store, &Email::parse("b@c.fr").unwrap(), None, "court", &[])
        .await
        .unwrap_err();
    assert!(erreur.to_string().contains("12 caractères"), "{erreur}");

    assert!(
        compte::authentifier(store, &marie, "un long mot de passe")
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        compte::authentifier(store, &marie, "un mauvais mot de passe")
            .await
            .unwrap(),
        None
    );
    let inconnu = Email::parse("personne@nulle-part.fr").unwrap();
    assert_eq!(
        compte::authentifier(store, &inconnu, "un long mot de passe")
            .await
            .unwrap(),
        None
    );

    let roles: Vec<Role> = [
        "administrateur",
        "ars:national",
        "ars:region:27",
        "ars:departement:71",
        "coordinateur:essai-complet-2020",
        "partenaire:essai-complet-2020",
        "pilote:essai-complet-2020:1.1",
    ]
    .iter()
    .map(|r| Role::parse(r).unwrap())
    .collect();
    for role in &roles {
        administration::attribuer_par_adresse(store, &marie, role)
            .await
            .unwrap();
    }
    assert_eq!(compte::roles(store, &marie).await.unwrap(), roles);
    let erreur = administration::attribuer_par_adresse(store, &marie, &roles[2])
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::Conflict(_)), "{erreur:?}");

    for (role, attendu) in [
        ("ars:region:99", "aucune région de code « 99 »"),
        ("ars:departement:20", "aucun département de code « 20 »"),
        ("coordinateur:absent-2020", "aucun contrat « absent-2020 »"),
        ("pilote:essai-complet-2020:9", "aucune fiche-action n°9"),
    ] {
        let erreur =
            administration::attribuer_par_adresse(store, &marie, &Role::parse(role).unwrap())
                .await
                .unwrap_err();
        assert!(erreur.to_string().contains(attendu), "{role} : {erreur}");
    }
    // A creation whose role names nothing that exists leaves no account behind.
    let paul = Email::parse("paul@caen.fr").unwrap();
    let role_absent = Role::parse("coordinateur:absent-2020").unwrap();
    let erreur = compte::creer(store, &paul, None, "un long mot de passe", &[role_absent])
        .await
        .unwrap_err();
    assert!(erreur.to_string().contains("absent-2020"), "{erreur}");
    assert!(compte::roles(store, &paul).await.unwrap().is_empty());
    assert_eq!(
        compte::authentifier(store, &paul, "un long mot de passe")
            .await
            .unwrap(),
        None
    );

    let erreur = administration::attribuer_par_adresse(store, &inconnu, &roles[0])
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::NotFound(_)), "{erreur:?}");

    administration::retirer_par_adresse(store, &marie, &roles[2])
        .await
        .unwrap();
    administration::retirer_par_adresse(store, &marie, &roles[6])
        .await
        .unwrap();
    let erreur = administration::retirer_par_adresse(store, &marie, &roles[2])
        .await
        .unwrap_err();
    assert!(
        erreur.to_string().contains("n'a pas le rôle ars:region:27"),
        "{erreur}"
    );
    let restants = compte::lister(store).await.unwrap();
    assert_eq!(restants.len(), 1);
    assert_eq!(restants[0].roles.len(), roles.len() - 2);
}

const MDP: &str = "un long mot de passe";

async fn la_connexion_se_bloque_apres_cinq_echecs_et_la_session_se_ferme(store: &Store) {
    let marie = Email::parse("marie@caen.fr").unwrap();
    compte::creer(store, &marie, Some("Marie"), MDP, &[Role::Administrateur])
        .await
        .unwrap();
    let Issue::Ouverte(jeton) =
        connexion::par_mot_de_passe(store, "Marie@Caen.fr", MDP, "10.0.0.1")
            .await
            .unwrap()
    else {
        panic!("connexion refusée")
    };
    let ouverte = session::trouver(store, &jeton).await.unwrap().unwrap();
    assert_eq!(ouverte.email, marie);
    assert_eq!(ouverte.roles, vec![Role::Administrateur]);
    assert_eq!(ouverte.csrf.len(), 64);
    let auteur = ouverte.auteur("10.0.0.1");
    assert_eq!(session::fermer(store, &jeton, &auteur).await.unwrap(), None);
    assert!(session::trouver(store, &jeton).await.unwrap().is_none());

    for adresse in ["marie@caen.fr", "inconnu@caen.fr", "pas une adresse"] {
        for _ in 0..connexion::ECHECS_PERMIS {
            let issue = connexion::par_mot_de_passe(store, adresse, "mauvais mot de passe", "ip")
                .await
                .unwrap();
            assert!(matches!(issue, Issue::Refusee), "{adresse} : {issue:?}");
        }
        let issue = connexion::par_mot_de_passe(store, adresse, MDP, "ip")
            .await
            .unwrap();
        assert!(
            matches!(issue, Issue::Bloquee { secondes } if secondes > 0 && secondes <= connexion::BLOCAGE),
            "{adresse} : {issue:?}"
        );
    }
    // Many attempts at once, the right password last: at most five passwords are checked,
    // whatever the order in which the attempts arrive; the others are answered as locked.
    let paul = Email::parse("paul@caen.fr").unwrap();
    compte::creer(store, &paul, None, MDP, &[]).await.unwrap();
    let tentatives = (0..30).map(|k| {
        let store = store.clone();
        tokio::spawn(async move {
            let mot_de_passe = if k == 29 { MDP } else { "mauvais mot de passe" };
            connexion::par_mot_de_passe(&store, "paul@caen.fr", mot_de_passe, "ip").await
        })
    });
    let mut verifiees = 0;
    for tentative in tentatives.collect::<Vec<_>>() {
        match tentative.await.unwrap().unwrap() {
            Issue::Refusee | Issue::Ouverte(_) => verifiees += 1,
            Issue::Bloquee { .. } => {}
        }
    }
    assert!(
        verifiees <= connexion::ECHECS_PERMIS as usize,
        "{verifiees} mots de passe vérifiés"
    );
    // Failed and locked attempts are journaled under the address typed.
    let tentatives = journal::Filtre {
        personne: Some("paul@caen.fr".into()),
        ..journal::Filtre::default()
    };
    let actions: Vec<String> = journal::chercher(store, &tentatives, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, e)| e.action)
        .collect();
    assert!(
        actions.iter().any(|a| a == "échec de connexion"),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a == "connexion bloquée"),
        "{actions:?}"
    );
    let marie = journal::Filtre {
        personne: Some("marie@caen.fr".into()),
        genre: Some(journal::Genre::Connexion),
        ..journal::Filtre::default()
    };
    let entrees: Vec<journal::Entree> = journal::chercher(store, &marie, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| !e.action.contains("échec") && !e.action.contains("bloquée"))
        .collect();
    let actions: Vec<&str> = entrees.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions[..2], ["déconnexion", "connexion"]);
    assert_eq!(entrees[1].origine, "10.0.0.1");
    assert_eq!(entrees[1].qui, "marie@caen.fr");
}

/// Opens a session with a password; panics unless it opens.
async fn ouvrir(store: &Store, email: &str, mot_de_passe: &str) -> pilote_domain::jeton::Jeton {
    match connexion::par_mot_de_passe(store, email, mot_de_passe, "ip")
        .await
        .unwrap()
    {
        Issue::Ouverte(jeton) => jeton,
        autre => panic!("connexion de {email} : {autre:?}"),
    }
}

async fn un_mot_de_passe_provisoire_se_change_et_ferme_les_autres_sessions(store: &Store) {
    let nina = Email::parse("nina@caen.fr").unwrap();
    let donne = compte::creer_avec_mot_de_passe_provisoire(store, &nina, None, &[])
        .await
        .unwrap();
    let (ici, la_bas) = (
        ouvrir(store, "nina@caen.fr", &donne).await,
        ouvrir(store, "nina@caen.fr", &donne).await,
    );
    let session = session::trouver(store, &ici).await.unwrap().unwrap();
    assert!(session.mot_de_passe_a_changer);
    // Kept in memory from here on, until the counter of changes moves.
    assert!(session::trouver(store, &la_bas).await.unwrap().is_some());
    let auteur = session.auteur("ip");
    let moi = compte::lire_le_sien(store, &auteur).await.unwrap();
    assert!(moi.mot_de_passe && moi.mot_de_passe_a_changer);
    assert_eq!(moi.sessions, 2);

    // Refused: the rule of every password, the same one, a wrong current one; nothing changes.
    let court = mot_de_passe::changer(store, &auteur, &ici, &donne, "court")
        .await
        .unwrap_err();
    assert!(court.to_string().contains("12 caractères"), "{court}");
    let meme = mot_de_passe::changer(store, &auteur, &ici, &donne, &donne)
        .await
        .unwrap_err();
    assert!(meme.to_string().contains("différent de l'actuel"), "{meme}");
    assert_eq!(
        mot_de_passe::changer(store, &auteur, &ici, "pas le bon du tout", MDP)
            .await
            .unwrap(),
        Changement::ActuelIncorrect
    );
    assert!(session::trouver(store, &la_bas).await.unwrap().is_some());
    assert!(
        compte::authentifier(store, &nina, &donne)
            .await
            .unwrap()
            .is_some()
    );

    assert_eq!(
        mot_de_passe::changer(store, &auteur, &ici, &donne, MDP)
            .await
            .unwrap(),
        Changement::Fait {
            sessions_fermees: 1
        }
    );
    assert!(session::trouver(store, &la_bas).await.unwrap().is_none());
    let gardee = session::trouver(store, &ici).await.unwrap().unwrap();
    assert!(!gardee.mot_de_passe_a_changer);
    assert_eq!(
        compte::authentifier(store, &nina, &donne).await.unwrap(),
        None
    );
    assert!(
        compte::authentifier(store, &nina, MDP)
            .await
            .unwrap()
            .is_some()
    );

    // Signing out everywhere closes this one too; a reset issues a provisional password again.
    let autre = ouvrir(store, "nina@caen.fr", MDP).await;
    assert_eq!(session::fermer_toutes(store, &auteur).await.unwrap(), 2);
    assert!(session::trouver(store, &ici).await.unwrap().is_none());
    assert!(session::trouver(store, &autre).await.unwrap().is_none());
    let encore = ouvrir(store, "nina@caen.fr", MDP).await;
    let reinitialise = administration::reinitialiser_par_adresse(store, &nina)
        .await
        .unwrap();
    assert!(session::trouver(store, &encore).await.unwrap().is_none());
    assert_eq!(compte::authentifier(store, &nina, MDP).await.unwrap(), None);
    let apres = ouvrir(store, "nina@caen.fr", &reinitialise).await;
    assert!(
        session::trouver(store, &apres)
            .await
            .unwrap()
            .unwrap()
            .mot_de_passe_a_changer
    );
    let erreur =
        administration::reinitialiser_par_adresse(store, &Email::parse("x@caen.fr").unwrap())
            .await
            .unwrap_err();
    assert!(matches!(erreur, StoreError::NotFound(_)), "{erreur:?}");

    let details: Vec<String> = journal::dernieres(store, 20)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| e.detail)
        .collect();
    for attendu in [
        "mot de passe provisoire, à changer à la première connexion",
        "mot de passe changé ; autres sessions fermées : 1",
        "toutes les sessions du compte (2)",
        "mot de passe réinitialisé",
    ] {
        assert!(
            details.iter().any(|d| d.contains(attendu)),
            "{attendu} : {details:#?}"
        );
    }
}

async fn la_politique_filtre_lectures_et_ecritures_et_le_journal_les_garde(store: &Store) {
    let mut non_publie = contrat_complet();
    non_publie.publie = false;
    contrat::creer(store, &non_publie).await.unwrap();
    demo::charger(store).await.unwrap();
    let essai = non_publie.id.clone();
    let personne = |roles: Vec<Role>| Auteur {
        acteur: pilote_domain::autorisation::Acteur { roles },
        compte: None,
        qui: "essai".to_owned(),
        origine: "ici".to_owned(),
    };
    let public = Auteur::public("ici");
    let pilote = personne(vec![Role::parse(&format!("pilote:{essai}:1.1")).unwrap()]);
    let agent_ailleurs = personne(vec![Role::parse("ars:region:32").unwrap()]);

    let ids = |liste: Vec<pilote_domain::contrat::ContratResume>| -> Vec<String> {
        liste.into_iter().map(|c| c.id.to_string()).collect()
    };
    assert!(!ids(contrat::lister(store, &public).await.unwrap()).contains(&essai.to_string()));
    assert!(ids(contrat::lister(store, &pilote).await.unwrap()).contains(&essai.to_string()));
    for refuse in [&public, &agent_ailleurs] {
        let erreur = contrat::lire(store, refuse, &essai).await.unwrap_err();
        assert!(matches!(erreur, StoreError::NotFound(_)), "{erreur:?}");
    }
    assert_eq!(
        contrat::lire(store, &pilote, &essai)
            .await
            .unwrap()
            .contrat
            .id,
        essai
    );

    let avancement = Avancement {
        statut: Some(pilote_domain::fiche_action::StatutAction::EnCours),
        pourcentage: Some(30),
    };
    let lue = fiche::lire(store, &pilote, &essai, "1.1")
        .await
        .unwrap()
        .version;
    fiche::avancer(store, &pilote, &essai, "1.1", lue, avancement)
        .await
        .unwrap();
    let erreur = fiche::avancer(store, &pilote, &essai, "1.1", lue, avancement)
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::Perime { .. }), "{erreur:?}");
    let lue = lue + 1;
    let erreur = fiche::avancer(store, &pilote, &essai, "2.1", lue, avancement)
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::Refuse(_)), "{erreur:?}");
    let erreur = contrat::publier(store, &pilote, &essai, true)
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::Refuse(_)), "{erreur:?}");
    let erreur = contrat::publier(store, &agent_ailleurs, &essai, true)
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::NotFound(_)), "{erreur:?}");
    let relu = contrat::lire(store, &admin(), &essai).await.unwrap();
    assert!(!relu.contrat.publie);
    let fiche = relu
        .contrat
        .toutes_les_fiches()
        .into_iter()
        .find(|f| f.numero == "1.1")
        .cloned();
    assert_eq!(fiche.unwrap().avancement, Some(30));
    // The fiche's version moved on, not the contract's: its other forms stay valid.
    assert_eq!(
        fiche::lire(store, &pilote, &essai, "1.1")
            .await
            .unwrap()
            .version,
        2
    );
    assert_eq!(relu.version, 1);
    // The fiche is now served from memory until something changes: the same checks, the same
    // journal entry for every read.
    let lectures_de_la_fiche = |entrees: &[journal::Entree]| {
        let objet = format!("contrat {essai}, fiche-action n°1.1");
        entrees
            .iter()
            .filter(|e| e.action == "lecture" && e.objet == objet)
            .count()
    };
    let avant = lectures_de_la_fiche(&journal::dernieres(store, 200).await.unwrap());
    for _ in 0..2 {
        let gardee = fiche::lire(store, &pilote, &essai, "1.1").await.unwrap();
        assert_eq!(gardee.fiche.avancement, Some(30));
    }
    let autre_pilote = personne(vec![Role::parse(&format!("pilote:{essai}:2.1")).unwrap()]);
    let erreur = fiche::lire(store, &autre_pilote, &essai, "1.1")
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::Refuse(_)), "{erreur:?}");
    for refuse in [&public, &agent_ailleurs] {
        let erreur = fiche::lire(store, refuse, &essai, "1.1").await.unwrap_err();
        assert!(matches!(erreur, StoreError::NotFound(_)), "{erreur:?}");
    }
    assert_eq!(
        lectures_de_la_fiche(&journal::dernieres(store, 200).await.unwrap()),
        avant + 2
    );

    let entrees = journal::dernieres(store, 50).await.unwrap();
    assert!(
        entrees.iter().any(|e| e.action == "modification"
            && e.objet == format!("contrat {essai}, fiche-action n°1.1"))
    );
    assert!(
        entrees
            .iter()
            .any(|e| e.action == "lecture" && e.objet == format!("contrat {essai}"))
    );
    // Refused attempts wrote nothing.
    assert!(!entrees.iter().any(|e| {
        e.detail
            .as_deref()
            .is_some_and(|d| d.contains("publication"))
    }));
    // A purge journals itself: what it removed, the last purge shown.
    assert_eq!(journal::purger(store, 365).await.unwrap(), 0);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        journal::purger(store, 0).await.unwrap(),
        entrees.len() as u64 + 1
    );
    let restantes = journal::dernieres(store, 10).await.unwrap();
    assert_eq!(restantes.len(), 1);
    assert_eq!(restantes[0].action, "purge");
    let purge = journal::derniere_purge(store).await.unwrap().unwrap();
    assert_eq!(
        purge.detail.as_deref(),
        Some(
            format!(
                "{} entrée(s) de plus de 0 jours supprimée(s)",
                entrees.len() + 1
            )
            .as_str()
        )
    );
}

async fn une_invitation_ne_sert_qu_une_fois(store: &Store) {
    contrat::creer(store, &contrat_complet()).await.unwrap();
    let invitee = Email::parse("invitee@ars.fr").unwrap();
    let role = Role::parse("pilote:essai-complet-2020:1.1").unwrap();
    let jeton = invitation::inviter(store, &admin(), &invitee, &role)
        .await
        .unwrap();
    let lue = invitation::consulter(store, jeton.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (lue.email.clone(), lue.role.clone(), lue.compte_existant),
        (invitee.clone(), role.clone(), false)
    );

    let court = Acceptation::NouveauCompte {
        nom: Some("Invitée"),
        mot_de_passe: "court",
    };
    let erreur = invitation::accepter(store, jeton.as_str(), court, "ici")
        .await
        .unwrap_err();
    assert!(erreur.to_string().contains("12 caractères"), "{erreur}");
    assert!(
        invitation::consulter(store, jeton.as_str())
            .await
            .unwrap()
            .is_some(),
        "toujours valable"
    );

    let bon = Acceptation::NouveauCompte {
        nom: Some("Invitée"),
        mot_de_passe: MDP,
    };
    let session = invitation::accepter(store, jeton.as_str(), bon, "ici")
        .await
        .unwrap();
    assert!(session.is_some());
    assert_eq!(
        compte::roles(store, &invitee).await.unwrap(),
        vec![role.clone()]
    );
    assert!(
        invitation::consulter(store, jeton.as_str())
            .await
            .unwrap()
            .is_none()
    );
    let encore = Acceptation::NouveauCompte {
        nom: None,
        mot_de_passe: MDP,
    };
    assert!(
        invitation::accepter(store, jeton.as_str(), encore, "ici")
            .await
            .unwrap()
            .is_none()
    );

    // Only roles on a contract are given by invitation, by who may change it.
    let erreur = invitation::inviter(store, &admin(), &invitee, &Role::Administrateur)
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::Invalid(_)), "{erreur:?}");
    let partenaire = Auteur {
        acteur: pilote_domain::autorisation::Acteur {
            roles: vec![Role::parse("partenaire:essai-complet-2020").unwrap()],
        },
        ..Auteur::public("ici")
    };
    let erreur = invitation::inviter(store, &partenaire, &invitee, &role)
        .await
        .unwrap_err();
    assert!(matches!(erreur, StoreError::Refuse(_)), "{erreur:?}");
}

/// PostgreSQL's row-level security on its own, without the store's checks: a connection
/// switched to the application's role sees and changes only what the roles it carries allow.
#[tokio::test]
async fn la_securite_des_lignes_double_la_politique_sur_postgres() {
    let Some(base) = postgres().await else {
        return;
    };
    let mut publie = contrat_complet();
    publie.id = id("essai-publie-2020");
    let mut cache = contrat_complet();
    cache.id = id("essai-cache-2020");
    cache.publie = false;
    for c in [&publie, &cache] {
        contrat::creer(&base.store, c).await.unwrap();
    }
    let (url, nom) = base.postgres.clone().unwrap();
    let (serveur, _) = url.rsplit_once('/').unwrap();
    let mut brute = sqlx::PgConnection::connect(&format!("{serveur}/{nom}"))
        .await
        .unwrap();
    sqlx::query("SET ROLE pilote_application")
        .execute(&mut brute)
        .await
        .unwrap();
    let mut visibles = async |roles: &str| -> Vec<String> {
        sqlx::query("SELECT set_config('pilote.roles', $1, false)")
            .bind(roles)
            .execute(&mut brute)
            .await
            .unwrap();
        sqlx::query_scalar("SELECT id FROM contrat ORDER BY id")
            .fetch_all(&mut brute)
            .await
            .unwrap()
    };
    let tous = vec![
        "essai-cache-2020".to_owned(),
        "essai-publie-2020".to_owned(),
    ];
    assert_eq!(visibles("").await, vec!["essai-publie-2020"]);
    assert_eq!(visibles("partenaire:essai-cache-2020").await, tous);
    assert_eq!(visibles("pilote:essai-cache-2020:1.1").await, tous);
    // The contract's territory is Le Creusot and Caen: BFC (27), Normandie (28).
    assert_eq!(visibles("ars:region:28").await, tous);
    assert_eq!(visibles("ars:departement:71").await, tous);
    assert_eq!(
        visibles("ars:region:32\nars:departement:02").await,
        vec!["essai-publie-2020"]
    );
    assert_eq!(visibles("administrateur").await, tous);

    // What a hidden contract holds is hidden with it.
    let mut fiches = async |roles: &str| -> i64 {
        sqlx::query("SELECT set_config('pilote.roles', $1, false)")
            .bind(roles)
            .execute(&mut brute)
            .await
            .unwrap();
        sqlx::query_scalar(
            "SELECT count(*) FROM fiche_action WHERE contrat_id = 'essai-cache-2020'",
        )
        .fetch_one(&mut brute)
        .await
        .unwrap()
    };
    assert_eq!(fiches("").await, 0);
    assert!(fiches("partenaire:essai-cache-2020").await > 0);

    // Changes: a pilot changes their fiche and nothing else; a partner nothing at all.
    let mut modifies = async |roles: &str, sql: &str| -> u64 {
        sqlx::query("SELECT set_config('pilote.roles', $1, false)")
            .bind(roles)
            .execute(&mut brute)
            .await
            .unwrap();
        sqlx::query(sql)
            .execute(&mut brute)
            .await
            .unwrap()
            .rows_affected()
    };
    let fiche = |numero: &str| {
        format!(
            "UPDATE fiche_action SET avancement = 10 WHERE contrat_id = 'essai-cache-2020' AND numero = '{numero}'"
        )
    };
    assert_eq!(
        modifies("pilote:essai-cache-2020:1.1", &fiche("1.1")).await,
        1
    );
    assert_eq!(
        modifies("pilote:essai-cache-2020:1.1", &fiche("2.1")).await,
        0
    );
    assert_eq!(
        modifies("partenaire:essai-cache-2020", &fiche("1.1")).await,
        0
    );
    let publier = "UPDATE contrat SET publie = 1 WHERE id = 'essai-cache-2020'";
    assert_eq!(modifies("partenaire:essai-cache-2020", publier).await, 0);
    assert_eq!(modifies("", publier).await, 0);
    assert_eq!(modifies("coordinateur:essai-publie-2020", publier).await, 0);
    assert_eq!(modifies("coordinateur:essai-cache-2020", publier).await, 1);
    let erreur = sqlx::query(
        "INSERT INTO axe (contrat_id, perimetre, numero, titre, transversal) \
         VALUES ('essai-publie-2020', 'cls', 9, 'Intrus', 0)",
    )
    .execute(&mut brute)
    .await
    .unwrap_err();
    assert!(
        erreur.to_string().contains("row-level security"),
        "{erreur}"
    );
    drop(brute);
    base.fermer().await;
}

/// Two instances starting at the same moment on an empty PostgreSQL database: both migrate,
/// load the geography and the demo contracts, and create the first administrator without
/// error, and each of these is done once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deux_instances_demarrent_ensemble_sur_une_base_vide() {
    let Ok(url) = std::env::var("PILOTE_TEST_POSTGRES_URL") else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : démarrage simultané non essayé");
        return;
    };
    let nom = format!("pilote_deux_instances_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    for requete in [
        format!("DROP DATABASE IF EXISTS {nom} WITH (FORCE)"),
        format!("CREATE DATABASE {nom}"),
    ] {
        sqlx::query(&requete).execute(&mut admin).await.unwrap();
    }
    let adresse = base_voisine(&url, &nom);
    let demarrer = || {
        let adresse = adresse.clone();
        async move {
            let store = Store::open(&adresse).await?;
            let chargement = pilote_store::charger_geographie(&store).await?;
            let demo = pilote_store::demo::charger(&store).await?;
            let admin = Email::parse("admin@ars.fr").unwrap();
            let mot_de_passe = compte::creer_premier_administrateur(&store, &admin).await?;
            Ok::<_, StoreError>((store, chargement.charge, demo, mot_de_passe))
        }
    };
    let (a, b) = tokio::join!(demarrer(), demarrer());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(
        a.1 != b.1,
        "la géographie chargée une fois : {} et {}",
        a.1,
        b.1
    );
    let demo = pilote_store::demo::contrats().unwrap().len();
    assert_eq!(
        (a.2.len() + b.2.len(), a.2.is_empty() || b.2.is_empty()),
        (demo, true),
        "les contrats de démonstration écrits une fois"
    );
    assert!(
        a.3.is_some() != b.3.is_some(),
        "le premier administrateur créé une fois"
    );
    let communes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM commune")
        .fetch_one(&mut sqlx::PgConnection::connect(&adresse).await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        communes,
        geographie::extrait().unwrap().communes.len() as i64
    );
    a.0.close().await;
    b.0.close().await;
    sqlx::query(&format!("DROP DATABASE {nom} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
}
