//! The generated authorization matrix: over contracts in several régions and départements and
//! people holding every kind of role, every declared route is requested for every (person,
//! object) pair, and the answer is compared with what the domain policy allows. Unauthorized
//! reads and writes (and wrong refusals, and refusals that reveal what exists) are counted,
//! printed, and fail the test. At least 100,000 requests run on SQLite; a representative
//! subset runs on PostgreSQL when `PILOTE_TEST_POSTGRES_URL` is set. A write the person may
//! make carries the version just read from the store, so that it reaches its SQL (under
//! row-level security on PostgreSQL): saved, or refused by the store once the version is
//! claimed; every route given a valid form must save at least once.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::application::{Appli, Navigateur, Reponse, contrat as contrat_essai};
use axum::http::StatusCode;
use pilote_domain::IdContrat;
use pilote_domain::administration::{
    PorteeDuRole, gere_des_comptes, gere_le_compte, lit_le_journal, voit_le_compte,
};
use pilote_domain::autorisation::{
    Acteur, Operation, Perimetre, PorteeContrat, Role, charge_les_donnees_de_reference,
    cree_des_contrats, peut, portefeuille, tient_l_annuaire,
};
use pilote_domain::compte::Email;
use pilote_domain::diagnostic::Diagnostic;
use pilote_domain::fiche_action::Document;
use pilote_stockage::{Cle, Depot, Stockage};
use pilote_store::{Auteur, Store, administration, compte, contrat, invitation};
use pilote_web::{Politique, Route, routes};

/// (commune, département, région): twelve départements in six régions.
const LIEUX: [(&str, &str, &str); 12] = [
    ("14118", "14", "28"),
    ("76540", "76", "28"),
    ("02722", "02", "32"),
    ("59350", "59", "32"),
    ("71153", "71", "27"),
    ("21231", "21", "27"),
    ("35238", "35", "53"),
    ("29019", "29", "53"),
    ("31555", "31", "76"),
    ("34172", "34", "76"),
    ("67482", "67", "44"),
    ("51454", "51", "44"),
];
const FICHES: usize = 4;
const MDP: &str = "mot de passe de la matrice";

/// The write routes the matrix sends a valid form to: each must save at least once (its SQL
/// run to its commit, under row-level security on PostgreSQL). The others' forms are refused by
/// the store once it has claimed the version (an element that does not exist), or, for a file
/// upload, before it.
const ENREGISTREES: &[&str] = &[
    "POST /contrats/{id}/axes",
    "POST /contrats/{id}/objectifs",
    "POST /contrats/{id}/fiches",
    "POST /contrats/{id}/strategie/modification",
    "POST /contrats/{id}/signature",
    "POST /contrats/{id}/parties",
    "POST /contrats/{id}/avenants",
    "POST /contrats/{id}/coordination",
    "POST /contrats/{id}/financements",
    "POST /contrats/{id}/instances",
    "POST /contrats/{id}/presentation",
    "POST /contrats/{id}/diagnostics",
    "POST /contrats/{id}/realisations",
    "POST /contrats/{id}/evaluations",
    "POST /contrats/{id}/clsm",
    "POST /contrats/{id}/fiches/{numero}",
    "POST /contrats/{id}/fiches/{numero}/avancement",
    "POST /contrats/{id}/fiches/{numero}/budget",
    "POST /contrats/{id}/fiches/{numero}/indicateurs",
    "POST /contrats/{id}/fiches/{numero}/etapes",
    "POST /contrats/{id}/fiches/{numero}/notes",
];

struct ContratMatrice {
    /// A name found nowhere else, to spot the contract in any page.
    nom: String,
    portee: PorteeContrat,
    /// Its fiches-actions' numbers, « 1.1 » to « 1.4 »: already in the order of the strategy,
    /// so that renumbering finds nothing to change.
    fiches: Vec<String>,
    /// The identifier of its axis, once stored.
    axe: i64,
    /// The identifier of each fiche's document, once stored.
    documents: Vec<String>,
    /// The identifier of the document of its diagnostic, once stored.
    document_diagnostic: String,
}

struct Personne {
    nom: String,
    acteur: Acteur,
}

/// An account the administration routes are driven on, which no one browses with (ending its
/// sessions disturbs nobody).
struct Cible {
    id: i64,
    roles: Vec<Role>,
}

/// The accounts the administration routes are tried on: a pilot, a partner and a coordinator
/// of the first contracts, ARS agents of a département and of a région, a national agent who is
/// also a partner, an administrator; and an account that does not exist.
fn roles_des_cibles(contrats: &[ContratMatrice]) -> Vec<Vec<Role>> {
    let mut cibles = Vec::new();
    for c in contrats.iter().take(3) {
        let contrat = c.portee.id.clone();
        cibles.push(vec![Role::PiloteAction {
            contrat: contrat.clone(),
            fiche: "1.1".into(),
        }]);
        cibles.push(vec![Role::Partenaire {
            contrat: contrat.clone(),
        }]);
        cibles.push(vec![Role::Coordinateur { contrat }]);
    }
    let agent = |perimetre| Role::AgentArs { perimetre };
    cibles.push(vec![agent(Perimetre::Departement("14".into()))]);
    cibles.push(vec![agent(Perimetre::Region("28".into()))]);
    cibles.push(vec![
        Role::Partenaire {
            contrat: contrats[0].portee.id.clone(),
        },
        agent(Perimetre::National),
    ]);
    cibles.push(vec![Role::Administrateur]);
    cibles
}

/// The scope of `role` in the dataset, as the rule of delegation needs it.
fn portee_du_role(role: &Role, contrats: &[ContratMatrice]) -> PorteeDuRole {
    match role {
        Role::Administrateur => PorteeDuRole::Plateforme,
        Role::AgentArs { perimetre } => PorteeDuRole::Ars {
            region_du_departement: match perimetre {
                Perimetre::Departement(d) => LIEUX
                    .iter()
                    .find(|l| l.1 == d)
                    .map(|l| l.2.to_owned())
                    .or_else(|| (d == "75").then(|| "11".to_owned())),
                _ => None,
            },
            perimetre: perimetre.clone(),
        },
        Role::Coordinateur { contrat }
        | Role::Partenaire { contrat }
        | Role::PiloteAction { contrat, .. } => PorteeDuRole::Contrat(
            contrats
                .iter()
                .find(|c| &c.portee.id == contrat)
                .unwrap()
                .portee
                .clone(),
        ),
    }
}

