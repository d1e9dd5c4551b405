//! Property tests: on generated communes, the engine (grid index, sparse neighbourhoods,
//! incremental scenarios) agrees with a naive O(n²) reference that weighs every pair.

use pilote_access::scenario::Changement;
use pilote_access::{
    Apl, Communes, Conversion, Decroissance, Demande, Estimation, Offre, Scenario, Trajets,
    Voisinage,
};
use proptest::prelude::*;

/// The textbook formulas over a full matrix of times `t[i][j]` (from i to j).
fn reference(t: &[Vec<f64>], w: &Decroissance, p: &[f64], s: &[f64]) -> Vec<f64> {
    let n = p.len();
    let d: Vec<f64> = (0..n)
        .map(|j| (0..n).map(|k| p[k] * w.poids(t[k][j])).sum())
        .collect();
    let r: Vec<f64> = (0..n)
        .map(|j| if d[j] > 0.0 { s[j] / d[j] } else { 0.0 })
        .collect();
    (0..n)
        .map(|i| (0..n).map(|j| r[j] * w.poids(t[i][j])).sum())
        .collect()
}

/// Every pair measured, the commune to itself at 0.
fn matrice_des_centroides(communes: &Communes, estimation: &Estimation) -> Vec<Vec<f64>> {
    let (lat, lon) = (communes.latitudes(), communes.longitudes());
    (0..communes.len())
        .map(|i| {
            (0..communes.len())
                .map(|j| {
                    if i == j {
                        0.0
                    } else {
                        estimation.minutes(lat[i], lon[i], lat[j], lon[j])
                    }
                })
                .collect()
        })
        .collect()
}

fn egaux(engine: &[f64], reference: &[f64]) -> Result<(), TestCaseError> {
    prop_assert_eq!(engine.len(), reference.len());
    for (i, (a, b)) in engine.iter().zip(reference).enumerate() {
        prop_assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "commune {}: moteur {} ≠ référence {}",
            i,
            a,
            b
        );
    }
    Ok(())
}

fn decroissances() -> impl Strategy<Value = Decroissance> {
    prop_oneof![
        Just(Decroissance::drees()),
        (1.0..60.0f64).prop_map(|seuil| Decroissance::deux_sfca(seuil).unwrap()),
        (0.0..3.0f64, 0.5..10.0f64, 0.0..50.0f64).prop_map(|(exposant, plateau, plus)| {
            Decroissance::gravitaire(exposant, plateau, plateau + plus).unwrap()
        }),
        proptest::collection::vec((0.5..15.0f64, 0.0..1.0f64), 1..5).prop_map(|pas| {
            let mut borne = 0.0;
            let paliers = pas
                .into_iter()
                .map(|(ecart, poids)| {
                    borne += ecart;
                    (borne, poids)
                })
                .collect();
            Decroissance::paliers(paliers).unwrap()
        }),
    ]
}

