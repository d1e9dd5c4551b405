//! The public portal: what a resident finds of the published contracts — the contracts of
//! their commune, found by its name, its INSEE code or its postal code; the key figures of
//! every published contract together; what is new (achievements, meetings held, contracts
//! signed). Pure: made from the portfolio's read of every contract
//! ([`crate::portefeuille::Portefeuille`]), of which it keeps the published ones only.

use std::collections::{BTreeMap, HashMap};

use crate::autorisation::Perimetre;
use crate::date_partielle::DatePartielle;
use crate::identifiant::IdContrat;
use crate::portefeuille::{
    CommuneDuPortefeuille, ContratDuPortefeuille, Filtre, Portefeuille, Total,
};
use crate::recherche::replier;

/// The shortest name searched: one letter finds too much to be of use.
pub const LONGUEUR_MIN: usize = 2;

/// The postal codes of the current communes (a commune may have several, a code serve
/// several communes), communes given by their index in the geography.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodesPostaux {
    communes: BTreeMap<String, Vec<usize>>,
    codes: HashMap<usize, Vec<String>>,
}

impl CodesPostaux {
    /// From pairs of a postal code and a commune's index, in any order, repeats ignored.
    pub fn new(paires: impl IntoIterator<Item = (String, usize)>) -> Self {
        let mut codes_postaux = Self::default();
        for (code, commune) in paires {
            let communes = codes_postaux.communes.entry(code.clone()).or_default();
            if !communes.contains(&commune) {
                communes.push(commune);
                codes_postaux.codes.entry(commune).or_default().push(code);
            }
        }
        for codes in codes_postaux.codes.values_mut() {
            codes.sort();
        }
        codes_postaux
    }

    /// The communes served by postal code `code`.
    pub fn communes(&self, code: &str) -> &[usize] {
        self.communes.get(code).map_or(&[], Vec::as_slice)
    }

    /// The postal codes of commune `commune`, in order.
    pub fn codes(&self, commune: usize) -> &[String] {
        self.codes.get(&commune).map_or(&[], Vec::as_slice)
    }
}

/// What a piece of news is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quoi {
    /// A contract signed.
    Signature,
    /// A meeting of one of its bodies held.
    Reunion,
    /// An achievement of its actions.
    Realisation,
}

impl Quoi {
    pub fn libelle(self) -> &'static str {
        match self {
            Self::Signature => "Contrat signé",
            Self::Reunion => "Réunion",
            Self::Realisation => "Réalisation",
        }
    }
}

/// A dated piece of news of a published contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nouveaute {
    pub date: DatePartielle,
    pub quoi: Quoi,
    pub contrat: IdContrat,
    pub nom_contrat: String,
    /// What happened, in a line: the achievement's title, the body that met, the place of
    /// the signature.
    pub titre: String,
}

/// The figures of every published contract together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chiffres {
    pub contrats: usize,
    /// Communes a contract covers, whole or in part, each counted once.
    pub communes: usize,
    /// The population covered, each inhabitant once.
    pub population: u64,
    pub actions: usize,
    pub actions_en_cours: usize,
    pub actions_realisees: usize,
}

/// The published contracts, the geography and what is new: what the portal shows.
#[derive(Debug, Clone, Default)]
pub struct Portail {
    /// The published contracts only.
    pub portefeuille: Portefeuille,
    pub codes_postaux: CodesPostaux,
    /// Every piece of news, the latest first (those dated later than today included: see
    /// [`Portail::nouveautes`]).
    nouveautes: Vec<Nouveaute>,
    /// The current communes' names folded without spaces, by index.
    noms: Vec<String>,
    /// When each published contract last changed (seconds since the Unix epoch).
    mises_a_jour: HashMap<IdContrat, i64>,
    /// The published contracts covering each commune (indices in `portefeuille.contrats`).
    contrats_par_commune: HashMap<usize, Vec<usize>>,
    /// The totals of the nation, and by département.
    ensemble: Total,
    departements: Vec<Total>,
}