/// The dataset: contracts spread over the places (some over two départements of two régions),
/// one published in two; per contract a coordinator, a partner and a pilot; ARS agents at every
/// level, in scope and out of it; an administrator; someone with two roles; the public.
fn jeu(contrats_par_lieu: usize) -> (Vec<ContratMatrice>, Vec<Personne>) {
    let mut contrats = Vec::new();
    for k in 0..contrats_par_lieu {
        for (i, (_, dep, reg)) in LIEUX.iter().enumerate() {
            let n = contrats.len();
            let mut departements = BTreeSet::from([dep.to_string()]);
            let mut regions = BTreeSet::from([reg.to_string()]);
            if k == 0 && i % 4 == 0 {
                let (_, dep2, reg2) = LIEUX[(i + 3) % LIEUX.len()];
                departements.insert(dep2.to_owned());
                regions.insert(reg2.to_owned());
            }
            contrats.push(ContratMatrice {
                nom: format!("Contrat de la matrice {n:03}"),
                portee: PorteeContrat {
                    id: IdContrat::parse(&format!("cls-{n:03}")).unwrap(),
                    publie: n % 2 == 0,
                    departements,
                    regions,
                },
                fiches: (1..=FICHES).map(|f| format!("1.{f}")).collect(),
                axe: 0,
                documents: Vec::new(),
                document_diagnostic: String::new(),
            });
        }
    }
    let personne = |nom: String, roles: Vec<Role>| Personne {
        nom,
        acteur: Acteur { roles },
    };
    let mut personnes = vec![
        personne("public".into(), vec![]),
        personne("admin".into(), vec![Role::Administrateur]),
        personne(
            "ars-national".into(),
            vec![Role::AgentArs {
                perimetre: Perimetre::National,
            }],
        ),
    ];
    let regions: BTreeSet<&str> = LIEUX.iter().map(|l| l.2).chain(["11"]).collect();
    for r in regions {
        personnes.push(personne(
            format!("ars-r{r}"),
            vec![Role::AgentArs {
                perimetre: Perimetre::Region(r.into()),
            }],
        ));
    }
    for d in LIEUX.iter().map(|l| l.1).chain(["75"]) {
        personnes.push(personne(
            format!("ars-d{d}"),
            vec![Role::AgentArs {
                perimetre: Perimetre::Departement(d.into()),
            }],
        ));
    }
    for c in &contrats {
        let id = &c.portee.id;
        personnes.push(personne(
            format!("coord-{id}"),
            vec![Role::Coordinateur {
                contrat: id.clone(),
            }],
        ));
        personnes.push(personne(
            format!("partenaire-{id}"),
            vec![Role::Partenaire {
                contrat: id.clone(),
            }],
        ));
        personnes.push(personne(
            format!("pilote-{id}"),
            vec![Role::PiloteAction {
                contrat: id.clone(),
                fiche: "1.2".into(),
            }],
        ));
    }
    personnes.push(personne(
        "cumul".into(),
        vec![
            Role::Partenaire {
                contrat: contrats[1].portee.id.clone(),
            },
            Role::PiloteAction {
                contrat: contrats[3].portee.id.clone(),
                fiche: "1.1".into(),
            },
        ],
    ));
    (contrats, personnes)
}

fn email(nom: &str) -> String {
    format!("{nom}@matrice.fr")
}

/// What the policy says should happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attendu {
    /// Served (200), or done and redirected (303).
    Permis,
    /// Refused as if absent (404): the person may not even read it.
    Absent,
    /// Refused (403): readable, not changeable.
    Interdit,
    /// Refused for bad input (400), after the person was found allowed.
    Invalide,
    /// A write the person may make, carrying the version just read: handled by the store,
    /// whose SQL runs (the version claimed first): saved (303), or refused for its input
    /// (400) and rolled back. Never refused as stale: nothing else writes meanwhile.
    Traite,
    /// A list showing exactly these contracts.
    Liste,
    /// A portfolio showing exactly the contracts of the person's scope they may read.
    Portefeuille,
    /// Anything but a server error, and no unpublished data.
    Ouvert,
    /// Sent to sign in (303 to `/connexion?suite=…`), then back.
    Connexion,
}

/// Whose version a write carries, read from the store just before it is sent.
#[derive(Debug, Clone)]
enum Version {
    Contrat(IdContrat),
    Fiche(IdContrat, String),
}