/// Communes in a box of about 60 × 60 km (many within reach of each other), some sharing a
/// centroid, some without population, some without supply.
fn communes_et_offre() -> impl Strategy<Value = (Communes, Vec<f64>)> {
    proptest::collection::vec(
        (
            45.0..45.5f64,
            1.0..1.7f64,
            prop_oneof![Just(0.0), 0.0..20_000.0f64],
            prop_oneof![Just(0.0), 0.0..50_000.0f64],
            any::<bool>(),
        ),
        1..40,
    )
    .prop_map(|lignes| {
        let mut communes = Communes::default();
        let mut offre = Vec::new();
        let mut precedent = (45.0, 1.0);
        for (i, (lat, lon, population, consultations, meme_lieu)) in lignes.into_iter().enumerate()
        {
            let (lat, lon) = if meme_lieu { precedent } else { (lat, lon) };
            precedent = (lat, lon);
            communes
                .ajouter(&format!("c{i}"), lat, lon, population)
                .unwrap();
            offre.push(consultations);
        }
        (communes, offre)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn depuis_les_centroides_le_moteur_egale_la_reference(
        (communes, consultations) in communes_et_offre(),
        w in decroissances(),
        detour in 1.0..2.0f64,
        vitesse in 20.0..130.0f64,
    ) {
        let estimation = Estimation::new(detour, vitesse).unwrap();
        let trajets = Trajets::depuis_centroides(&communes, &estimation, w.portee());
        let voisinage = Voisinage::new(trajets, &w);
        let offre = Offre::depuis_quantites(&consultations, Conversion::CONSULTATIONS).unwrap();
        let apl = Apl::calculer(&voisinage, &Demande::population(&communes), &offre);
        let t = matrice_des_centroides(&communes, &estimation);
        egaux(apl.valeurs(), &reference(&t, &w, communes.populations(), &consultations))?;
        // All the supply someone reaches is shared out: Σ_i P_i·A_i = Σ_{j: D_j > 0} S_j.
        let partage: f64 = apl.valeurs().iter().zip(communes.populations()).map(|(a, p)| a * p).sum();
        let atteinte: f64 = consultations.iter().zip(apl.demande_ponderee())
            .filter(|&(_, &d)| d > 0.0).map(|(s, _)| s).sum();
        prop_assert!((partage - atteinte).abs() <= 1e-9 * atteinte.max(1.0));
    }

    #[test]
    fn depuis_une_table_origine_destination_le_moteur_egale_la_reference(
        (communes, consultations) in communes_et_offre(),
        w in decroissances(),
        temps in proptest::collection::vec(0.0..80.0f64, 1600),
        doublons in proptest::collection::vec((0usize..40, 0usize..40, 0.0..80.0f64), 0..20),
    ) {
        let n = communes.len();
        // Asymmetric times; a duplicated pair keeps its shortest time.
        let mut t: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| if i == j { 0.0 } else { temps[i * 40 + j] }).collect())
            .collect();
        let mut paires: Vec<(usize, usize, f64)> = (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .map(|(i, j)| (i, j, temps[i * 40 + j]))
            .collect();
        for (i, j, minutes) in doublons {
            if i < n && j < n && i != j {
                paires.push((i, j, minutes));
                t[i][j] = t[i][j].min(minutes);
            }
        }
        let trajets = Trajets::depuis_paires(n, paires, w.portee());
        let voisinage = Voisinage::new(trajets, &w);
        let offre = Offre::depuis_quantites(&consultations, Conversion::CONSULTATIONS).unwrap();
        let apl = Apl::calculer(&voisinage, &Demande::population(&communes), &offre);
        egaux(apl.valeurs(), &reference(&t, &w, communes.populations(), &consultations))?;
    }

    #[test]
    fn un_scenario_egale_un_recalcul_complet(
        (communes, consultations) in communes_et_offre(),
        w in decroissances(),
        changements in proptest::collection::vec((0usize..40, -1.0..1.0f64), 1..5),
    ) {
        let estimation = Estimation::default();
        let trajets = Trajets::depuis_centroides(&communes, &estimation, w.portee());
        let voisinage = Voisinage::new(trajets, &w);
        let demande = Demande::population(&communes);
        let offre = Offre::depuis_quantites(&consultations, Conversion::CONSULTATIONS).unwrap();
        let apl = Apl::calculer(&voisinage, &demande, &offre);
        // Changes from −100 % to +100 % of a commune's supply (+1000 where there is none),
        // kept within what the commune has once they add up.
        let mut nouvelle = consultations.clone();
        let mut liste = Vec::new();
        for (commune, part) in changements {
            let commune = commune % communes.len();
            let base = if nouvelle[commune] > 0.0 { nouvelle[commune] } else { 1_000.0 };
            let quantite = (part * base).max(-nouvelle[commune]);
            nouvelle[commune] += quantite;
            liste.push(Changement { commune, quantite });
        }
        let effets = Scenario::new(&communes, &voisinage, &offre, &apl).simuler(&liste).unwrap();
        let recalcul = Apl::calculer(
            &voisinage,
            &demande,
            &Offre::depuis_quantites(&nouvelle, Conversion::CONSULTATIONS).unwrap(),
        );
        // The communes listed take the recomputed APL; the others keep theirs.
        let mut attendu = apl.valeurs().to_vec();
        for effet in &effets {
            prop_assert_eq!(effet.avant, apl.valeurs()[effet.commune]);
            attendu[effet.commune] = effet.apres;
        }
        egaux(&attendu, recalcul.valeurs())?;
    }

    #[test]
    fn la_grille_trouve_toutes_les_paires_a_portee_et_elles_seules(
        points in proptest::collection::vec((-70.0..70.0f64, -170.0..170.0f64), 1..60),
        grappe in proptest::collection::vec((0.0..0.5f64, 0.0..0.5f64), 0..60),
        portee in 0.0..300.0f64,
        detour in 1.0..2.0f64,
        vitesse in 5.0..130.0f64,
    ) {
        // Scattered points, and a cluster around the first one.
        let mut communes = Communes::default();
        let (lat0, lon0) = points[0];
        let tous = points.iter().copied().chain(grappe.iter().map(|&(a, b)| (lat0 + a, lon0 + b)));
        for (i, (lat, lon)) in tous.enumerate() {
            communes.ajouter(&i.to_string(), lat, lon, 1.0).unwrap();
        }
        let estimation = Estimation::new(detour, vitesse).unwrap();
        let trajets = Trajets::depuis_centroides(&communes, &estimation, portee);
        let t = matrice_des_centroides(&communes, &estimation);
        for (i, ligne) in t.iter().enumerate() {
            let attendues: Vec<(u32, f64)> = ligne
                .iter()
                .enumerate()
                .filter(|&(_, &minutes)| minutes <= portee)
                .map(|(j, &minutes)| (j as u32, minutes))
                .collect();
            let (destinations, minutes) = trajets.depuis(i);
            let mut trouvees: Vec<(u32, f64)> =
                destinations.iter().copied().zip(minutes.iter().copied()).collect();
            trouvees.sort_by_key(|&(j, _)| j);
            prop_assert_eq!(trouvees, attendues, "depuis la commune {}", i);
        }
    }
}
