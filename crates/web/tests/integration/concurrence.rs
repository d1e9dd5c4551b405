//! Many people at once, over HTTP, on SQLite and on PostgreSQL: simultaneous saves of one
//! form, simultaneous removals of one element, readers (pages, dashboards, exports, reports,
//! an ARS agent's portfolio) while writers save. Every answer is
//! counted: server errors, silent overwrites (two saves of one version both acknowledged) and
//! lost acknowledged writes (a save answered 303 whose data is not there) must all be zero.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use futures_util::future::join_all;
use pilote_domain::IdContrat;
use pilote_domain::autorisation::Role;
use pilote_domain::compte::Email;
use pilote_store::contrat::fiche;
use pilote_store::{Auteur, compte};

use crate::support::application::{Appli, Navigateur, champ_cache, contrat, elements};

const MDP: &str = "un mot de passe assez long";
const FICHE: &str = "/contrats/essai-2025/fiches/1";
/// People saving at the same moment.
const ENSEMBLE: usize = 8;

/// Statuses by code.
type Comptes = BTreeMap<u16, usize>;

fn compter(statuts: impl IntoIterator<Item = StatusCode>) -> Comptes {
    let mut comptes = Comptes::new();
    for s in statuts {
        *comptes.entry(s.as_u16()).or_default() += 1;
    }
    comptes
}

fn erreurs_serveur(comptes: &Comptes) -> usize {
    comptes
        .iter()
        .filter(|(code, _)| **code >= 500)
        .map(|(_, n)| n)
        .sum()
}

/// The contract essai-2025 (unpublished, fiches 1 and 2) and its coordinator, signed in.
async fn coordinateur(appli: &Appli) -> Navigateur<'_> {
    pilote_store::contrat::creer(&appli.store, &contrat("essai-2025", false, &["14118"], 2))
        .await
        .unwrap();
    let email = Email::parse("coord@caen.fr").unwrap();
    let role = Role::parse("coordinateur:essai-2025").unwrap();
    compte::creer(&appli.store, &email, None, MDP, &[role])
        .await
        .unwrap();
    let mut navigateur = appli.navigateur();
    navigateur.connecter("coord@caen.fr", MDP).await;
    navigateur
}

/// `ENSEMBLE` people save the progress of one fiche-action from the same version at once:
/// one save is acknowledged, the others are told it changed meanwhile; what is stored is the
/// acknowledged one.
/// `ENSEMBLE` tabs save the progress of `fiche` from `version` at the same moment, each a
/// different percentage: their answers and percentages.
async fn avancements_simultanes(
    coordinateur: &Navigateur<'_>,
    fiche: &str,
    version: &str,
) -> Vec<(StatusCode, String)> {
    let pourcentages: Vec<String> = (1..=ENSEMBLE).map(|k| (k * 10).to_string()).collect();
    join_all(pourcentages.into_iter().map(|pourcentage| {
        let mut onglet = coordinateur.clone();
        async move {
            let champs = [
                ("version", version),
                ("statut", "en-cours"),
                ("avancement", pourcentage.as_str()),
            ];
            let r = onglet.post(&format!("{fiche}/avancement"), &champs).await;
            (r.status, pourcentage)
        }
    }))
    .await
}

async fn une_sauvegarde_par_version(appli: &Appli, coordinateur: &Navigateur<'_>) {
    let mut lecteur = coordinateur.clone();
    let version = champ_cache(&lecteur.get(FICHE).await.corps, "version").unwrap();
    let reponses = avancements_simultanes(coordinateur, FICHE, &version).await;
    let comptes = compter(reponses.iter().map(|(s, _)| *s));
    println!("sauvegardes simultanées d'une version : {comptes:?}");
    assert_eq!(erreurs_serveur(&comptes), 0, "{comptes:?}");
    let acquittees: Vec<&String> = reponses
        .iter()
        .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
        .map(|(_, p)| p)
        .collect();
    assert_eq!(acquittees.len(), 1, "écrasement silencieux : {comptes:?}");
    assert_eq!(comptes.get(&409), Some(&(ENSEMBLE - 1)), "{comptes:?}");
    let id = IdContrat::parse("essai-2025").unwrap();
    let stockee = fiche::lire(&appli.store, &Auteur::ligne_de_commande(), &id, "1")
        .await
        .unwrap();
    assert_eq!(
        stockee.fiche.avancement.map(|a| a.to_string()).as_ref(),
        Some(acquittees[0]),
        "la sauvegarde acquittée est perdue"
    );
}

