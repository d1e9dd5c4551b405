//! The portfolio of an ARS agent (or an administrator): every contract of their scope — the
//! nation, a région, a département — with where it stands, and what the scope's population
//! and communes owe to them: the share covered, the totals by département and région, the
//! communes no contract covers. Pure: computed from the contracts and the official geography
//! as read, for the scope and filters given.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::autorisation::Perimetre;
use crate::contrat::{ContratResume, StatutContrat};
use crate::recherche::replier;
use crate::referentiel::{Public, Thematique};
use crate::tableau_de_bord::Sommes;

/// A current commune of the official geography.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneDuPortefeuille {
    pub code: String,
    pub nom: String,
    pub departement: String,
    pub region: String,
    /// The EPCI à fiscalité propre it belongs to, if any.
    pub epci: Option<String>,
    pub population: u64,
}

/// The official geography as the portfolio needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeographieDuPortefeuille {
    /// Name by code.
    pub regions: BTreeMap<String, String>,
    /// Name and région by code.
    pub departements: BTreeMap<String, (String, String)>,
    /// The current communes, by code.
    pub communes: Vec<CommuneDuPortefeuille>,
    /// The EPCI's names, by SIREN.
    pub epci: BTreeMap<String, String>,
}

impl GeographieDuPortefeuille {
    /// The index of current commune `code` in [`Self::communes`].
    pub fn indice(&self, code: &str) -> Option<usize> {
        self.communes
            .binary_search_by(|c| c.code.as_str().cmp(code))
            .ok()
    }
}

impl GeographieDuPortefeuille {
    /// Whether `perimetres` hold all of `demande` (a région holds its départements).
    pub fn contient(&self, perimetres: &[Perimetre], demande: &Perimetre) -> bool {
        perimetres.iter().any(|p| match (p, demande) {
            (Perimetre::National, _) => true,
            (Perimetre::Region(r), Perimetre::Region(d)) => r == d,
            (Perimetre::Region(r), Perimetre::Departement(d)) => self
                .departements
                .get(d)
                .is_some_and(|(_, region)| region == r),
            (Perimetre::Departement(a), Perimetre::Departement(b)) => a == b,
            _ => false,
        })
    }

    /// The scope in words: « France entière », « Région Normandie », « Calvados (14) »;
    /// `None` for a code the geography does not know.
    pub fn libelle(&self, perimetre: &Perimetre) -> Option<String> {
        match perimetre {
            Perimetre::National => Some("France entière".to_owned()),
            Perimetre::Region(r) => self.regions.get(r).map(|n| format!("Région {n}")),
            Perimetre::Departement(d) => {
                self.departements.get(d).map(|(n, _)| format!("{n} ({d})"))
            }
        }
    }
}

/// What a contract covers of one current commune: all of it, or the population of the parts
/// (arrondissements, communes déléguées) its territory names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Couverture {
    /// Index in [`GeographieDuPortefeuille::communes`].
    pub commune: usize,
    pub population: u64,
}

impl Couverture {
    /// The communes `entieres` (indices) and the parts `parties` (index of the commune they
    /// belong to, their population) as one coverage per commune: a whole commune wins over
    /// its parts, the parts of one commune add up.
    pub fn composer(
        geographie: &GeographieDuPortefeuille,
        entieres: impl IntoIterator<Item = usize>,
        parties: impl IntoIterator<Item = (usize, u64)>,
    ) -> Vec<Couverture> {
        let mut par_commune: BTreeMap<usize, Option<u64>> = BTreeMap::new();
        for i in entieres {
            par_commune.insert(i, None);
        }
        for (i, population) in parties {
            if let Some(partiel) = par_commune.entry(i).or_insert(Some(0)) {
                *partiel = partiel.saturating_add(population);
            }
        }
        par_commune
            .into_iter()
            .filter_map(|(i, partiel)| {
                let entiere = geographie.communes.get(i)?.population;
                Some(Couverture {
                    commune: i,
                    population: partiel.map_or(entiere, |p| p.min(entiere)),
                })
            })
            .collect()
    }
}

