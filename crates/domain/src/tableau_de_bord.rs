//! A contract's figures at a glance, as its steering committee reads them: where each axis's
//! actions stand, what was planned and spent (by year, funder and nature, the coordinator
//! post's funding included), how each indicator moved against its baseline and targets, and
//! what the governance bodies did. Pure: computed from the contract as the reader may see it
//! and from the day given.

use std::collections::BTreeMap;

use crate::contrat::Contrat;
use crate::fiche_action::{FicheAction, Indicateur, NatureDepense, StatutAction};
use crate::{DatePartielle, Montant};

/// The figures of one contract on a given day.
#[derive(Debug, Clone, PartialEq)]
pub struct TableauDeBord {
    pub axes: Vec<AvancementAxe>,
    /// Every action of the contract, counted by status as [`AvancementAxe::par_statut`].
    pub ensemble: AvancementAxe,
    pub budget: Budget,
    pub indicateurs: Vec<SuiviIndicateur>,
    pub gouvernance: Vec<ActiviteInstance>,
}

/// Where the actions of one axis stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvancementAxe {
    /// « Axe 2 — Prévention », or « Ensemble du contrat ».
    pub libelle: String,
    /// How many actions have each status, in the order of [`StatutAction::TOUS`], then those
    /// whose status is not given.
    pub par_statut: Vec<(Option<StatutAction>, usize)>,
    pub fiches: usize,
    /// The mean of the progress given (percent), over the actions that give one.
    pub avancement_moyen: Option<u8>,
}

impl AvancementAxe {
    /// How many of its actions have `statut` (`None`: no status given).
    pub fn compte(&self, statut: Option<StatutAction>) -> usize {
        self.par_statut
            .iter()
            .find(|(s, _)| *s == statut)
            .map_or(0, |(_, n)| *n)
    }
}

/// Two sums of money: planned and realised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sommes {
    pub previsionnel: Montant,
    pub realise: Montant,
}

impl Sommes {
    /// Adds a line's amounts, those not given as nothing.
    pub fn ajouter(&mut self, previsionnel: Option<Montant>, realise: Option<Montant>) {
        let plus = |a: Montant, b: Option<Montant>| {
            Montant::depuis_centimes(a.centimes().saturating_add(b.map_or(0, |m| m.centimes())))
                .unwrap_or(a)
        };
        self.previsionnel = plus(self.previsionnel, previsionnel);
        self.realise = plus(self.realise, realise);
    }

    /// The share realised of what was planned, in percent (`None` when nothing was planned).
    pub fn taux(&self) -> Option<u32> {
        let prevu = self.previsionnel.centimes();
        (prevu > 0).then(|| {
            u32::try_from((self.realise.centimes().saturating_mul(100) + prevu / 2) / prevu)
                .unwrap_or(u32::MAX)
        })
    }
}

impl Sommes {
    /// The share realised as people read it: « 62 % », or « — » when nothing was planned.
    pub fn taux_en_lettres(&self) -> String {
        self.taux()
            .map_or_else(|| "—".to_owned(), |t| format!("{t} %"))
    }
}

/// What the contract's budget lines add up to, and the coordinator post's funding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Budget {
    /// By year, in order.
    pub par_annee: Vec<(u16, Sommes)>,
    /// By funder, the largest planned first; the coordinator post's funders included.
    pub par_financeur: Vec<(String, Sommes)>,
    /// Operating and capital spending of the actions, then the coordinator post.
    pub par_nature: Vec<(&'static str, Sommes)>,
    /// The actions' lines and the coordinator post together.
    pub total: Sommes,
}

/// The label of the coordinator post's funding, among the natures of spending.
pub const POSTE_DE_COORDINATION: &str = "Poste de coordination";

/// One indicator of one action, its values in date order against its baseline and targets.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiviIndicateur {
    pub fiche: String,
    pub titre_fiche: String,
    pub indicateur: Indicateur,
    /// Its measurements, oldest first.
    pub serie: Vec<(DatePartielle, f64)>,
    /// How far the latest value went from the baseline towards the last target, in percent
    /// (`None` without a baseline, a target or a value, or when the target is the baseline).
    pub atteinte: Option<i64>,
}

/// What one governance body did by the given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiviteInstance {
    pub nom: String,
    pub reunions_tenues: usize,
    pub decisions: usize,
    pub derniere: Option<DatePartielle>,
    pub prochaine: Option<DatePartielle>,
}

impl TableauDeBord {
    /// The figures of `contrat` on `aujourdhui`.
    pub fn de(contrat: &Contrat, aujourdhui: DatePartielle) -> Self {
        let axes = contrat
            .axes
            .iter()
            .map(|a| {
                let fiches = a.toutes_les_fiches();
                avancement(format!("Axe {} — {}", a.numero, a.titre), &fiches)
            })
            .collect();
        let fiches = contrat.toutes_les_fiches();
        Self {
            axes,
            ensemble: avancement("Ensemble du contrat".to_owned(), &fiches),
            budget: budget(contrat, &fiches),
            indicateurs: fiches
                .iter()
                .flat_map(|f| f.indicateurs.iter().map(move |i| suivi(f, i)))
                .collect(),
            gouvernance: gouvernance(contrat, aujourdhui),
        }
    }
}