/// `ENSEMBLE` people remove the same note at once: one removal, one note gone, the others
/// kept.
async fn un_retrait_par_element(coordinateur: &Navigateur<'_>) {
    let mut lecteur = coordinateur.clone();
    for texte in ["Première note", "Deuxième note", "Troisième note"] {
        let version = champ_cache(&lecteur.get(FICHE).await.corps, "version").unwrap();
        let champs = [
            ("version", version.as_str()),
            ("date", "2025-03-01"),
            ("texte", texte),
        ];
        let r = lecteur.post(&format!("{FICHE}/notes"), &champs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.texte());
    }
    let page = lecteur.get(FICHE).await.corps;
    let version = champ_cache(&page, "version").unwrap();
    let notes = elements(&page, "note");
    assert_eq!(notes.len(), 3);
    let visee = format!("note-{}", notes[1]);
    let reponses = join_all((0..ENSEMBLE).map(|_| {
        let mut onglet = coordinateur.clone();
        let (version, visee) = (version.clone(), visee.clone());
        async move {
            let champs = [("version", version.as_str()), ("element", visee.as_str())];
            onglet
                .post(&format!("{FICHE}/retrait"), &champs)
                .await
                .status
        }
    }))
    .await;
    let comptes = compter(reponses);
    println!("retraits simultanés d'une note : {comptes:?}");
    assert_eq!(erreurs_serveur(&comptes), 0, "{comptes:?}");
    assert_eq!(comptes.get(&303), Some(&1), "{comptes:?}");
    let restantes = elements(&lecteur.get(FICHE).await.corps, "note");
    assert_eq!(restantes, [notes[0].clone(), notes[2].clone()]);
}

/// Readers read the contract and the fiche-action while writers each add notes to the other
/// fiche-action, reading the page again when told it changed: every read answered, every note
/// acknowledged is there.
async fn lectures_pendant_les_ecritures(coordinateur: &Navigateur<'_>) {
    const ECRIVAINS: usize = 4;
    const NOTES: usize = 5;
    const LECTURES: usize = 20;
    let autre = "/contrats/essai-2025/fiches/2";
    let ecritures = join_all((0..ECRIVAINS).map(|e| {
        let mut onglet = coordinateur.clone();
        async move {
            let mut statuts = Vec::new();
            let mut acquittees = Vec::new();
            for n in 0..NOTES {
                let texte = format!("Note {n} par écrivain {e}");
                loop {
                    let page = onglet.get(autre).await;
                    statuts.push(page.status);
                    let version = champ_cache(&page.corps, "version").unwrap();
                    let champs = [
                        ("version", version.as_str()),
                        ("date", "2025-04-01"),
                        ("texte", texte.as_str()),
                    ];
                    let r = onglet.post(&format!("{autre}/notes"), &champs).await;
                    statuts.push(r.status);
                    if r.status == StatusCode::SEE_OTHER {
                        acquittees.push(texte.clone());
                        break;
                    }
                    if r.status != StatusCode::CONFLICT {
                        break;
                    }
                }
            }
            (statuts, acquittees)
        }
    }));
    let lectures = join_all((0..ECRIVAINS).map(|_| {
        let mut onglet = coordinateur.clone();
        async move {
            let mut statuts = Vec::new();
            for _ in 0..LECTURES {
                statuts.push(onglet.get("/contrats/essai-2025").await.status);
                statuts.push(onglet.get(FICHE).await.status);
            }
            statuts
        }
    }));
    let (ecritures, lectures) = tokio::join!(ecritures, lectures);
    let lues = compter(lectures.into_iter().flatten());
    let ecrites = compter(ecritures.iter().flat_map(|(s, _)| s.iter().copied()));
    println!("lectures pendant les écritures : {lues:?} ; écritures : {ecrites:?}");
    assert_eq!(lues.keys().collect::<Vec<_>>(), [&200], "{lues:?}");
    assert_eq!(erreurs_serveur(&ecrites), 0, "{ecrites:?}");
    let page = coordinateur.clone().get(autre).await.texte();
    let acquittees: Vec<&String> = ecritures.iter().flat_map(|(_, a)| a).collect();
    assert_eq!(acquittees.len(), ECRIVAINS * NOTES);
    for texte in acquittees {
        assert!(
            page.contains(texte.as_str()),
            "écriture acquittée perdue : {texte}"
        );
    }
}