/// One contract as the portfolio shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContratDuPortefeuille {
    pub resume: ContratResume,
    /// The contract's priority themes and publics and those of its actions.
    pub thematiques: BTreeSet<Thematique>,
    pub publics: BTreeSet<Public>,
    pub actions: usize,
    /// Actions under way (status « en cours »).
    pub actions_en_cours: usize,
    /// Actions done (status « réalisée »).
    pub actions_realisees: usize,
    /// The mean of the progress its actions give (percent).
    pub avancement_moyen: Option<u8>,
    /// Its actions' budget, planned and realised, by funder.
    pub financement: BTreeMap<String, Sommes>,
    /// Whether a later generation of it is held.
    pub renouvele: bool,
    pub couverture: Vec<Couverture>,
}

impl ContratDuPortefeuille {
    /// The year its period ends, when it is the last generation held: when it is to be
    /// renewed.
    pub fn renouvellement(&self) -> Option<u16> {
        if self.renouvele {
            return None;
        }
        self.resume.periode.as_ref().and_then(|p| p.fin())
    }

    /// Its planned budget, every funder together.
    pub fn budget(&self) -> Sommes {
        let mut total = Sommes::default();
        for s in self.financement.values() {
            total.ajouter(Some(s.previsionnel), Some(s.realise));
        }
        total
    }

    fn en_vigueur(&self, annee: u16) -> bool {
        self.resume
            .periode
            .as_ref()
            .is_some_and(|p| p.debut() <= annee && p.fin().is_none_or(|f| annee <= f))
    }
}

/// Every contract held, with the geography: what a portfolio is made from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Portefeuille {
    pub geographie: Arc<GeographieDuPortefeuille>,
    pub contrats: Vec<ContratDuPortefeuille>,
}

/// How the portfolio's table is sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tri {
    #[default]
    Nom,
    Population,
    Actions,
    Avancement,
    Renouvellement,
}

impl Tri {
    pub const TOUS: [Tri; 5] = [
        Tri::Nom,
        Tri::Population,
        Tri::Actions,
        Tri::Avancement,
        Tri::Renouvellement,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Tri::Nom => "nom",
            Tri::Population => "population",
            Tri::Actions => "actions",
            Tri::Avancement => "avancement",
            Tri::Renouvellement => "renouvellement",
        }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            Tri::Nom => "Nom",
            Tri::Population => "Population couverte (décroissante)",
            Tri::Actions => "Nombre d'actions (décroissant)",
            Tri::Avancement => "Avancement moyen (décroissant)",
            Tri::Renouvellement => "Prochain renouvellement",
        }
    }

    pub fn parse(code: &str) -> Result<Self, String> {
        Self::TOUS
            .into_iter()
            .find(|t| t.code() == code)
            .ok_or_else(|| {
                let codes: Vec<&str> = Self::TOUS.iter().map(|t| t.code()).collect();
                format!(
                    "tri inconnu « {code} » : choisissez parmi {}",
                    codes.join(", ")
                )
            })
    }
}

/// What the portfolio is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filtre {
    pub statut: Option<StatutContrat>,
    /// The contracts in force that year (their period contains it).
    pub annee: Option<u16>,
    pub thematique: Option<Thematique>,
    pub public: Option<Public>,
    pub generation: Option<u8>,
    /// Words looked for in the name and identifier, case and accents aside.
    pub texte: Option<String>,
    pub tri: Tri,
}

impl Filtre {
    fn garde(&self, c: &ContratDuPortefeuille, texte: Option<&str>) -> bool {
        self.statut.is_none_or(|s| c.resume.statut == Some(s))
            && self.annee.is_none_or(|a| c.en_vigueur(a))
            && self.thematique.is_none_or(|t| c.thematiques.contains(&t))
            && self.public.is_none_or(|p| c.publics.contains(&p))
            && self.generation.is_none_or(|g| c.resume.generation == g)
            && texte
                .is_none_or(|t| replier(&format!("{} {}", c.resume.nom, c.resume.id)).contains(t))
    }
}

/// One contract of a portfolio's view.
#[derive(Debug, Clone, PartialEq)]
pub struct LignePortefeuille<'a> {
    pub contrat: &'a ContratDuPortefeuille,
    /// The population it covers within the scope.
    pub population: u64,
    /// That population's share of the scope's, from 0 to 1.
    pub part: f64,
}

/// A département's or a région's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Total {
    pub code: String,
    pub nom: String,
    /// Contracts of the view whose territory touches it.
    pub contrats: usize,
    pub population: u64,
    pub population_couverte: u64,
    pub communes: usize,
    pub communes_couvertes: usize,
}