impl Portail {
    /// The portal of the published contracts of `tout` (every contract held), with what is
    /// new and when each last changed (seconds since the Unix epoch).
    pub fn new(
        tout: &Portefeuille,
        codes_postaux: CodesPostaux,
        mut nouveautes: Vec<Nouveaute>,
        mises_a_jour: HashMap<IdContrat, i64>,
    ) -> Self {
        let portefeuille = Portefeuille {
            geographie: tout.geographie.clone(),
            contrats: tout
                .contrats
                .iter()
                .filter(|c| c.resume.publie)
                .cloned()
                .collect(),
        };
        let vue = portefeuille.vue(&[Perimetre::National], |_| true, &Filtre::default());
        let (ensemble, departements) = (vue.ensemble.clone(), vue.departements.clone());
        let mut contrats_par_commune: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, c) in portefeuille.contrats.iter().enumerate() {
            for k in &c.couverture {
                contrats_par_commune.entry(k.commune).or_default().push(i);
            }
        }
        let noms = portefeuille
            .geographie
            .communes
            .iter()
            .map(|c| sans_espaces(&replier(&c.nom)))
            .collect();
        nouveautes.sort_by(|a, b| b.date.cmp(&a.date).then(a.quoi.cmp(&b.quoi)));
        Self {
            portefeuille,
            codes_postaux,
            nouveautes,
            noms,
            mises_a_jour,
            contrats_par_commune,
            ensemble,
            departements,
        }
    }

    /// The communes `texte` names, at most `limite`: by INSEE code, by postal code (5
    /// digits), or by name, accents, case and punctuation aside — the name itself first, then
    /// the names that begin with it, then the others that hold it, each the most populated
    /// first. A name shorter than [`LONGUEUR_MIN`] finds nothing.
    pub fn chercher(&self, texte: &str, limite: usize) -> Vec<&CommuneDuPortefeuille> {
        let geo = &self.portefeuille.geographie;
        let texte = texte.trim();
        let mut trouvees: Vec<usize> = Vec::new();
        let code = texte.to_uppercase();
        if let Some(i) = geo.indice(&code) {
            trouvees.push(i);
        }
        for &i in self.codes_postaux.communes(texte) {
            if !trouvees.contains(&i) {
                trouvees.push(i);
            }
        }
        let cherche = sans_espaces(&replier(texte));
        if trouvees.is_empty() && cherche.chars().count() >= LONGUEUR_MIN {
            let mut par_nom: Vec<(u8, usize)> = self
                .noms
                .iter()
                .enumerate()
                .filter_map(|(i, nom)| {
                    let rang = if *nom == cherche {
                        0
                    } else if nom.starts_with(&cherche) {
                        1
                    } else if nom.contains(&cherche) {
                        2
                    } else {
                        return None;
                    };
                    Some((rang, i))
                })
                .collect();
            par_nom.sort_by(|(ra, a), (rb, b)| {
                ra.cmp(rb).then(
                    geo.communes[*b]
                        .population
                        .cmp(&geo.communes[*a].population),
                )
            });
            trouvees.extend(par_nom.into_iter().map(|(_, i)| i));
        }
        trouvees
            .into_iter()
            .take(limite)
            .filter_map(|i| geo.communes.get(i))
            .collect()
    }

    /// Commune `code`, current, with its index.
    pub fn commune(&self, code: &str) -> Option<(usize, &CommuneDuPortefeuille)> {
        let geo = &self.portefeuille.geographie;
        let i = geo.indice(code)?;
        Some((i, &geo.communes[i]))
    }

    /// The published contracts covering commune `commune` (an index), each with the
    /// population it covers there (all of it, or its parts'), the latest generation first.
    pub fn contrats_de(&self, commune: usize) -> Vec<(&ContratDuPortefeuille, u64)> {
        let mut contrats: Vec<(&ContratDuPortefeuille, u64)> = self
            .contrats_par_commune
            .get(&commune)
            .into_iter()
            .flatten()
            .filter_map(|&i| {
                let c = self.portefeuille.contrats.get(i)?;
                let k = c.couverture.iter().find(|k| k.commune == commune)?;
                Some((c, k.population))
            })
            .collect();
        contrats.sort_by(|(a, _), (b, _)| {
            b.resume
                .periode
                .map(|p| p.debut())
                .cmp(&a.resume.periode.map(|p| p.debut()))
                .then(a.resume.nom.cmp(&b.resume.nom))
        });
        contrats
    }

    /// Every published contract's figures together.
    pub fn chiffres(&self) -> Chiffres {
        let contrats = &self.portefeuille.contrats;
        Chiffres {
            contrats: contrats.len(),
            communes: self.ensemble.communes_couvertes,
            population: self.ensemble.population_couverte,
            actions: contrats.iter().map(|c| c.actions).sum(),
            actions_en_cours: contrats.iter().map(|c| c.actions_en_cours).sum(),
            actions_realisees: contrats.iter().map(|c| c.actions_realisees).sum(),
        }
    }

    /// The totals by département: published contracts, communes and population covered.
    pub fn departements(&self) -> &[Total] {
        &self.departements
    }

    /// The `nombre` latest pieces of news dated `aujourdhui` or before (a meeting to come is
    /// not news; a date given as a month or a year counts from its first day).
    pub fn nouveautes(&self, aujourdhui: DatePartielle, nombre: usize) -> Vec<&Nouveaute> {
        self.nouveautes
            .iter()
            .filter(|n| n.date <= aujourdhui)
            .take(nombre)
            .collect()
    }

    /// When published contract `id` last changed (seconds since the Unix epoch).
    pub fn mise_a_jour(&self, id: &IdContrat) -> Option<i64> {
        self.mises_a_jour.get(id).copied()
    }

    /// The communes a published contract covers, whole or in part, by index, in order.
    pub fn communes_couvertes(&self) -> impl Iterator<Item = &CommuneDuPortefeuille> {
        let mut indices: Vec<usize> = self.contrats_par_commune.keys().copied().collect();
        indices.sort_unstable();
        indices
            .into_iter()
            .filter_map(|i| self.portefeuille.geographie.communes.get(i))
    }

    /// The news of contract `id`, dated `aujourdhui` or before, the latest first.
    pub fn nouveautes_du_contrat(
        &self,
        id: &IdContrat,
        aujourdhui: DatePartielle,
    ) -> Vec<&Nouveaute> {
        self.nouveautes
            .iter()
            .filter(|n| &n.contrat == id && n.date <= aujourdhui)
            .collect()
    }
}