/// The contract's own parts at once: `ENSEMBLE` people save its presentation from one version
/// (one acknowledged, the others told it changed, the acknowledged text stored), then as many
/// add achievements while others read the evaluation page, each writer reading the page again
/// when told it changed: every read answered, every acknowledged achievement there.
async fn les_parties_du_contrat_a_plusieurs(coordinateur: &Navigateur<'_>) {
    const PAGE: &str = "/contrats/essai-2025/evaluation";
    let mut lecteur = coordinateur.clone();
    let presentation = "/contrats/essai-2025/presentation";
    let version = champ_cache(&lecteur.get(presentation).await.corps, "version").unwrap();
    let textes: Vec<String> = (1..=ENSEMBLE)
        .map(|k| format!("Présentation n°{k}"))
        .collect();
    let reponses = join_all(textes.iter().map(|texte| {
        let mut onglet = coordinateur.clone();
        let version = version.clone();
        async move {
            let champs = [
                ("version", version.as_str()),
                ("presentation", texte.as_str()),
            ];
            (
                onglet.post(presentation, &champs).await.status,
                texte.clone(),
            )
        }
    }))
    .await;
    let comptes = compter(reponses.iter().map(|(s, _)| *s));
    println!("présentations simultanées d'une version : {comptes:?}");
    assert_eq!(erreurs_serveur(&comptes), 0, "{comptes:?}");
    assert_eq!(
        comptes.get(&303),
        Some(&1),
        "écrasement silencieux : {comptes:?}"
    );
    let acquittee = &reponses
        .iter()
        .find(|(s, _)| *s == StatusCode::SEE_OTHER)
        .unwrap()
        .1;
    let contrat = lecteur.get("/contrats/essai-2025").await.texte();
    assert!(
        contrat.contains(acquittee.as_str()),
        "la présentation acquittée est perdue"
    );

    let ecritures = join_all((0..ENSEMBLE).map(|e| {
        let mut onglet = coordinateur.clone();
        async move {
            let titre = format!("Réalisation de l'écrivain {e}");
            let mut statuts = Vec::new();
            loop {
                let page = onglet.get(PAGE).await;
                statuts.push(page.status);
                let version = champ_cache(&page.corps, "version").unwrap();
                let champs = [("version", version.as_str()), ("titre", titre.as_str())];
                let r = onglet
                    .post("/contrats/essai-2025/realisations", &champs)
                    .await;
                statuts.push(r.status);
                if r.status != StatusCode::CONFLICT {
                    return (
                        statuts,
                        (r.status == StatusCode::SEE_OTHER).then_some(titre),
                    );
                }
            }
        }
    }));
    let lectures = join_all((0..ENSEMBLE).map(|_| {
        let mut onglet = coordinateur.clone();
        async move {
            let mut statuts = Vec::new();
            for _ in 0..5 {
                statuts.push(onglet.get(PAGE).await.status);
            }
            statuts
        }
    }));
    let (ecritures, lectures) = tokio::join!(ecritures, lectures);
    let lues = compter(lectures.into_iter().flatten());
    let ecrites = compter(ecritures.iter().flat_map(|(s, _)| s.iter().copied()));
    println!("réalisations ajoutées à plusieurs : {ecrites:?} ; lectures : {lues:?}");
    assert_eq!(lues.keys().collect::<Vec<_>>(), [&200], "{lues:?}");
    assert_eq!(erreurs_serveur(&ecrites), 0, "{ecrites:?}");
    let page = lecteur.get(PAGE).await.texte();
    let acquittees: Vec<&String> = ecritures.iter().filter_map(|(_, t)| t.as_ref()).collect();
    assert_eq!(acquittees.len(), ENSEMBLE);
    for titre in acquittees {
        assert!(
            page.contains(titre.as_str()),
            "écriture acquittée perdue : {titre}"
        );
    }
}

/// A workbook (XLSX) of one axis, numbered 9, and its fiche-action 9.1.
fn classeur_de_l_axe_9() -> Vec<u8> {
    let feuilles: [(&str, [[&str; 3]; 2]); 2] = [
        (
            "Axes",
            [
                ["Numéro", "Titre", "Transversal"],
                ["9", "Axe importé à plusieurs", "non"],
            ],
        ),
        (
            "Fiches-actions",
            [
                ["Axe", "Numéro", "Titre"],
                ["9", "9.1", "Action importée à plusieurs"],
            ],
        ),
    ];
    let mut classeur = rust_xlsxwriter::Workbook::new();
    for (nom, lignes) in feuilles {
        let feuille = classeur.add_worksheet();
        feuille.set_name(nom).unwrap();
        for (l, ligne) in (0..).zip(lignes) {
            for (c, cellule) in (0..).zip(ligne) {
                feuille.write_string(l, c, cellule).unwrap();
            }
        }
    }
    classeur.save_to_buffer().unwrap()
}

