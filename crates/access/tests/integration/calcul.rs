//! Small cases computed by hand: the arithmetic is in the comments.

use pilote_access::scenario::Changement;
use pilote_access::{
    Apl, Bilan, Communes, Conversion, Decroissance, Demande, Offre, Scenario, Seuil, Trajets,
    Voisinage,
};

/// Three communes A, B, C: A–B 12 min, B–C 18 min, A–C 25 min, both ways.
/// Populations 1,000, 2,000, 500; supply 3,000, 0, 1,000 consultations a year.
fn trois_communes() -> (Communes, Trajets, Offre) {
    let mut communes = Communes::default();
    for (code, population) in [("A", 1_000.0), ("B", 2_000.0), ("C", 500.0)] {
        communes.ajouter(code, 45.0, 2.0, population).unwrap();
    }
    let temps = [(0, 1, 12.0), (1, 2, 18.0), (0, 2, 25.0)];
    let paires = temps
        .iter()
        .flat_map(|&(a, b, t)| [(a, b, t), (b, a, t)])
        .collect::<Vec<_>>();
    let trajets = Trajets::depuis_paires(3, paires, 60.0);
    let offre =
        Offre::depuis_quantites(&[3_000.0, 0.0, 1_000.0], Conversion::CONSULTATIONS).unwrap();
    (communes, trajets, offre)
}

fn proche(calcule: &[f64], attendu: &[f64]) {
    assert_eq!(calcule.len(), attendu.len());
    for (c, a) in calcule.iter().zip(attendu) {
        assert!((c - a).abs() < 1e-12, "{calcule:?} ≠ {attendu:?}");
    }
}

#[test]
fn apl_avec_les_paliers_de_la_drees() {
    let (communes, trajets, offre) = trois_communes();
    let voisinage = Voisinage::new(trajets, &Decroissance::drees());
    // w(0) = 1, w(12) = 2/3, w(18) = 1/3, w(25) = 0: the pair A–C is dropped.
    assert_eq!(voisinage.paires(), 3 + 4);
    let apl = Apl::calculer(&voisinage, &Demande::population(&communes), &offre);
    // D_A = 1000 + 2000·2/3 = 7000/3; D_B = 1000·2/3 + 2000 + 500·1/3 = 8500/3;
    // D_C = 2000·1/3 + 500 = 3500/3.
    proche(
        apl.demande_ponderee(),
        &[7_000.0 / 3.0, 8_500.0 / 3.0, 3_500.0 / 3.0],
    );
    // R_A = 3000 / (7000/3) = 9/7; R_B = 0; R_C = 1000 / (3500/3) = 6/7.
    proche(apl.ratios(), &[9.0 / 7.0, 0.0, 6.0 / 7.0]);
    // A_A = 9/7; A_B = 9/7·2/3 + 6/7·1/3 = 8/7; A_C = 6/7.
    proche(apl.valeurs(), &[9.0 / 7.0, 8.0 / 7.0, 6.0 / 7.0]);
    // Σ P·A = (9000 + 16000 + 3000) / 7 = 4000 = the whole supply; mean 4000 / 3500 = 8/7.
    let bilan = Bilan::new(apl.valeurs(), communes.populations(), Seuil::default());
    assert!((bilan.apl_moyenne - 8.0 / 7.0).abs() < 1e-12);
    assert_eq!(bilan.part_sous_dense(), 1.0);
    let seuil = Seuil::new(1.2).unwrap();
    // Below 1.2: B (8/7 ≈ 1.143) and C (6/7 ≈ 0.857), 2,500 of 3,500 inhabitants.
    let bilan = Bilan::new(apl.valeurs(), communes.populations(), seuil);
    assert_eq!(bilan.communes_sous_denses, 2);
    assert!((bilan.part_sous_dense() - 2_500.0 / 3_500.0).abs() < 1e-12);
}

#[test]
fn apl_du_2sfca_simple() {
    let (communes, trajets, offre) = trois_communes();
    let voisinage = Voisinage::new(trajets, &Decroissance::deux_sfca(15.0).unwrap());
    let apl = Apl::calculer(&voisinage, &Demande::population(&communes), &offre);
    // Only A–B within 15 min, weight 1: D_A = D_B = 3000, D_C = 500;
    // R = (1, 0, 2); A_A = A_B = 1 + 0 = 1, A_C = 2.
    proche(apl.demande_ponderee(), &[3_000.0, 3_000.0, 500.0]);
    proche(apl.valeurs(), &[1.0, 1.0, 2.0]);
}