fn sans_espaces(texte: &str) -> String {
    texte.chars().filter(|c| *c != ' ').collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use super::*;
    use crate::contrat::ContratResume;
    use crate::portefeuille::{Couverture, GeographieDuPortefeuille};

    fn commune(code: &str, nom: &str, population: u64) -> CommuneDuPortefeuille {
        CommuneDuPortefeuille {
            code: code.to_owned(),
            nom: nom.to_owned(),
            departement: code[..2].to_owned(),
            region: "28".to_owned(),
            epci: None,
            population,
        }
    }

    fn contrat(id: &str, publie: bool, communes: &[usize], debut: u16) -> ContratDuPortefeuille {
        ContratDuPortefeuille {
            resume: ContratResume {
                id: IdContrat::parse(id).unwrap(),
                nom: format!("CLS {id}"),
                generation: 1,
                publie,
                departements: BTreeSet::from(["14".to_owned()]),
                regions: BTreeSet::from(["28".to_owned()]),
                statut: None,
                periode: Some(crate::Periode::new(debut, Some(debut + 4)).unwrap()),
                population: 0,
                communes: communes.len() as u64,
            },
            thematiques: BTreeSet::new(),
            publics: BTreeSet::new(),
            actions: 4,
            actions_en_cours: 2,
            actions_realisees: 1,
            avancement_moyen: None,
            financement: BTreeMap::new(),
            renouvele: false,
            couverture: communes
                .iter()
                .map(|&commune| Couverture {
                    commune,
                    population: 100,
                })
                .collect(),
        }
    }

    fn date(texte: &str) -> DatePartielle {
        DatePartielle::parse(texte).unwrap()
    }

    fn portail() -> Portail {
        let geographie = GeographieDuPortefeuille {
            regions: BTreeMap::from([("28".to_owned(), "Normandie".to_owned())]),
            departements: BTreeMap::from([(
                "14".to_owned(),
                ("Calvados".to_owned(), "28".to_owned()),
            )]),
            communes: vec![
                commune("14047", "Bayeux", 12_000),
                commune("14118", "Caen", 108_000),
                commune("14341", "Hérouville-Saint-Clair", 22_000),
                commune("14762", "Saint-Contest", 2_500),
            ],
            epci: BTreeMap::new(),
        };
        let tout = Portefeuille {
            geographie: Arc::new(geographie),
            contrats: vec![
                contrat("caen-2019", true, &[1, 2], 2019),
                contrat("caen-2024", true, &[1], 2024),
                contrat("bayeux", false, &[0], 2022),
            ],
        };
        let nouvelle = |d: &str, quoi, id: &str| Nouveaute {
            date: date(d),
            quoi,
            contrat: IdContrat::parse(id).unwrap(),
            nom_contrat: id.to_owned(),
            titre: "x".to_owned(),
        };
        Portail::new(
            &tout,
            CodesPostaux::new([
                ("14000".to_owned(), 1),
                ("14200".to_owned(), 2),
                ("14000".to_owned(), 1),
            ]),
            vec![
                nouvelle("2024-03", Quoi::Realisation, "caen-2024"),
                nouvelle("2027-01-10", Quoi::Reunion, "caen-2024"),
                nouvelle("2024-05-02", Quoi::Signature, "caen-2019"),
            ],
            HashMap::from([(IdContrat::parse("caen-2024").unwrap(), 1_700_000_000)]),
        )
    }

    fn codes(communes: Vec<&CommuneDuPortefeuille>) -> Vec<&str> {
        communes.iter().map(|c| c.code.as_str()).collect()
    }

    #[test]
    fn une_commune_se_trouve_par_son_nom_son_code_ou_son_code_postal() {
        let p = portail();
        assert_eq!(codes(p.chercher("caen", 10)), ["14118"]);
        assert_eq!(codes(p.chercher("14118", 10)), ["14118"]);
        assert_eq!(codes(p.chercher(" 14000 ", 10)), ["14118"]);
        assert_eq!(codes(p.chercher("14200", 10)), ["14341"]);
        // Accents, case and hyphens aside; the name that begins with it before the others.
        assert_eq!(codes(p.chercher("HEROUVILLE ST", 10)), Vec::<&str>::new());
        assert_eq!(codes(p.chercher("herouville saint", 10)), ["14341"]);
        assert_eq!(codes(p.chercher("saint", 10)), ["14762", "14341"]);
        assert_eq!(codes(p.chercher("saint", 1)), ["14762"]);
        assert!(p.chercher("c", 10).is_empty());
        assert!(p.chercher("99999", 10).is_empty());
        assert_eq!(p.codes_postaux.codes(1), ["14000"]);
    }

    #[test]
    fn seuls_les_contrats_publies_comptent() {
        let p = portail();
        let chiffres = p.chiffres();
        assert_eq!(chiffres.contrats, 2);
        assert_eq!(chiffres.communes, 2);
        assert_eq!(chiffres.population, 200);
        assert_eq!(chiffres.actions_en_cours, 4);
        assert!(
            p.contrats_de(0).is_empty(),
            "Bayeux's contract is not published"
        );
        let de_caen: Vec<&str> = p
            .contrats_de(1)
            .iter()
            .map(|(c, _)| c.resume.id.as_str())
            .collect();
        assert_eq!(de_caen, ["caen-2024", "caen-2019"]);
    }

    #[test]
    fn les_nouveautes_sont_passees_et_les_plus_recentes_d_abord() {
        let p = portail();
        let quoi: Vec<Quoi> = p
            .nouveautes(date("2026-12-04"), 10)
            .iter()
            .map(|n| n.quoi)
            .collect();
        assert_eq!(quoi, [Quoi::Signature, Quoi::Realisation]);
        assert_eq!(p.nouveautes(date("2026-12-04"), 1).len(), 1);
        let id = IdContrat::parse("caen-2024").unwrap();
        assert_eq!(p.nouveautes_du_contrat(&id, date("2027-02-01")).len(), 2);
    }
}