/// `ENSEMBLE` tabs preview one workbook from the same version, then confirm at once while
/// others read the strategy: one import is acknowledged, the others are told the contract
/// changed; the plan is there once.
async fn un_plan_importe_a_plusieurs(coordinateur: &Navigateur<'_>) {
    const PLAN: &str = "/contrats/essai-2025/plan";
    let mut lecteur = coordinateur.clone();
    let apercu = lecteur
        .deposer(
            "/contrats/essai-2025/plan/apercu",
            &[],
            ("plan.xlsx", &classeur_de_l_axe_9()),
        )
        .await;
    assert_eq!(apercu.status, StatusCode::OK, "{}", apercu.texte());
    let version = champ_cache(&apercu.corps, "version").unwrap();
    let classeur = champ_cache(&apercu.corps, "classeur").unwrap();
    let imports = join_all((0..ENSEMBLE).map(|_| {
        let mut onglet = coordinateur.clone();
        let champs = [
            ("version", version.clone()),
            ("nom", "plan.xlsx".to_owned()),
            ("classeur", classeur.clone()),
        ];
        async move {
            let champs = champs.each_ref().map(|(n, v)| (*n, v.as_str()));
            onglet.post(PLAN, &champs).await.status
        }
    }));
    let lectures = join_all((0..ENSEMBLE).map(|_| {
        let mut onglet = coordinateur.clone();
        async move { onglet.get("/contrats/essai-2025/strategie").await.status }
    }));
    let (imports, lectures) = tokio::join!(imports, lectures);
    let comptes = compter(imports);
    println!("imports simultanés d'un plan : {comptes:?}");
    assert_eq!(erreurs_serveur(&comptes), 0, "{comptes:?}");
    assert_eq!(
        comptes.get(&303),
        Some(&1),
        "import en double : {comptes:?}"
    );
    assert_eq!(comptes.get(&409), Some(&(ENSEMBLE - 1)), "{comptes:?}");
    assert_eq!(compter(lectures).keys().collect::<Vec<_>>(), [&200]);
    let strategie = lecteur.get("/contrats/essai-2025/strategie").await.texte();
    assert_eq!(
        strategie
            .matches("Axe 9 — Axe importé à plusieurs</h2>")
            .count(),
        1,
        "le plan acquitté manque ou figure deux fois"
    );
}

/// `ENSEMBLE` tabs write the introduction of one report from the same version while others
/// read the dashboard, the exports and the report's ODT: one text is acknowledged and is the
/// one stored, the others are told the contract changed; every read answers 200.
async fn des_textes_de_rapport_a_plusieurs(coordinateur: &Navigateur<'_>) {
    const RAPPORTS: &str = "/contrats/essai-2025/rapports";
    let mut lecteur = coordinateur.clone();
    let page = lecteur.get(&format!("{RAPPORTS}?rapport=evaluation")).await;
    let version = champ_cache(&page.corps, "version").unwrap();
    let textes: Vec<String> = (1..=ENSEMBLE)
        .map(|k| format!("Introduction n°{k}"))
        .collect();
    let ecritures = join_all(textes.iter().map(|texte| {
        let mut onglet = coordinateur.clone();
        let version = version.clone();
        async move {
            let champs = [
                ("version", version.as_str()),
                ("rapport", "evaluation"),
                ("introduction", texte.as_str()),
            ];
            (onglet.post(RAPPORTS, &champs).await.status, texte.clone())
        }
    }));
    let lectures = join_all(
        [
            "/contrats/essai-2025/tableau-de-bord",
            "/contrats/essai-2025/export.xlsx",
            "/contrats/essai-2025/export.csv?feuille=fiches-actions",
            "/export.ods",
            "/contrats/essai-2025/rapport.odt?rapport=evaluation",
            "/mes-actions",
        ]
        .into_iter()
        .map(|uri| {
            let mut onglet = coordinateur.clone();
            async move { onglet.get(uri).await.status }
        }),
    );
    let (ecritures, lectures) = tokio::join!(ecritures, lectures);
    let comptes = compter(ecritures.iter().map(|(s, _)| *s));
    println!("textes d'un rapport écrits ensemble : {comptes:?}");
    assert_eq!(erreurs_serveur(&comptes), 0, "{comptes:?}");
    let acquittes: Vec<&String> = ecritures
        .iter()
        .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(acquittes.len(), 1, "écrasement silencieux : {comptes:?}");
    assert_eq!(comptes.get(&409), Some(&(ENSEMBLE - 1)), "{comptes:?}");
    assert_eq!(compter(lectures).keys().collect::<Vec<_>>(), [&200]);
    let page = lecteur.get(&format!("{RAPPORTS}?rapport=evaluation")).await;
    assert!(
        page.texte().contains(acquittes[0].as_str()),
        "le texte acquitté est perdu"
    );
}