impl Total {
    fn nouveau(code: &str, nom: &str) -> Self {
        Total {
            code: code.to_owned(),
            nom: nom.to_owned(),
            contrats: 0,
            population: 0,
            population_couverte: 0,
            communes: 0,
            communes_couvertes: 0,
        }
    }

    /// The share of its population a contract covers, from 0 to 1.
    pub fn part(&self) -> f64 {
        part(self.population_couverte, self.population)
    }
}

fn part(n: u64, sur: u64) -> f64 {
    if sur == 0 { 0.0 } else { n as f64 / sur as f64 }
}

/// The portfolio of a scope, narrowed by a filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Vue<'a> {
    pub contrats: Vec<LignePortefeuille<'a>>,
    /// The scope as a whole, every figure summed.
    pub ensemble: Total,
    pub departements: Vec<Total>,
    pub regions: Vec<Total>,
    /// The communes of the scope no contract of the view covers, even in part, the most
    /// populated first.
    pub non_couvertes: Vec<&'a CommuneDuPortefeuille>,
}

fn dans(perimetres: &[Perimetre], departement: &str, region: &str) -> bool {
    perimetres.iter().any(|p| match p {
        Perimetre::National => true,
        Perimetre::Region(r) => r == region,
        Perimetre::Departement(d) => d == departement,
    })
}

impl Portefeuille {
    /// The contracts `lisible` keeps whose territory touches `perimetres`, narrowed by
    /// `filtre`, with the figures of the scope they cover.
    pub fn vue<'a>(
        &'a self,
        perimetres: &[Perimetre],
        lisible: impl Fn(&ContratResume) -> bool,
        filtre: &Filtre,
    ) -> Vue<'a> {
        let geo = &self.geographie;
        let texte = filtre
            .texte
            .as_deref()
            .map(replier)
            .filter(|t| !t.is_empty());
        let gardes: Vec<&ContratDuPortefeuille> = self
            .contrats
            .iter()
            .filter(|c| {
                c.resume.departements.iter().any(|d| {
                    geo.departements
                        .get(d)
                        .is_some_and(|(_, r)| dans(perimetres, d, r))
                }) && lisible(&c.resume)
                    && filtre.garde(c, texte.as_deref())
            })
            .collect();
        let dans_le_perimetre: Vec<bool> = geo
            .communes
            .iter()
            .map(|c| dans(perimetres, &c.departement, &c.region))
            .collect();
        let mut couverte = vec![0u64; geo.communes.len()];
        let mut touchee = vec![false; geo.communes.len()];
        for c in &gardes {
            for k in &c.couverture {
                couverte[k.commune] = couverte[k.commune].max(k.population);
                touchee[k.commune] = true;
            }
        }
        let mut departements: BTreeMap<&str, Total> = BTreeMap::new();
        let mut regions: BTreeMap<&str, Total> = BTreeMap::new();
        let mut ensemble = Total::nouveau("", "Ensemble du périmètre");
        let mut non_couvertes = Vec::new();
        for (i, commune) in geo.communes.iter().enumerate() {
            if !dans_le_perimetre[i] {
                continue;
            }
            let nom_dep = geo
                .departements
                .get(&commune.departement)
                .map_or("", |(n, _)| n.as_str());
            let nom_reg = geo.regions.get(&commune.region).map_or("", String::as_str);
            let dep = departements
                .entry(&commune.departement)
                .or_insert_with(|| Total::nouveau(&commune.departement, nom_dep));
            let reg = regions
                .entry(&commune.region)
                .or_insert_with(|| Total::nouveau(&commune.region, nom_reg));
            for t in [dep, reg, &mut ensemble] {
                t.population += commune.population;
                t.population_couverte += couverte[i];
                t.communes += 1;
                t.communes_couvertes += usize::from(touchee[i]);
            }
            if !touchee[i] {
                non_couvertes.push(commune);
            }
        }
        non_couvertes.sort_by(|a, b| b.population.cmp(&a.population).then(a.code.cmp(&b.code)));
        for c in &gardes {
            for d in &c.resume.departements {
                if let Some(t) = departements.get_mut(d.as_str()) {
                    t.contrats += 1;
                }
            }
            for r in &c.resume.regions {
                if let Some(t) = regions.get_mut(r.as_str()) {
                    t.contrats += 1;
                }
            }
        }
        ensemble.contrats = gardes.len();
        let mut contrats: Vec<LignePortefeuille> = gardes
            .into_iter()
            .map(|c| {
                let population = c
                    .couverture
                    .iter()
                    .filter(|k| dans_le_perimetre[k.commune])
                    .map(|k| k.population)
                    .sum();
                LignePortefeuille {
                    contrat: c,
                    population,
                    part: part(population, ensemble.population),
                }
            })
            .collect();
        trier(&mut contrats, filtre.tri);
        Vue {
            contrats,
            ensemble,
            departements: departements.into_values().collect(),
            regions: regions.into_values().collect(),
            non_couvertes,
        }
    }
}