fn avancement(libelle: String, fiches: &[&FicheAction]) -> AvancementAxe {
    let statuts = StatutAction::TOUS.iter().copied().map(Some).chain([None]);
    let par_statut = statuts
        .map(|s| (s, fiches.iter().filter(|f| f.statut == s).count()))
        .collect();
    let donnes: Vec<u32> = fiches
        .iter()
        .filter_map(|f| f.avancement.map(u32::from))
        .collect();
    let avancement_moyen = (!donnes.is_empty()).then(|| {
        let n = u32::try_from(donnes.len()).unwrap_or(u32::MAX);
        u8::try_from((donnes.iter().sum::<u32>() + n / 2) / n).unwrap_or(100)
    });
    AvancementAxe {
        libelle,
        par_statut,
        fiches: fiches.len(),
        avancement_moyen,
    }
}

fn budget(contrat: &Contrat, fiches: &[&FicheAction]) -> Budget {
    let mut par_annee: BTreeMap<u16, Sommes> = BTreeMap::new();
    let mut par_financeur: BTreeMap<String, Sommes> = BTreeMap::new();
    let mut par_nature: BTreeMap<NatureDepense, Sommes> = BTreeMap::new();
    let mut total = Sommes::default();
    for l in fiches.iter().flat_map(|f| &f.budget) {
        for sommes in [
            par_annee.entry(l.annee).or_default(),
            par_financeur.entry(l.financeur.clone()).or_default(),
            par_nature.entry(l.nature).or_default(),
            &mut total,
        ] {
            sommes.ajouter(l.previsionnel, l.realise);
        }
    }
    let mut coordination = Sommes::default();
    for f in contrat.coordination.iter().flat_map(|c| &c.financements) {
        for sommes in [
            par_financeur.entry(f.financeur.clone()).or_default(),
            &mut coordination,
            &mut total,
        ] {
            sommes.ajouter(f.montant, None);
        }
    }
    let mut par_financeur: Vec<(String, Sommes)> = par_financeur.into_iter().collect();
    par_financeur.sort_by_key(|(_, s)| std::cmp::Reverse(s.previsionnel));
    let mut natures: Vec<(&'static str, Sommes)> = NatureDepense::TOUS
        .iter()
        .filter_map(|n| par_nature.get(n).map(|s| (n.libelle(), *s)))
        .collect();
    // The post's funding as the contract gives it: an amount over the post's period,
    // planned, with no year of its own.
    if contrat.coordination.is_some() {
        natures.push((POSTE_DE_COORDINATION, coordination));
    }
    Budget {
        par_annee: par_annee.into_iter().collect(),
        par_financeur,
        par_nature: natures,
        total,
    }
}

fn suivi(fiche: &FicheAction, indicateur: &Indicateur) -> SuiviIndicateur {
    let mut serie: Vec<(DatePartielle, f64)> = indicateur
        .valeurs
        .iter()
        .map(|m| (m.date, m.valeur))
        .collect();
    serie.sort_by_key(|(d, _)| *d);
    let derniere_cible = indicateur.cibles.iter().max_by_key(|c| c.annee);
    let atteinte = match (indicateur.valeur_initiale, derniere_cible, serie.last()) {
        (Some(initiale), Some(cible), Some((_, valeur))) if cible.valeur != initiale => {
            let part = (valeur - initiale) / (cible.valeur - initiale) * 100.0;
            part.is_finite().then(|| part.round() as i64)
        }
        _ => None,
    };
    SuiviIndicateur {
        fiche: fiche.numero.clone(),
        titre_fiche: fiche.titre.clone(),
        indicateur: indicateur.clone(),
        serie,
        atteinte,
    }
}

fn gouvernance(contrat: &Contrat, aujourdhui: DatePartielle) -> Vec<ActiviteInstance> {
    let instances = contrat
        .gouvernance
        .iter()
        .chain(contrat.clsm.iter().flat_map(|c| &c.instances));
    instances
        .map(|i| {
            // A meeting known to its month or year is held once that period has begun.
            let tenues: Vec<_> = i.reunions.iter().filter(|r| r.date <= aujourdhui).collect();
            ActiviteInstance {
                nom: i.nom.clone(),
                reunions_tenues: tenues.len(),
                decisions: tenues.iter().map(|r| r.decisions.len()).sum(),
                derniere: tenues.iter().map(|r| r.date).max(),
                prochaine: i
                    .reunions
                    .iter()
                    .map(|r| r.date)
                    .filter(|d| *d > aujourdhui)
                    .min(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contrat() -> Contrat {
        toml::from_str(
            r#"
            id = "caen-2025"
            nom = "CLS de Caen"
            generation = 1
            territoire = { communes = ["14118"] }
            [coordination]
            poste = "Coordinatrice"
            [[coordination.financements]]
            financeur = "ARS"
            montant = "25000"
            [[axes]]
            numero = 1
            titre = "Accès aux soins"
            [[axes.fiches_actions]]
            numero = "1.1"
            titre = "Internes"
            statut = "en-cours"
            avancement = 40
            [[axes.fiches_actions.budget]]
            annee = 2025
            financeur = "ARS"
            nature = "fonctionnement"
            previsionnel = "10000"
            realise = "4000"
            [[axes.fiches_actions.budget]]
            annee = 2026
            financeur = "Ville"
            nature = "investissement"
            previsionnel = "30000"
            [[axes.fiches_actions.indicateurs]]
            libelle = "Internes accueillis"
            type = "resultat"
            valeur_initiale = 2
            cibles = [{ annee = 2027, valeur = 12 }, { annee = 2026, valeur = 6 }]
            valeurs = [{ date = "2026", valeur = 7 }, { date = "2025", valeur = 4 }]
            [[axes.fiches_actions]]
            numero = "1.2"
            titre = "Maison de santé"
            statut = "realisee"
            avancement = 100
            [[axes]]
            numero = 2
            titre = "Prévention"
            [[axes.fiches_actions]]
            numero = "2.1"
            titre = "Dépistage"
            [[gouvernance]]
            nature = "copil"
            nom = "COPIL"
            [[gouvernance.reunions]]
            date = "2025-01-10"
            decisions = [{ texte = "Lancer la 1.1" }, { texte = "Reporter la 2.1" }]
            [[gouvernance.reunions]]
            date = "2025-06"
            [[gouvernance.reunions]]
            date = "2025-11-20"
            "#,
        )
        .unwrap()
    }

    #[test]
    fn l_avancement_se_compte_par_axe_et_par_statut() {
        let t = TableauDeBord::de(&contrat(), DatePartielle::jour(2025, 7, 1).unwrap());
        assert_eq!(t.axes.len(), 2);
        assert_eq!(t.axes[0].libelle, "Axe 1 — Accès aux soins");
        assert_eq!(t.axes[0].compte(Some(StatutAction::EnCours)), 1);
        assert_eq!(t.axes[0].compte(Some(StatutAction::Realisee)), 1);
        assert_eq!(t.axes[0].avancement_moyen, Some(70));
        assert_eq!(t.axes[1].compte(None), 1, "la 2.1 n'a pas de statut");
        assert_eq!(t.axes[1].avancement_moyen, None);
        assert_eq!(t.ensemble.fiches, 3);
        assert_eq!(t.ensemble.par_statut.len(), StatutAction::TOUS.len() + 1);
    }

    #[test]
    fn le_budget_s_additionne_par_annee_financeur_et_nature_avec_la_coordination() {
        let b = TableauDeBord::de(&contrat(), DatePartielle::jour(2025, 7, 1).unwrap()).budget;
        let euros = |n: i64| Montant::depuis_centimes(n * 100).unwrap();
        assert_eq!(
            b.par_annee.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
            [2025, 2026]
        );
        assert_eq!(b.par_annee[0].1.realise, euros(4000));
        assert_eq!(b.par_annee[0].1.taux(), Some(40));
        assert_eq!(b.par_annee[1].1.taux(), Some(0));
        // ARS: 10 000 on the action and 25 000 for the post, before the city's 30 000.
        assert_eq!(b.par_financeur[0].0, "ARS");
        assert_eq!(b.par_financeur[0].1.previsionnel, euros(35000));
        assert_eq!(b.par_financeur[1].0, "Ville");
        assert_eq!(
            b.par_nature
                .iter()
                .map(|(n, s)| (*n, s.previsionnel))
                .collect::<Vec<_>>(),
            [
                ("Fonctionnement", euros(10000)),
                ("Investissement", euros(30000)),
                (POSTE_DE_COORDINATION, euros(25000))
            ]
        );
        assert_eq!(b.total.previsionnel, euros(65000));
        assert_eq!(b.total.realise, euros(4000));
        assert_eq!(Sommes::default().taux(), None);
        assert_eq!(Sommes::default().taux_en_lettres(), "—");
        assert_eq!(b.par_annee[0].1.taux_en_lettres(), "40 %");
    }

    #[test]
    fn un_indicateur_se_lit_dans_l_ordre_des_dates_contre_sa_derniere_cible() {
        let t = TableauDeBord::de(&contrat(), DatePartielle::jour(2025, 7, 1).unwrap());
        let i = &t.indicateurs[0];
        assert_eq!(i.fiche, "1.1");
        assert_eq!(
            i.serie.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
            [4.0, 7.0]
        );
        // From 2 towards 12 (the 2027 target), at 7: half way.
        assert_eq!(i.atteinte, Some(50));
    }

    #[test]
    fn la_gouvernance_compte_les_reunions_tenues_au_jour_donne() {
        let t = TableauDeBord::de(&contrat(), DatePartielle::jour(2025, 7, 1).unwrap());
        let copil = &t.gouvernance[0];
        assert_eq!(copil.reunions_tenues, 2, "janvier et juin 2025");
        assert_eq!(copil.decisions, 2);
        assert_eq!(
            copil.derniere,
            Some(DatePartielle::parse("2025-06").unwrap())
        );
        assert_eq!(
            copil.prochaine,
            Some(DatePartielle::parse("2025-11-20").unwrap())
        );
    }
}