/// `ENSEMBLE` people save the progress of fiche-action 2 from one version while an ARS agent
/// reads the portfolio of the région, its workbook and its CSV: one save acknowledged, the
/// others told it changed, every read answered, and the portfolio read afterwards shows the
/// acknowledged progress in the contract's mean.
async fn le_portefeuille_pendant_les_ecritures(appli: &Appli, coordinateur: &Navigateur<'_>) {
    const AUTRE: &str = "/contrats/essai-2025/fiches/2";
    let email = Email::parse("ars@normandie.fr").unwrap();
    let role = Role::parse("ars:region:28").unwrap();
    compte::creer(&appli.store, &email, None, MDP, &[role])
        .await
        .unwrap();
    let mut agent = appli.navigateur();
    agent.connecter("ars@normandie.fr", MDP).await;
    let version = champ_cache(&coordinateur.clone().get(AUTRE).await.corps, "version").unwrap();
    let ecritures = avancements_simultanes(coordinateur, AUTRE, &version);
    let lectures = join_all((0..ENSEMBLE).map(|k| {
        let mut onglet = agent.clone();
        async move {
            let uri = match k % 3 {
                0 => "/portefeuille",
                1 => "/portefeuille.xlsx?tri=avancement",
                _ => "/portefeuille.csv?feuille=contrats&carte=contrats",
            };
            let mut statuts = Vec::new();
            for _ in 0..4 {
                statuts.push(onglet.get(uri).await.status);
            }
            statuts
        }
    }));
    let (ecritures, lectures) = tokio::join!(ecritures, lectures);
    let comptes = compter(ecritures.iter().map(|(s, _)| *s));
    let lues = compter(lectures.into_iter().flatten());
    println!(
        "avancement enregistré pendant les lectures du portefeuille : {comptes:?} ; lectures : {lues:?}"
    );
    assert_eq!(erreurs_serveur(&comptes), 0, "{comptes:?}");
    assert_eq!(lues.keys().collect::<Vec<_>>(), [&200], "{lues:?}");
    let acquittes: Vec<u32> = ecritures
        .iter()
        .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
        .map(|(_, p)| p.parse().unwrap())
        .collect();
    assert_eq!(acquittes.len(), 1, "écrasement silencieux : {comptes:?}");
    let id = IdContrat::parse("essai-2025").unwrap();
    let premiere = fiche::lire(&appli.store, &Auteur::ligne_de_commande(), &id, "1")
        .await
        .unwrap()
        .fiche
        .avancement
        .map_or(0, u32::from);
    let csv = agent
        .get("/portefeuille.csv?feuille=contrats")
        .await
        .texte();
    let ligne = csv
        .lines()
        .find(|l| l.starts_with("essai-2025;"))
        .expect("le contrat dans le portefeuille");
    let moyenne = ligne.split(';').nth(14).unwrap();
    assert_eq!(
        moyenne,
        ((premiere + acquittes[0]) / 2).to_string(),
        "le portefeuille ne montre pas l'avancement acquitté : {ligne}"
    );
}

async fn scenarios(appli: &Appli) {
    let coordinateur = coordinateur(appli).await;
    une_sauvegarde_par_version(appli, &coordinateur).await;
    un_retrait_par_element(&coordinateur).await;
    lectures_pendant_les_ecritures(&coordinateur).await;
    les_parties_du_contrat_a_plusieurs(&coordinateur).await;
    un_plan_importe_a_plusieurs(&coordinateur).await;
    des_textes_de_rapport_a_plusieurs(&coordinateur).await;
    le_portefeuille_pendant_les_ecritures(appli, &coordinateur).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn plusieurs_personnes_a_la_fois_sur_sqlite() {
    let appli = Appli::demarrer("http://localhost", None).await;
    scenarios(&appli).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn plusieurs_personnes_a_la_fois_sur_postgresql() {
    let nom = format!("pilote_concurrence_web_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : concurrence PostgreSQL non exécutée");
        return;
    };
    scenarios(&appli).await;
    base.supprimer(appli).await;
}