fn trier(lignes: &mut [LignePortefeuille], tri: Tri) {
    let nom = |l: &LignePortefeuille| (replier(&l.contrat.resume.nom), l.contrat.resume.generation);
    match tri {
        Tri::Nom => lignes.sort_by_cached_key(nom),
        Tri::Population => lignes.sort_by_key(|l| std::cmp::Reverse(l.population)),
        Tri::Actions => lignes.sort_by_key(|l| std::cmp::Reverse(l.contrat.actions)),
        Tri::Avancement => lignes.sort_by_key(|l| std::cmp::Reverse(l.contrat.avancement_moyen)),
        // The contracts to renew soonest first, those without a date last.
        Tri::Renouvellement => {
            lignes.sort_by_key(|l| l.contrat.renouvellement().unwrap_or(u16::MAX))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IdContrat;
    use crate::periode::Periode;

    fn commune(code: &str, dep: &str, reg: &str, population: u64) -> CommuneDuPortefeuille {
        CommuneDuPortefeuille {
            code: code.to_owned(),
            nom: format!("Commune {code}"),
            departement: dep.to_owned(),
            region: reg.to_owned(),
            epci: None,
            population,
        }
    }

    fn geographie() -> GeographieDuPortefeuille {
        GeographieDuPortefeuille {
            regions: BTreeMap::from([
                ("28".to_owned(), "Normandie".to_owned()),
                ("52".to_owned(), "Pays de la Loire".to_owned()),
            ]),
            departements: BTreeMap::from([
                ("14".to_owned(), ("Calvados".to_owned(), "28".to_owned())),
                ("50".to_owned(), ("Manche".to_owned(), "28".to_owned())),
                (
                    "49".to_owned(),
                    ("Maine-et-Loire".to_owned(), "52".to_owned()),
                ),
            ]),
            communes: vec![
                commune("14118", "14", "28", 100_000),
                commune("14200", "14", "28", 10_000),
                commune("49007", "49", "52", 150_000),
                commune("50129", "50", "28", 80_000),
            ],
            epci: BTreeMap::new(),
        }
    }

    fn contrat(
        id: &str,
        geo: &GeographieDuPortefeuille,
        communes: &[&str],
        statut: Option<StatutContrat>,
        periode: Option<(u16, u16)>,
    ) -> ContratDuPortefeuille {
        let indices: Vec<usize> = communes.iter().filter_map(|c| geo.indice(c)).collect();
        ContratDuPortefeuille {
            resume: ContratResume {
                id: IdContrat::parse(id).unwrap(),
                nom: format!("CLS {id}"),
                generation: 1,
                publie: true,
                departements: indices
                    .iter()
                    .map(|i| geo.communes[*i].departement.clone())
                    .collect(),
                regions: indices
                    .iter()
                    .map(|i| geo.communes[*i].region.clone())
                    .collect(),
                statut,
                periode: periode.map(|(d, f)| Periode::new(d, Some(f)).unwrap()),
                population: 0,
                communes: indices.len() as u64,
            },
            thematiques: BTreeSet::new(),
            publics: BTreeSet::new(),
            actions: 0,
            actions_en_cours: 0,
            actions_realisees: 0,
            avancement_moyen: None,
            financement: BTreeMap::new(),
            renouvele: false,
            couverture: Couverture::composer(geo, indices, []),
        }
    }

    fn portefeuille() -> Portefeuille {
        let geographie = geographie();
        let contrats = vec![
            contrat(
                "caen-2019",
                &geographie,
                &["14118"],
                Some(StatutContrat::EnCours),
                Some((2019, 2024)),
            ),
            contrat(
                "angers-2012",
                &geographie,
                &["49007"],
                Some(StatutContrat::Clos),
                Some((2012, 2017)),
            ),
        ];
        Portefeuille {
            geographie: Arc::new(geographie),
            contrats,
        }
    }

    #[test]
    fn une_region_voit_ses_contrats_sa_couverture_et_ses_communes_sans_contrat() {
        let p = portefeuille();
        let vue = p.vue(
            &[Perimetre::Region("28".into())],
            |_| true,
            &Filtre::default(),
        );
        let ids: Vec<&str> = vue
            .contrats
            .iter()
            .map(|l| l.contrat.resume.id.as_str())
            .collect();
        assert_eq!(ids, ["caen-2019"]);
        assert_eq!(vue.ensemble.population, 190_000);
        assert_eq!(vue.ensemble.population_couverte, 100_000);
        assert_eq!(vue.ensemble.communes_couvertes, 1);
        assert!((vue.contrats[0].part - 100_000.0 / 190_000.0).abs() < 1e-12);
        let non: Vec<&str> = vue.non_couvertes.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(non, ["50129", "14200"]);
        let deps: Vec<(&str, usize, u64)> = vue
            .departements
            .iter()
            .map(|t| (t.code.as_str(), t.contrats, t.population_couverte))
            .collect();
        assert_eq!(deps, [("14", 1, 100_000), ("50", 0, 0)]);
        assert_eq!(vue.regions.len(), 1);
    }

    #[test]
    fn la_nation_voit_tout_et_les_filtres_resserrent_les_chiffres() {
        let p = portefeuille();
        let national = [Perimetre::National];
        let vue = p.vue(&national, |_| true, &Filtre::default());
        assert_eq!(vue.contrats.len(), 2);
        assert_eq!(vue.ensemble.population_couverte, 250_000);
        assert_eq!(vue.regions.len(), 2);
        let en_2020 = Filtre {
            annee: Some(2020),
            ..Filtre::default()
        };
        let vue = p.vue(&national, |_| true, &en_2020);
        assert_eq!(vue.contrats.len(), 1);
        assert_eq!(vue.ensemble.population_couverte, 100_000);
        // What the reader may not read is not there, nor in the figures.
        let vue = p.vue(
            &national,
            |r| r.id.as_str() != "caen-2019",
            &Filtre::default(),
        );
        assert_eq!(vue.ensemble.population_couverte, 150_000);
        let texte = Filtre {
            texte: Some("brest".into()),
            ..Filtre::default()
        };
        assert_eq!(p.vue(&national, |_| true, &texte).contrats.len(), 0);
        let texte = Filtre {
            texte: Some("ANGÉRS".into()),
            tri: Tri::Renouvellement,
            ..Filtre::default()
        };
        assert_eq!(p.vue(&national, |_| true, &texte).contrats.len(), 1);
    }

    #[test]
    fn une_commune_couverte_en_partie_compte_ses_parties_et_une_entiere_l_emporte() {
        let geo = geographie();
        let caen = geo.indice("14118").unwrap();
        let parties = Couverture::composer(&geo, [], [(caen, 30_000), (caen, 20_000)]);
        assert_eq!(parties[0].population, 50_000);
        let entiere = Couverture::composer(&geo, [caen], [(caen, 30_000)]);
        assert_eq!(entiere[0].population, 100_000);
        // Parts never count more than the whole.
        let trop = Couverture::composer(&geo, [], [(caen, 300_000)]);
        assert_eq!(trop[0].population, 100_000);
    }

    #[test]
    fn une_region_contient_ses_departements_et_pas_les_autres() {
        let geo = geographie();
        let normandie = [Perimetre::Region("28".into())];
        assert!(geo.contient(&normandie, &Perimetre::Departement("14".into())));
        assert!(!geo.contient(&normandie, &Perimetre::Departement("49".into())));
        assert!(!geo.contient(&normandie, &Perimetre::National));
        assert!(geo.contient(&[Perimetre::National], &Perimetre::Region("52".into())));
        assert_eq!(
            geo.libelle(&Perimetre::Departement("14".into())).as_deref(),
            Some("Calvados (14)")
        );
        assert_eq!(geo.libelle(&Perimetre::Region("99".into())), None);
    }

    #[test]
    fn un_tri_inconnu_est_nomme() {
        assert_eq!(Tri::parse("population"), Ok(Tri::Population));
        assert!(Tri::parse("taille").unwrap_err().contains("« taille »"));
    }
}