#[test]
fn apl_gravitaire() {
    let (communes, trajets, offre) = trois_communes();
    // w(t) = (max(t, 6)/6)^-1 up to 30 min: w(12) = 1/2, w(18) = 1/3, w(25) = 6/25.
    let voisinage = Voisinage::new(trajets, &Decroissance::gravitaire(1.0, 6.0, 30.0).unwrap());
    let apl = Apl::calculer(&voisinage, &Demande::population(&communes), &offre);
    // D_A = 1000 + 2000/2 + 500·6/25 = 2120; D_C = 1000·6/25 + 2000/3 + 500 = 1406.666…
    let d_c = 240.0 + 2_000.0 / 3.0 + 500.0;
    proche(
        apl.demande_ponderee(),
        &[2_120.0, 500.0 + 2_000.0 + 500.0 / 3.0, d_c],
    );
    // A_A = 3000/2120 + 1000/D_C · 6/25.
    let attendu_a = 3_000.0 / 2_120.0 + 1_000.0 / d_c * 6.0 / 25.0;
    assert!((apl.valeurs()[0] - attendu_a).abs() < 1e-12);
}

#[test]
fn un_scenario_ne_touche_que_les_communes_qui_atteignent_le_changement() {
    let (communes, trajets, offre) = trois_communes();
    let voisinage = Voisinage::new(trajets, &Decroissance::drees());
    let apl = Apl::calculer(&voisinage, &Demande::population(&communes), &offre);
    let scenario = Scenario::new(&communes, &voisinage, &offre, &apl);
    // +1000 at B: δ / D_B = 1000 / (8500/3) = 6/17. A_A += 2/3·6/17 = 4/17 → 181/119;
    // A_B += 6/17 → 178/119; A_C += 1/3·6/17 = 2/17 → 116/119.
    let changement = scenario.changement("B=+1000").unwrap();
    let effets = scenario.simuler(&[changement]).unwrap();
    let apres: Vec<f64> = effets.iter().map(|e| e.apres).collect();
    proche(&apres, &[181.0 / 119.0, 178.0 / 119.0, 116.0 / 119.0]);
    // With a threshold of 1.2, B crosses it (8/7 ≈ 1.143 → 1.496); A and C keep their class.
    let seuil = Seuil::new(1.2).unwrap();
    let bascules: Vec<usize> = effets
        .iter()
        .filter(|e| e.change_de_classe(seuil))
        .map(|e| e.commune)
        .collect();
    assert_eq!(bascules, [1]);

    // −3000 at A reaches A and B only (A–C is out of reach); two changes add up.
    let effets = scenario
        .simuler(&[
            Changement {
                commune: 0,
                quantite: -1_000.0,
            },
            scenario.changement("A=-2000").unwrap(),
        ])
        .unwrap();
    // R_A falls to 0: A_A = 0, A_B = 6/7 · 1/3 = 2/7.
    let apres: Vec<(usize, f64)> = effets.iter().map(|e| (e.commune, e.apres)).collect();
    assert_eq!(apres.len(), 2);
    assert!(apres[0].0 == 0 && apres[0].1.abs() < 1e-12, "{apres:?}");
    assert!(
        apres[1].0 == 1 && (apres[1].1 - 2.0 / 7.0).abs() < 1e-12,
        "{apres:?}"
    );

    let erreur = scenario.simuler(&[scenario.changement("C=-1000.5").unwrap()]);
    assert_eq!(
        erreur.unwrap_err().to_string(),
        "l'offre de la commune C deviendrait négative (-0.5 consultations par an)"
    );
    assert!(scenario.changement("Z=+1").is_err());
    assert!(scenario.changement("A+1").is_err());
}

#[test]
fn la_conversion_des_etp_vaut_aussi_pour_les_scenarios() {
    let (communes, trajets, _) = trois_communes();
    let etp = Conversion::par_unite(5_000.0).unwrap();
    // 0.6 FTE at A = 3,000 consultations, as above; +0.2 FTE at B = +1,000.
    let offre = Offre::depuis_quantites(&[0.6, 0.0, 0.2], etp).unwrap();
    let voisinage = Voisinage::new(trajets, &Decroissance::drees());
    let apl = Apl::calculer(&voisinage, &Demande::population(&communes), &offre);
    proche(apl.valeurs(), &[9.0 / 7.0, 8.0 / 7.0, 6.0 / 7.0]);
    let scenario = Scenario::new(&communes, &voisinage, &offre, &apl);
    let effets = scenario
        .simuler(&[scenario.changement("B=+0,2").unwrap()])
        .unwrap();
    proche(&[effets[1].apres], &[178.0 / 119.0]);
}