/// One request of the matrix.
struct Cas {
    route: Route,
    uri: String,
    champs: Vec<(&'static str, String)>,
    version: Option<Version>,
    attendu: Attendu,
}

#[derive(Default, Debug)]
struct Bilan {
    requetes: usize,
    lectures_non_autorisees: Vec<String>,
    ecritures_non_autorisees: Vec<String>,
    refus_a_tort: Vec<String>,
    existence_revelee: Vec<String>,
    autres: Vec<String>,
    /// Writes saved (303) by route: their SQL ran to its commit.
    enregistrees: BTreeMap<String, usize>,
}

impl Bilan {
    fn fautes(&self) -> usize {
        self.lectures_non_autorisees.len()
            + self.ecritures_non_autorisees.len()
            + self.refus_a_tort.len()
            + self.existence_revelee.len()
            + self.autres.len()
    }
}

fn attendu_pour(acteur: &Acteur, operation: &Operation, portee: &PorteeContrat) -> Attendu {
    if peut(acteur, operation, portee) {
        Attendu::Permis
    } else if peut(acteur, &Operation::LirePublie, portee) {
        Attendu::Interdit
    } else {
        Attendu::Absent
    }
}

/// A form's fields.
fn champs(paires: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    paires.iter().map(|(n, v)| (*n, (*v).to_owned())).collect()
}

/// What a write is expected to do: handled by the store if the person may make it.
fn traite(permis: Attendu) -> Attendu {
    if permis == Attendu::Permis {
        Attendu::Traite
    } else {
        permis
    }
}

/// A request the person may make, sent with bad input: refused for it (400).
fn invalide_si_permis(permis: Attendu) -> Attendu {
    if permis == Attendu::Permis {
        Attendu::Invalide
    } else {
        permis
    }
}

/// Every request the matrix makes for one person, route by route.
fn cas(
    route: &Route,
    qui: &str,
    acteur: &Acteur,
    contrats: &[ContratMatrice],
    (invitation_valide, lien_valide): (&str, &str),
    cibles: &[Cible],
) -> Vec<Cas> {
    let absent = PorteeContrat {
        id: IdContrat::parse("absent-2099").unwrap(),
        publie: false,
        departements: BTreeSet::new(),
        regions: BTreeSet::new(),
    };
    let un = |uri: String, champs: Vec<(&'static str, String)>, attendu| Cas {
        route: route.clone(),
        uri,
        champs,
        version: None,
        attendu,
    };
    let avec_id = |portee: &PorteeContrat| route.chemin.replace("{id}", portee.id.as_str());
    let existants = contrats.iter().map(|c| &c.portee);
    let tous = || existants.clone().chain([&absent]);
    match route.politique {
        Politique::CreerContrat => {
            let createur = cree_des_contrats(acteur);
            if route.methode == axum::http::Method::GET {
                let attendu = if createur {
                    Attendu::Permis
                } else {
                    Attendu::Interdit
                };
                return vec![un(route.chemin.into(), vec![], attendu)];
            }
            // A contract in Paris, outside every place of the dataset.
            let paris = PorteeContrat {
                id: IdContrat::parse(&format!("creation-{qui}")).unwrap(),
                publie: false,
                departements: BTreeSet::from(["75".to_owned()]),
                regions: BTreeSet::from(["11".to_owned()]),
            };
            let champs = |nom: &str| {
                vec![
                    ("identifiant", paris.id.to_string()),
                    ("nom", nom.to_owned()),
                    ("generation", "1".to_owned()),
                    ("communes", "75056".to_owned()),
                ]
            };
            if route.chemin == "/contrats/nouveau/territoire" {
                // The territory picker saves nothing: the form comes back.
                let attendu = if createur {
                    Attendu::Permis
                } else {
                    Attendu::Interdit
                };
                return vec![un(route.chemin.into(), champs("Aperçu"), attendu)];
            }
            vec![
                un(
                    route.chemin.into(),
                    champs(""),
                    if createur {
                        Attendu::Invalide
                    } else {
                        Attendu::Interdit
                    },
                ),
                un(
                    route.chemin.into(),
                    champs(&format!("Créé par {qui}")),
                    if peut(acteur, &Operation::Creer, &paris) {
                        Attendu::Permis
                    } else {
                        Attendu::Interdit
                    },
                ),
            ]
        }
        Politique::ListeContrats => {
            vec![un(feuille_csv(route.chemin.into()), vec![], Attendu::Liste)]
        }
        Politique::Portefeuille => {
            let attendu = if acteur.roles.is_empty() {
                Attendu::Connexion
            } else if portefeuille(acteur).is_empty() {
                Attendu::Interdit
            } else {
                Attendu::Portefeuille
            };
            vec![un(feuille_csv(route.chemin.into()), vec![], attendu)]
        }
        Politique::LireContrat => tous()
            .map(|p| {
                let attendu = if p.id == absent.id {
                    Attendu::Absent
                } else {
                    attendu_pour(acteur, &Operation::LirePublie, p)
                };
                let (uri, attendu) = rapport_pdf(feuille_csv(avec_id(p)), attendu);
                un(uri, vec![], attendu)
            })
            .collect(),
        Politique::ModifierContrat => tous()
            .map(|p| {
                let modifier = attendu_pour(acteur, &Operation::Modifier, p);
                // A write the person may make reaches the store with the contract's version.
                let traite = traite(modifier);
                let axe = contrats
                    .iter()
                    .find(|c| c.portee.id == p.id)
                    .map_or(0, |c| c.axe);
                let axe = format!("axe-{axe}");
                let (champs, attendu) = match route.chemin {
                    "/contrats/{id}/modifier" => (vec![], modifier),
                    "/contrats/{id}/territoire" => (
                        champs(&[("communes", "14118"), ("recherche", "caen")]),
                        modifier,
                    ),
                    "/contrats/{id}/strategie"
                    | "/contrats/{id}/signature"
                    | "/contrats/{id}/pilotage"
                    | "/contrats/{id}/gouvernance"
                    | "/contrats/{id}/presentation"
                    | "/contrats/{id}/evaluation"
                    | "/contrats/{id}/clsm"
                    | "/contrats/{id}/plan"
                    | "/contrats/{id}/rappels"
                        if route.methode == axum::http::Method::GET =>
                    {
                        (vec![], modifier)
                    }
                    // An empty name: refused as bad input once the right is granted.
                    "/contrats/{id}" => (champs(&[("nom", "")]), invalide_si_permis(modifier)),
                    // A delay not offered: refused as bad input once the right is granted.
                    "/contrats/{id}/rappels" => (
                        champs(&[("jours_avant", "0"), ("relance", "14")]),
                        invalide_si_permis(modifier),
                    ),
                    // Saved: additions that change neither the numbers nor the names the
                    // matrix looks for.
                    "/contrats/{id}/axes" => (champs(&[("titre", "Axe de la matrice")]), traite),
                    "/contrats/{id}/objectifs" => (
                        champs(&[
                            ("place", &axe),
                            ("niveau", "general"),
                            ("libelle", "Objectif de la matrice"),
                        ]),
                        traite,
                    ),
                    "/contrats/{id}/fiches" => (
                        champs(&[("place", &axe), ("titre", "Fiche de la matrice")]),
                        traite,
                    ),
                    "/contrats/{id}/strategie/modification" => (
                        champs(&[("element", &axe), ("titre", "Accès aux soins")]),
                        traite,
                    ),
                    "/contrats/{id}/signature" => (
                        champs(&[("date", "2024-01-15"), ("lieu", "Matrice")]),
                        traite,
                    ),
                    "/contrats/{id}/parties" => (
                        champs(&[
                            ("nom", "Partenaire de la matrice"),
                            ("nature", "association"),
                            ("roles", "partenaire"),
                        ]),
                        traite,
                    ),
                    "/contrats/{id}/avenants" => (
                        champs(&[("date", "2024-06-01"), ("objet", "Avenant de la matrice")]),
                        traite,
                    ),
                    "/contrats/{id}/coordination" => {
                        (champs(&[("poste", "Coordination de la matrice")]), traite)
                    }
                    "/contrats/{id}/financements" => {
                        (champs(&[("financeur", "ARS"), ("montant", "1000")]), traite)
                    }
                    "/contrats/{id}/presentation" => (
                        champs(&[("presentation", "Présentation de la matrice")]),
                        traite,
                    ),
                    "/contrats/{id}/diagnostics" => {
                        (champs(&[("titre", "Diagnostic de la matrice")]), traite)
                    }
                    "/contrats/{id}/realisations" => {
                        (champs(&[("titre", "Réalisation de la matrice")]), traite)
                    }
                    "/contrats/{id}/evaluations" => {
                        (champs(&[("titre", "Évaluation de la matrice")]), traite)
                    }
                    "/contrats/{id}/instances" => (
                        champs(&[("nature", "copil"), ("nom", "Comité de la matrice")]),
                        traite,
                    ),
                    // Refused by the store once the version is claimed: an element that does
                    // not exist, a renumbering with nothing to change.
                    "/contrats/{id}/membres" => (
                        champs(&[("instance", "999999999"), ("organisation", "Matrice")]),
                        traite,
                    ),
                    "/contrats/{id}/reunions" => (
                        champs(&[("instance", "instance-999999999"), ("date", "2024-03-01")]),
                        traite,
                    ),
                    "/contrats/{id}/gouvernance/retrait" => {
                        (champs(&[("element", "instance-999999999")]), traite)
                    }
                    "/contrats/{id}/strategie/ordre" => (
                        champs(&[("element", "fiche-999999999"), ("sens", "haut")]),
                        traite,
                    ),
                    "/contrats/{id}/strategie/rattachement" => (
                        champs(&[("element", "fiche-999999999"), ("place", &axe)]),
                        traite,
                    ),
                    "/contrats/{id}/strategie/numerotation" => (vec![], traite),
                    "/contrats/{id}/strategie/suppression" => {
                        (champs(&[("element", "objectif-999999999")]), traite)
                    }
                    "/contrats/{id}/diagnostics/indicateurs" => (
                        champs(&[
                            ("diagnostic", "999999999"),
                            ("libelle", "Indicateur de la matrice"),
                            ("valeur", "1"),
                        ]),
                        traite,
                    ),
                    "/contrats/{id}/diagnostics/retrait" => {
                        (champs(&[("element", "indicateur-999999999")]), traite)
                    }
                    "/contrats/{id}/clsm" => (champs(&[("nom", "CLSM de la matrice")]), traite),
                    "/contrats/{id}/clsm/axes" => {
                        (champs(&[("titre", "Axe du CLSM de la matrice")]), traite)
                    }
                    "/contrats/{id}/clsm/instances" => (
                        champs(&[
                            ("nature", "assemblee-pleniere"),
                            ("nom", "Assemblée de la matrice"),
                        ]),
                        traite,
                    ),
                    "/contrats/{id}/clsm/evenements" => {
                        (champs(&[("titre", "Événement de la matrice")]), traite)
                    }
                    "/contrats/{id}/clsm/retrait" => {
                        (champs(&[("element", "evenement-999999999")]), traite)
                    }
                    "/contrats/{id}/parties/modification" => (
                        champs(&[("partie", "999999999"), ("roles", "partenaire")]),
                        traite,
                    ),
                    "/contrats/{id}/bilans" => (
                        champs(&[("fiche", "999999999"), ("aboutissement", "realisee")]),
                        traite,
                    ),
                    "/contrats/{id}/evaluation/retrait" => {
                        (champs(&[("element", "realisation-999999999")]), traite)
                    }
                    "/contrats/{id}/signature/retrait" => {
                        (champs(&[("element", "avenant-999999999")]), traite)
                    }
                    // A workbook that is not one, and an upload that is not multipart:
                    // refused as bad input once the right is granted, before the store.
                    "/contrats/{id}/plan" => (
                        champs(&[("classeur", "pas un classeur !")]),
                        invalide_si_permis(modifier),
                    ),
                    "/contrats/{id}/plan/apercu" | "/contrats/{id}/diagnostics/documents" => {
                        (vec![], invalide_si_permis(modifier))
                    }
                    "/contrats/{id}/rapports" => (
                        champs(&[
                            ("rapport", "evaluation"),
                            ("introduction", "Introduction de la matrice"),
                        ]),
                        traite,
                    ),
                    "/contrats/{id}/publication" => (
                        vec![("publie", if p.publie { "oui" } else { "non" }.to_owned())],
                        modifier,
                    ),
                    "/contrats/{id}/invitations" => (
                        vec![
                            ("email", "invitee@matrice.fr".to_owned()),
                            ("role", "partenaire".to_owned()),
                        ],
                        modifier,
                    ),
                    autre => panic!("route sans cas de test : {autre}"),
                };
                let attendu = if p.id == absent.id {
                    Attendu::Absent
                } else {
                    attendu
                };
                let mut cas = un(avec_id(p), champs, attendu);
                if route.methode == axum::http::Method::POST
                    && !matches!(
                        route.chemin,
                        "/contrats/{id}/publication" | "/contrats/{id}/invitations"
                    )
                {
                    cas.version = Some(Version::Contrat(p.id.clone()));
                }
                cas
            })
            .collect(),
        Politique::ModifierFiche => contrats
            .iter()
            .flat_map(|c| c.fiches.iter().map(move |f| (c, f.clone())))
            .map(|(c, f)| {
                let uri = avec_id(&c.portee).replace("{numero}", &f);
                let permis = attendu_pour(acteur, &Operation::ModifierFiche(f.clone()), &c.portee);
                let traite = traite(permis);
                let (champs, attendu) = match route.chemin {
                    "/contrats/{id}/fiches/{numero}"
                        if route.methode == axum::http::Method::GET =>
                    {
                        (vec![], permis)
                    }
                    "/contrats/{id}/fiches/{numero}" => {
                        (champs(&[("titre", "Action de la matrice")]), traite)
                    }
                    "/contrats/{id}/fiches/{numero}/avancement" => (
                        champs(&[("statut", "en-cours"), ("avancement", "50")]),
                        traite,
                    ),
                    "/contrats/{id}/fiches/{numero}/budget" => (
                        champs(&[
                            ("annee", "2024"),
                            ("financeur", "ARS"),
                            ("nature", "fonctionnement"),
                            ("previsionnel", "1000"),
                        ]),
                        traite,
                    ),
                    "/contrats/{id}/fiches/{numero}/indicateurs" => (
                        champs(&[
                            ("libelle", "Indicateur de la matrice"),
                            ("type", "processus"),
                        ]),
                        traite,
                    ),
                    "/contrats/{id}/fiches/{numero}/etapes" => {
                        (champs(&[("libelle", "Étape de la matrice")]), traite)
                    }
                    "/contrats/{id}/fiches/{numero}/notes" => (
                        champs(&[("date", "2024-02-01"), ("texte", "Note de la matrice")]),
                        traite,
                    ),
                    // Refused by the store once the version is claimed: an element that does
                    // not exist.
                    "/contrats/{id}/fiches/{numero}/etapes/etat" => {
                        (champs(&[("etape", "999999999"), ("faite", "oui")]), traite)
                    }
                    "/contrats/{id}/fiches/{numero}/mesures" => (
                        champs(&[
                            ("indicateur", "999999999"),
                            ("date", "2024-01-01"),
                            ("valeur", "1"),
                        ]),
                        traite,
                    ),
                    "/contrats/{id}/fiches/{numero}/cibles" => (
                        champs(&[
                            ("indicateur", "999999999"),
                            ("annee", "2025"),
                            ("valeur", "1"),
                        ]),
                        traite,
                    ),
                    "/contrats/{id}/fiches/{numero}/retrait" => {
                        (champs(&[("element", "note-999999999")]), traite)
                    }
                    // A file upload that is not one: refused as bad input once the right is
                    // granted, before the store.
                    "/contrats/{id}/fiches/{numero}/documents" => (
                        vec![("version", "illisible".to_owned())],
                        invalide_si_permis(permis),
                    ),
                    autre => panic!("route sans cas de test : {autre}"),
                };
                let mut cas = un(uri, champs, attendu);
                if route.methode == axum::http::Method::POST
                    && route.chemin != "/contrats/{id}/fiches/{numero}/documents"
                {
                    cas.version = Some(Version::Fiche(c.portee.id.clone(), f));
                }
                cas
            })
            .chain([un(
                avec_id(&absent).replace("{numero}", "1"),
                vec![("avancement", "1".to_owned())],
                Attendu::Absent,
            )])
            .collect(),
        Politique::RenouvelerContrat => tous()
            .map(|p| {
                let attendu = match attendu_pour(acteur, &Operation::Modifier, p) {
                    Attendu::Permis if !peut(acteur, &Operation::Creer, p) => Attendu::Interdit,
                    autre => autre,
                };
                let attendu = if p.id == absent.id {
                    Attendu::Absent
                } else {
                    attendu
                };
                // An identifier that cannot be one: refused as bad input once the right is
                // granted.
                let (champs, attendu) = if route.methode == axum::http::Method::GET {
                    (vec![], attendu)
                } else {
                    let attendu = invalide_si_permis(attendu);
                    (
                        vec![("identifiant", "Pas Un Identifiant".to_owned())],
                        attendu,
                    )
                };
                un(avec_id(p), champs, attendu)
            })
            .collect(),
        Politique::LireFiche => contrats
            .iter()
            .flat_map(|c| c.fiches.iter().zip(&c.documents).map(move |f| (c, f)))
            .map(|(c, (f, document))| {
                let uri = avec_id(&c.portee)
                    .replace("{numero}", f)
                    .replace("{document}", document);
                un(
                    uri,
                    vec![],
                    attendu_pour(acteur, &Operation::LireTout, &c.portee),
                )
            })
            .chain([un(
                avec_id(&absent)
                    .replace("{numero}", "1")
                    .replace("{document}", "1"),
                vec![],
                Attendu::Absent,
            )])
            .collect(),
        Politique::LireToutLeContrat => contrats
            .iter()
            .map(|c| {
                let uri = avec_id(&c.portee).replace("{document}", &c.document_diagnostic);
                let attendu = attendu_pour(acteur, &Operation::LireTout, &c.portee);
                un(uri, vec![], attendu)
            })
            .chain([un(
                avec_id(&absent).replace("{document}", "1"),
                vec![],
                Attendu::Absent,
            )])
            .collect(),
        Politique::Annuaire => {
            let permis = tient_l_annuaire(acteur);
            // An entry that does not exist: refused for its input once the right is granted.
            let (champs, attendu) = match route.chemin {
                "/annuaire" => (vec![], Attendu::Permis),
                "/annuaire/modification" => (
                    champs(&[
                        ("entree", "999999999"),
                        ("nom", "Matrice"),
                        ("nature", "association"),
                    ]),
                    Attendu::Invalide,
                ),
                _ => (
                    champs(&[("garder", "999999998"), ("doublon", "999999999")]),
                    Attendu::Invalide,
                ),
            };
            let attendu = if permis { attendu } else { Attendu::Interdit };
            vec![un(route.chemin.into(), champs, attendu)]
        }
        Politique::Administration => {
            // Loading the reference data and reading the journal: administrators alike.
            let permis = charge_les_donnees_de_reference(acteur);
            assert_eq!(permis, lit_le_journal(acteur));
            if route.methode == axum::http::Method::GET {
                let attendu = if permis {
                    Attendu::Permis
                } else if acteur.roles.is_empty() {
                    Attendu::Connexion
                } else {
                    Attendu::Interdit
                };
                vec![un(route.chemin.into(), vec![], attendu)]
            } else {
                // An upload that is not multipart: refused as bad input once the right is
                // granted, nothing loaded.
                let attendu = if permis {
                    Attendu::Invalide
                } else {
                    Attendu::Interdit
                };
                vec![un(
                    route.chemin.replace("{nature}", "centroides"),
                    vec![],
                    attendu,
                )]
            }
        }
        Politique::Comptes => {
            let manager = gere_des_comptes(acteur);
            let refus = |ecriture: bool| {
                if !ecriture && acteur.roles.is_empty() {
                    Attendu::Connexion
                } else {
                    Attendu::Interdit
                }
            };
            let ecriture = route.methode != axum::http::Method::GET;
            // Bad input for every write but ending sessions: refused for it (400) once the
            // account is found seen.
            let (champs, invalide) = match route.chemin.rsplit('/').next() {
                Some("roles") | Some("comptes") => (champs(&[("nature", "inconnu")]), true),
                Some("retrait") => (champs(&[("role", "chef")]), true),
                Some("mot-de-passe") => (vec![], true),
                Some("activation") => (champs(&[("etat", "peut-être")]), true),
                _ => (vec![], false),
            };
            if !route.chemin.contains("{compte}") {
                let attendu = match (manager, ecriture) {
                    (false, _) => refus(ecriture),
                    (true, false) => Attendu::Permis,
                    (true, true) => Attendu::Invalide,
                };
                return vec![un(route.chemin.into(), champs, attendu)];
            }
            let mut cas: Vec<Cas> = cibles
                .iter()
                .map(|cible| {
                    let portees: Vec<PorteeDuRole> = cible
                        .roles
                        .iter()
                        .map(|r| portee_du_role(r, contrats))
                        .collect();
                    let attendu = if !manager {
                        refus(ecriture)
                    } else if !voit_le_compte(acteur, &portees) {
                        Attendu::Absent
                    } else if !ecriture {
                        Attendu::Permis
                    } else if invalide {
                        Attendu::Invalide
                    } else if gere_le_compte(acteur, &portees) {
                        Attendu::Permis
                    } else {
                        Attendu::Interdit
                    };
                    let uri = route.chemin.replace("{compte}", &cible.id.to_string());
                    un(uri, champs.clone(), attendu)
                })
                .collect();
            let absent = route.chemin.replace("{compte}", "999999");
            let attendu = if manager {
                Attendu::Absent
            } else {
                refus(ecriture)
            };
            cas.push(un(absent, champs, attendu));
            cas
        }
        Politique::Lien => {
            let inconnu = "0".repeat(64);
            let nouveau = "un mot de passe de la matrice";
            let champs = champs(&[("nouveau", nouveau), ("confirmation", nouveau)]);
            let mut cas = vec![un(
                route.chemin.replace("{jeton}", &inconnu),
                champs,
                Attendu::Absent,
            )];
            if route.methode == axum::http::Method::GET {
                cas.push(un(
                    route.chemin.replace("{jeton}", lien_valide),
                    vec![],
                    Attendu::Permis,
                ));
            }
            cas
        }
        // Valid links are followed in `rappels`; a link unknown is absent, whoever asks.
        Politique::Desinscription => vec![un(
            route.chemin.replace("{jeton}", &"0".repeat(64)),
            vec![],
            Attendu::Absent,
        )],
        Politique::Invitation => {
            let inconnue = "0".repeat(64);
            let mut cas = vec![un(
                route.chemin.replace("{jeton}", &inconnue),
                vec![],
                Attendu::Absent,
            )];
            if route.methode == axum::http::Method::GET {
                cas.push(un(
                    route.chemin.replace("{jeton}", invitation_valide),
                    vec![],
                    Attendu::Permis,
                ));
            }
            cas
        }
        Politique::Compte => {
            let connecte = !acteur.roles.is_empty();
            let uri = route.chemin.to_owned();
            if route.methode == axum::http::Method::GET {
                let attendu = if connecte {
                    Attendu::Permis
                } else {
                    Attendu::Connexion
                };
                vec![un(uri, vec![], attendu)]
            } else if route.chemin == "/compte/rappels" {
                // A frequency not offered: refused for its input, nothing changed.
                let attendu = if connecte {
                    Attendu::Invalide
                } else {
                    Attendu::Interdit
                };
                vec![un(uri, champs(&[("relance", "999")]), attendu)]
            } else if route.chemin == "/compte/sessions" {
                // Signing out everywhere is exercised last, on its own, by the signed-in.
                if connecte {
                    vec![]
                } else {
                    vec![un(uri, vec![], Attendu::Interdit)]
                }
            } else {
                // A wrong current password: refused for its input, nothing changed.
                let attendu = if connecte {
                    Attendu::Invalide
                } else {
                    Attendu::Interdit
                };
                let nouveau = "un tout nouveau mot de passe";
                let champs = champs(&[
                    ("actuel", "ce n'est pas le bon"),
                    ("nouveau", nouveau),
                    ("confirmation", nouveau),
                ]);
                vec![un(uri, champs, attendu)]
            }
        }
        // Every commune of the dataset, every contract's feed: the published contracts only.
        Politique::Portail if route.chemin.contains("{code}") => LIEUX
            .iter()
            .map(|(commune, _, _)| {
                un(
                    route.chemin.replace("{code}", commune),
                    vec![],
                    Attendu::Ouvert,
                )
            })
            .collect(),
        Politique::Portail if route.chemin.contains("{document}") => tous()
            .flat_map(|p| {
                ["fiche-1", "diagnostic-1", "diagnostic-2", "autre"].map(|document| {
                    un(
                        avec_id(p).replace("{document}", document),
                        vec![],
                        Attendu::Ouvert,
                    )
                })
            })
            .collect(),
        Politique::Portail if route.chemin.contains("{id}") => tous()
            .map(|p| un(avec_id(p), vec![], Attendu::Ouvert))
            .collect(),
        Politique::Portail if route.chemin.contains("{fichier}") => {
            ["contrats.json", "fiches-actions.csv"]
                .iter()
                .map(|f| {
                    un(
                        route.chemin.replace("{fichier}", f),
                        vec![],
                        Attendu::Ouvert,
                    )
                })
                .collect()
        }
        Politique::Portail => vec![un(
            format!("{}?q=caen", route.chemin),
            vec![],
            Attendu::Ouvert,
        )],
        Politique::Ouverte => {
            let uri = route.chemin.replace("{*chemin}", "pilote.css");
            let champs = match route.chemin {
                "/connexion" => vec![
                    ("email", "intrus@matrice.fr".to_owned()),
                    ("mot_de_passe", "ce n'est pas le bon".to_owned()),
                ],
                _ => vec![],
            };
            // Signing out is exercised last, on its own.
            if route.chemin == "/deconnexion" {
                vec![]
            } else {
                vec![un(uri, champs, Attendu::Ouvert)]
            }
        }
    }
}

/// The version `version` names, as the store has it now (« 1 » for a contract or a fiche that
/// does not exist: the request is refused before it is looked at).
async fn version_actuelle(store: &Store, version: &Version) -> String {
    let admin = Auteur::ligne_de_commande();
    let lue = match version {
        Version::Contrat(id) => contrat::lire(store, &admin, id).await.map(|c| c.version),
        Version::Fiche(id, numero) => contrat::fiche::lire(store, &admin, id, numero)
            .await
            .map(|f| f.version),
    };
    lue.unwrap_or(1).to_string()
}

/// A CSV export asks for one sheet (that of the contracts), a report's ODT for a report.
fn feuille_csv(uri: String) -> String {
    if uri.ends_with(".csv") {
        format!("{uri}?feuille=contrats")
    } else if uri.ends_with("/rapport.odt") {
        format!("{uri}?rapport=evaluation")
    } else {
        uri
    }
}

/// A report's PDF takes Typst a second to lay out in a debug build: the matrix asks for one
/// that does not exist (`annuel-20`), refused as bad input (400) once the contract is read,
/// and only then; the PDFs themselves are made in `restitution.rs`.
fn rapport_pdf(uri: String, attendu: Attendu) -> (String, Attendu) {
    if uri.ends_with("/rapport.pdf") {
        (
            format!("{uri}?rapport=annuel-20"),
            invalide_si_permis(attendu),
        )
    } else {
        (uri, attendu)
    }
}

/// Whether a list (a page, JSON, or an export: CSV, or a workbook's sheet « Contrat ») shows
/// `id`.
fn liste_montre(reponse: &Reponse, id: &IdContrat) -> bool {
    let corps = &reponse.corps;
    if reponse.octets.starts_with(b"PK") {
        let mut classeur =
            calamine::open_workbook_auto_from_rs(std::io::Cursor::new(reponse.octets.clone()))
                .expect("un classeur");
        // An export's sheet of contracts, or a portfolio's.
        let contrats = calamine::Reader::worksheet_range(&mut classeur, "Contrat")
            .or_else(|_| calamine::Reader::worksheet_range(&mut classeur, "Contrats"))
            .unwrap();
        return contrats
            .rows()
            .any(|l| l.first().is_some_and(|c| *c == id.as_str()));
    }
    corps.contains(&format!("/contrats/{id}\""))
        || corps.contains(&format!("\"id\":\"{id}\""))
        || corps.contains(&format!("\n{id};"))
}

async fn juger(
    bilan: &mut Bilan,
    store: &Store,
    navigateur: &mut Navigateur<'_>,
    qui: &str,
    acteur: &Acteur,
    contrats: &[ContratMatrice],
    cas: &Cas,
) {
    let reponse = if cas.route.methode == axum::http::Method::GET {
        navigateur.get(&cas.uri).await
    } else {
        let mut champs: Vec<(&str, String)> =
            cas.champs.iter().map(|(n, v)| (*n, v.clone())).collect();
        if let Some(version) = &cas.version {
            champs.push(("version", version_actuelle(store, version).await));
        }
        let champs: Vec<(&str, &str)> = champs.iter().map(|(n, v)| (*n, v.as_str())).collect();
        navigateur.post(&cas.uri, &champs).await
    };
    bilan.requetes += 1;
    let ecriture = cas.route.methode != axum::http::Method::GET;
    let fait = format!(
        "{qui} {} {} → {}",
        cas.route.methode, cas.uri, reponse.status
    );
    let permis = matches!(reponse.status, StatusCode::OK | StatusCode::SEE_OTHER);
    let attendu = match cas.attendu {
        // The public, refused a page, is sent to sign in first.
        Attendu::Interdit
            if acteur.roles.is_empty() && !ecriture && !cas.uri.starts_with("/api/") =>
        {
            Attendu::Connexion
        }
        autre => autre,
    };
    match attendu {
        Attendu::Permis if !permis => bilan.refus_a_tort.push(fait),
        Attendu::Absent | Attendu::Interdit if permis => {
            if ecriture {
                bilan.ecritures_non_autorisees.push(fait);
            } else {
                bilan.lectures_non_autorisees.push(fait);
            }
        }
        Attendu::Absent if reponse.status != StatusCode::NOT_FOUND => {
            bilan.existence_revelee.push(fait)
        }
        Attendu::Interdit if reponse.status != StatusCode::FORBIDDEN => bilan.autres.push(fait),
        Attendu::Traite if reponse.status == StatusCode::SEE_OTHER => {
            *bilan
                .enregistrees
                .entry(format!("{} {}", cas.route.methode, cas.route.chemin))
                .or_default() += 1;
        }
        Attendu::Traite if reponse.status != StatusCode::BAD_REQUEST => {
            bilan.refus_a_tort.push(fait)
        }
        Attendu::Invalide if permis => bilan.ecritures_non_autorisees.push(fait),
        Attendu::Invalide if reponse.status != StatusCode::BAD_REQUEST => {
            bilan.refus_a_tort.push(fait)
        }
        Attendu::Liste | Attendu::Portefeuille => {
            let perimetres = portefeuille(acteur);
            for c in contrats {
                let dans_le_perimetre = perimetres.iter().any(|p| match p {
                    Perimetre::National => true,
                    Perimetre::Region(r) => c.portee.regions.contains(r),
                    Perimetre::Departement(d) => c.portee.departements.contains(d),
                });
                let lisible = peut(acteur, &Operation::LirePublie, &c.portee)
                    && (cas.attendu == Attendu::Liste || dans_le_perimetre);
                let montre = liste_montre(&reponse, &c.portee.id);
                if montre && !lisible {
                    bilan
                        .lectures_non_autorisees
                        .push(format!("{fait} montre {}", c.portee.id));
                } else if lisible && !montre {
                    bilan
                        .refus_a_tort
                        .push(format!("{fait} cache {}", c.portee.id));
                }
            }
        }
        Attendu::Connexion
            if reponse.status != StatusCode::SEE_OTHER
                || !reponse
                    .redirection()
                    .is_some_and(|vers| vers.starts_with("/connexion?suite=")) =>
        {
            bilan.autres.push(fait)
        }
        Attendu::Ouvert => {
            if reponse.status.is_server_error() {
                bilan.autres.push(fait);
            } else if let Some(c) = contrats
                .iter()
                .find(|c| !c.portee.publie && reponse.corps.contains(&c.nom))
            {
                bilan
                    .lectures_non_autorisees
                    .push(format!("{fait} montre {}", c.portee.id));
            }
        }
        _ => {}
    }
}

/// Builds the dataset on `appli` and runs the matrix; `pas` keeps one request in `pas`.
async fn matrice(appli: &Appli, contrats_par_lieu: usize, pas: usize) -> Bilan {
    let (mut contrats, personnes) = jeu(contrats_par_lieu);
    let admin = Auteur::ligne_de_commande();
    for c in &mut contrats {
        let communes: Vec<&str> = LIEUX
            .iter()
            .filter(|l| c.portee.departements.contains(l.1))
            .map(|l| l.0)
            .collect();
        let mut k = contrat_essai(c.portee.id.as_str(), c.portee.publie, &communes, FICHES);
        k.nom = c.nom.clone();
        for (f, numero) in k.axes[0].fiches_actions.iter_mut().zip(&c.fiches) {
            f.numero.clone_from(numero);
        }
        // Each action has a document, which only those who read the whole contract fetch.
        for f in &mut k.axes[0].fiches_actions {
            let cle = Cle::parse(&format!("contrats/{}/fiches/{}/cr.txt", k.id, f.numero)).unwrap();
            appli
                .stockage
                .deposer(
                    &cle,
                    Depot::depuis_octets(format!("Compte rendu {}", c.nom).as_bytes())
                        .await
                        .unwrap(),
                    "text/plain",
                )
                .await
                .unwrap();
            f.documents.push(Document {
                id: None,
                titre: "Compte rendu".into(),
                date: None,
                reference: cle.as_str().to_owned(),
                publie: false,
            });
        }
        // And its diagnostic one.
        let cle = Cle::parse(&format!("contrats/{}/diagnostics/1/dls.txt", k.id)).unwrap();
        appli
            .stockage
            .deposer(
                &cle,
                Depot::depuis_octets(format!("Diagnostic {}", c.nom).as_bytes())
                    .await
                    .unwrap(),
                "text/plain",
            )
            .await
            .unwrap();
        let mut diagnostic: Diagnostic =
            toml::from_str("titre = \"Diagnostic local de santé\"").unwrap();
        diagnostic.documents.push(Document {
            id: None,
            titre: "Rapport du diagnostic".into(),
            date: None,
            reference: cle.as_str().to_owned(),
            // Published on purpose: anyone downloads it, once its contract is published.
            publie: true,
        });
        k.diagnostics.push(diagnostic);
        contrat::creer(&appli.store, &k).await.unwrap();
        let lu = contrat::lire(&appli.store, &admin, &k.id).await.unwrap();
        c.axe = lu.contrat.axes[0].id.unwrap();
        c.document_diagnostic = lu.contrat.diagnostics[0].documents[0]
            .id
            .unwrap()
            .to_string();
        for f in &c.fiches {
            let lue = contrat::fiche::lire(&appli.store, &admin, &k.id, f)
                .await
                .unwrap();
            c.documents
                .push(lue.fiche.documents[0].id.unwrap().to_string());
        }
    }
    for p in &personnes[1..] {
        compte::creer(
            &appli.store,
            &Email::parse(&email(&p.nom)).unwrap(),
            None,
            MDP,
            &p.acteur.roles,
        )
        .await
        .unwrap();
    }
    let invitation_valide = invitation::inviter(
        &appli.store,
        &admin,
        &Email::parse("attendue@matrice.fr").unwrap(),
        &Role::Partenaire {
            contrat: contrats[0].portee.id.clone(),
        },
    )
    .await
    .unwrap();

    let mut cibles = Vec::new();
    for (n, roles) in roles_des_cibles(&contrats).into_iter().enumerate() {
        let email = Email::parse(&format!("cible-{n}@matrice.fr")).unwrap();
        compte::creer(&appli.store, &email, None, MDP, &roles)
            .await
            .unwrap();
        let id = administration::compte_de(&appli.store, &email)
            .await
            .unwrap();
        cibles.push(Cible { id, roles });
    }
    let jeton = pilote_domain::jeton::Jeton::nouveau();
    let lien_valide = jeton.as_str().to_owned();
    administration::creer(
        &appli.store,
        &admin,
        &Email::parse("lien@matrice.fr").unwrap(),
        None,
        &Role::Partenaire {
            contrat: contrats[0].portee.id.clone(),
        },
        &administration::Secret::Lien(jeton),
    )
    .await
    .unwrap();

    let routes = routes();
    let mut bilan = Bilan::default();
    let mut par_route: BTreeMap<String, usize> = BTreeMap::new();
    // One request in `pas`, chosen by a hash of its rank so that no route is always skipped.
    let retenue = |rang: usize| {
        let melange = (rang as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
        melange.is_multiple_of(pas as u64)
    };
    let mut rang = 0usize;
    for (k, p) in personnes.iter().enumerate() {
        let mut navigateur = appli.navigateur();
        if !p.acteur.roles.is_empty() {
            navigateur.connecter(&email(&p.nom), MDP).await;
        }
        for route in &routes {
            for un in cas(
                route,
                &p.nom,
                &p.acteur,
                &contrats,
                (invitation_valide.as_str(), &lien_valide),
                &cibles,
            ) {
                rang += 1;
                if !retenue(rang) {
                    continue;
                }
                *par_route
                    .entry(format!("{} {}", route.methode, route.chemin))
                    .or_default() += 1;
                juger(
                    &mut bilan,
                    &appli.store,
                    &mut navigateur,
                    &p.nom,
                    &p.acteur,
                    &contrats,
                    &un,
                )
                .await;
            }
        }
        // Last, signing out (one person in two, of every session at once): afterwards the
        // person is the public again.
        if !p.acteur.roles.is_empty() && retenue(rang) {
            let chemin = if k % 2 == 0 {
                "/deconnexion"
            } else {
                "/compte/sessions"
            };
            let sortie = navigateur.post(chemin, &[]).await;
            bilan.requetes += 1;
            *par_route.entry(format!("POST {chemin}")).or_default() += 1;
            if sortie.status != StatusCode::SEE_OTHER {
                bilan
                    .autres
                    .push(format!("{} POST {chemin} → {}", p.nom, sortie.status));
            }
            let public = Acteur::public();
            juger(
                &mut bilan,
                &appli.store,
                &mut navigateur,
                &p.nom,
                &public,
                &contrats,
                &Cas {
                    route: Route {
                        methode: axum::http::Method::GET,
                        chemin: "/contrats",
                        politique: Politique::ListeContrats,
                    },
                    uri: "/contrats".into(),
                    champs: vec![],
                    version: None,
                    attendu: Attendu::Liste,
                },
            )
            .await;
        }
    }
    println!(
        "matrice : {} personnes × {} routes × {} contrats → {} requêtes",
        personnes.len(),
        routes.len(),
        contrats.len(),
        bilan.requetes
    );
    for (route, n) in &par_route {
        println!("  {route:<50} {n:>7}");
    }
    println!(
        "lectures non autorisées : {}, écritures non autorisées : {}, refus à tort : {}, \
         existence révélée : {}, autres écarts : {}",
        bilan.lectures_non_autorisees.len(),
        bilan.ecritures_non_autorisees.len(),
        bilan.refus_a_tort.len(),
        bilan.existence_revelee.len(),
        bilan.autres.len()
    );
    for route in &routes {
        let cle = format!("{} {}", route.methode, route.chemin);
        assert!(par_route.contains_key(&cle), "route jamais essayée : {cle}");
    }
    println!("écritures enregistrées (303), par route :");
    for (route, n) in &bilan.enregistrees {
        println!("  {route:<50} {n:>7}");
    }
    for route in ENREGISTREES {
        assert!(
            bilan.enregistrees.contains_key(*route),
            "aucune écriture enregistrée par {route}"
        );
    }
    bilan
}

fn verdict(bilan: &Bilan) {
    let exemples: Vec<&String> = bilan
        .lectures_non_autorisees
        .iter()
        .chain(&bilan.ecritures_non_autorisees)
        .chain(&bilan.refus_a_tort)
        .chain(&bilan.existence_revelee)
        .chain(&bilan.autres)
        .take(20)
        .collect();
    assert_eq!(
        bilan.fautes(),
        0,
        "écarts à la politique, par exemple : {exemples:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrice_d_autorisation_sur_sqlite() {
    let appli = Appli::sur("sqlite::memory:", "http://localhost", None).await;
    // One request in three, chosen by hash: over 100,000 requests, every route and person.
    let bilan = matrice(&appli, 4, 3).await;
    assert!(
        bilan.requetes >= 100_000,
        "{} requêtes seulement",
        bilan.requetes
    );
    verdict(&bilan);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrice_d_autorisation_sur_postgresql() {
    let nom = format!("pilote_matrice_{}", std::process::id());
    let Some((appli, base)) = Appli::sur_postgres(&nom).await else {
        eprintln!("PILOTE_TEST_POSTGRES_URL absent : matrice PostgreSQL non exécutée");
        return;
    };
    let bilan = matrice(&appli, 2, 5).await;
    base.supprimer(appli).await;
    assert!(
        bilan.requetes >= 1_000,
        "{} requêtes seulement",
        bilan.requetes
    );
    verdict(&bilan);
}
