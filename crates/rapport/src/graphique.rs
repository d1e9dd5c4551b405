//! Charts drawn on the server as SVG, for pages that work without JavaScript and print: bars
//! stacked by category, bars compared two by two (planned and realised), a series over time
//! against a baseline and targets. DSFR colours set as presentation attributes (the CSP allows
//! no inline style), of clearly different lightness and with hatching where two could be
//! confused, so that a chart stays readable printed in grey. Every chart is an image with a
//! title and a description (`role="img"`); the page gives its figures in a table beside it.

use std::fmt::Write;

use pilote_domain::DatePartielle;

/// The width of every chart's drawing, in its own units; it scales to its container.
const LARGEUR: f64 = 400.0;
/// The height of one bar, and the room for the label above it.
const BARRE: f64 = 18.0;
const ETIQUETTE: f64 = 18.0;
/// A light grey for axes and grid lines.
const GRILLE: &str = "#929292";
const TEXTE: &str = "#161616";

/// One series of a chart: its name and how it is painted.
#[derive(Debug, Clone, Copy)]
pub struct Serie {
    pub libelle: &'static str,
    pub couleur: &'static str,
    /// Hatched (diagonal lines over the colour), to tell it from a series of like lightness.
    pub hachuree: bool,
}

/// Text made safe inside SVG (element content and attribute values).
pub(crate) fn echapper(texte: &str) -> String {
    let mut sortie = String::with_capacity(texte.len());
    for c in texte.chars() {
        match c {
            '&' => sortie.push_str("&amp;"),
            '<' => sortie.push_str("&lt;"),
            '>' => sortie.push_str("&gt;"),
            '"' => sortie.push_str("&quot;"),
            '\'' => sortie.push_str("&#39;"),
            c => sortie.push(c),
        }
    }
    sortie
}

/// The opening of a chart `id` of height `hauteur`, its title and description, and the
/// hatching of `series` that need one.
fn ouvrir(id: &str, hauteur: f64, titre: &str, description: &str, series: &[Serie]) -> String {
    let mut svg = format!(
        "<svg class=\"pilote-graphique\" viewBox=\"0 0 {LARGEUR} {hauteur:.0}\" role=\"img\" \
         aria-labelledby=\"{id}-titre {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\" \
         font-family=\"Marianne, arial, sans-serif, Libertinus Serif\" font-size=\"12\" fill=\"{TEXTE}\">\
         <title id=\"{id}-titre\">{}</title><desc id=\"{id}-desc\">{}</desc><defs>",
        echapper(titre),
        echapper(description)
    );
    for (n, s) in series.iter().enumerate().filter(|(_, s)| s.hachuree) {
        let _ = write!(
            svg,
            "<pattern id=\"{id}-h{n}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
             patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{}\"/>\
             <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#ffffff\" stroke-width=\"2\"/>\
             </pattern>",
            s.couleur
        );
    }
    svg.push_str("</defs>");
    svg
}

/// How series `n` of chart `id` is filled.
fn remplissage(id: &str, n: usize, serie: &Serie) -> String {
    if serie.hachuree {
        format!("url(#{id}-h{n})")
    } else {
        serie.couleur.to_owned()
    }
}

/// Where each entry of the legend of `series` goes: its left edge and its row (from 0),
/// entries wrapping to a new row past the chart's width.
fn places_de_legende(series: &[Serie]) -> Vec<(f64, f64)> {
    let (mut x, mut rang) = (0.0, 0.0);
    let mut places = Vec::with_capacity(series.len());
    for s in series {
        let largeur = 22.0 + 6.5 * s.libelle.chars().count() as f64;
        if x + largeur > LARGEUR && x > 0.0 {
            x = 0.0;
            rang += 1.0;
        }
        places.push((x, rang));
        x += largeur;
    }
    places
}

/// The rows of the legend of `series`.
fn lignes_de_legende(series: &[Serie]) -> f64 {
    places_de_legende(series)
        .last()
        .map_or(1.0, |(_, rang)| rang + 1.0)
}

/// The legend of `series`, its first row at height `y`.
fn legende(svg: &mut String, id: &str, series: &[Serie], y: f64) {
    for (n, (s, (x, rang))) in series.iter().zip(places_de_legende(series)).enumerate() {
        let ligne = y + 16.0 * rang;
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"{TEXTE}\" \
             stroke-width=\"0.5\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            ligne - 10.0,
            remplissage(id, n, s),
            x + 16.0,
            ligne,
            echapper(s.libelle)
        );
    }
}

/// The label of a line of bars, above it at height `y`.
fn etiquette(svg: &mut String, y: f64, libelle: &str) {
    let _ = write!(
        svg,
        "<text x=\"0\" y=\"{:.1}\">{}</text>",
        y + 13.0,
        echapper(libelle)
    );
}

/// Horizontal bars, one per line of `lignes` (its label above it), each made of the counts of
/// `series` side by side, the whole bar being the largest line's total; each part wide
/// enough shows its count.
pub fn barres_empilees(
    id: &str,
    titre: &str,
    description: &str,
    series: &[Serie],
    lignes: &[(String, Vec<usize>)],
) -> String {
    let pas = ETIQUETTE + BARRE + 8.0;
    let hauteur_barres = pas * lignes.len() as f64;
    let hauteur = hauteur_barres + 8.0 + 16.0 * lignes_de_legende(series);
    let mut svg = ouvrir(id, hauteur, titre, description, series);
    let plus_grand = lignes
        .iter()
        .map(|(_, n)| n.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    for (i, (libelle, comptes)) in lignes.iter().enumerate() {
        let y = pas * i as f64;
        etiquette(&mut svg, y, libelle);
        let mut x = 0.0;
        for (n, (serie, compte)) in series.iter().zip(comptes).enumerate() {
            if *compte == 0 {
                continue;
            }
            let largeur = LARGEUR * *compte as f64 / plus_grand;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{largeur:.1}\" height=\"{BARRE}\" \
                 fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"/>",
                y + ETIQUETTE,
                remplissage(id, n, serie)
            );
            if largeur >= 18.0 {
                // White on the darker half of the palette, dark on the lighter.
                let encre = if serie.hachuree || clair(serie.couleur) {
                    TEXTE
                } else {
                    "#ffffff"
                };
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{encre}\" \
                     font-weight=\"bold\"{}>{compte}</text>",
                    x + largeur / 2.0,
                    y + ETIQUETTE + 13.0,
                    if serie.hachuree {
                        " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\""
                    } else {
                        ""
                    }
                );
            }
            x += largeur;
        }
    }
    legende(&mut svg, id, series, hauteur_barres + 20.0);
    svg.push_str("</svg>");
    svg
}

/// Whether colour `#rrggbb` is light enough for dark text.
fn clair(couleur: &str) -> bool {
    let canal = |i: usize| {
        u8::from_str_radix(couleur.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f64 / 255.0
    };
    0.2126 * canal(1) + 0.7152 * canal(3) + 0.0722 * canal(5) > 0.5
}

/// Pairs of horizontal bars, one pair per group of `groupes` (its label above): the first
/// series (planned) and the second (realised), on one scale, each with its value written
/// after it by `valeur`.
pub fn barres_comparees(
    id: &str,
    titre: &str,
    description: &str,
    series: [Serie; 2],
    groupes: &[(String, [f64; 2])],
    valeur: impl Fn(f64) -> String,
) -> String {
    let pas = ETIQUETTE + 2.0 * BARRE + 10.0;
    let hauteur_barres = pas * groupes.len() as f64;
    let hauteur = hauteur_barres + 8.0 + 16.0 * lignes_de_legende(&series);
    let mut svg = ouvrir(id, hauteur, titre, description, &series);
    let plus_grand = groupes
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0_f64, f64::max);
    // Room after the longest bar for its value.
    let echelle = if plus_grand > 0.0 {
        (LARGEUR - 110.0) / plus_grand
    } else {
        0.0
    };
    for (i, (libelle, valeurs)) in groupes.iter().enumerate() {
        let y = pas * i as f64;
        etiquette(&mut svg, y, libelle);
        for (n, (serie, v)) in series.iter().zip(valeurs).enumerate() {
            let yb = y + ETIQUETTE + BARRE * n as f64;
            let largeur = (v * echelle).max(if *v > 0.0 { 1.0 } else { 0.0 });
            let _ = write!(
                svg,
                "<rect x=\"0\" y=\"{yb:.1}\" width=\"{largeur:.1}\" height=\"{:.1}\" fill=\"{}\" \
                 stroke=\"{}\" stroke-width=\"1\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                BARRE - 2.0,
                remplissage(id, n, serie),
                serie.couleur,
                largeur + 4.0,
                yb + 12.0,
                echapper(&valeur(*v))
            );
        }
    }
    legende(&mut svg, id, &series, hauteur_barres + 20.0);
    svg.push_str("</svg>");
    svg
}

/// Where a date falls on a time axis, in years: the middle of its period.
fn en_annees(date: DatePartielle) -> f64 {
    let annee = f64::from(date.annee());
    match (date.complete(), date.mois()) {
        (Some((_, m, j)), _) => annee + (f64::from(m) - 1.0) / 12.0 + (f64::from(j) - 1.0) / 365.0,
        (None, Some(m)) => annee + (f64::from(m) - 0.5) / 12.0,
        (None, None) => annee + 0.5,
    }
}

/// A value axis of about four steps from `y0` to `y1`: its step, a round number.
fn pas_rond(y0: f64, y1: f64) -> f64 {
    let brut = (y1 - y0) / 4.0;
    let ordre = 10_f64.powf(brut.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * ordre)
        .find(|p| *p >= brut)
        .unwrap_or(10.0 * ordre)
}

/// An indicator over time: its measurements joined by a line (dots, the latest labelled), its
/// baseline as a dashed line, its targets as hollow diamonds at the middle of their year,
/// labelled; a value axis with round steps from zero (or below, for negative values).
pub fn courbe(
    id: &str,
    titre: &str,
    description: &str,
    serie: &[(DatePartielle, f64)],
    initiale: Option<f64>,
    cibles: &[(u16, f64)],
    valeur: impl Fn(f64) -> String,
) -> String {
    const HAUTEUR: f64 = 190.0;
    const GAUCHE: f64 = 44.0;
    const HAUT: f64 = 16.0;
    const BAS: f64 = 150.0;
    let points: Vec<(f64, f64)> = serie.iter().map(|(d, v)| (en_annees(*d), *v)).collect();
    let cibles_: Vec<(f64, f64)> = cibles
        .iter()
        .map(|(a, v)| (f64::from(*a) + 0.5, *v))
        .collect();
    let abscisses = points.iter().chain(&cibles_).map(|(x, _)| *x);
    let (x0, x1) = abscisses.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    if x0 > x1 {
        return String::new();
    }
    let (x0, x1) = (x0.floor(), x1.ceil().max(x0.floor() + 1.0));
    let ordonnees = points
        .iter()
        .chain(&cibles_)
        .map(|(_, y)| *y)
        .chain(initiale);
    let (bas, haut) = ordonnees.fold((0.0_f64, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let pas = pas_rond(bas, haut.max(bas + 1e-9));
    let (y0, y1) = (
        (bas / pas).floor() * pas,
        ((haut / pas).ceil() * pas).max(pas),
    );
    let droite = LARGEUR - 8.0;
    let px = |x: f64| GAUCHE + 8.0 + (x - x0) / (x1 - x0) * (droite - GAUCHE - 16.0);
    let py = |y: f64| BAS - (y - y0) / (y1 - y0) * (BAS - HAUT);
    let mut svg = ouvrir(id, HAUTEUR, titre, description, &[]);
    // The value axis: a grid line and its value at each step.
    let mut y = y0;
    while y <= y1 + pas / 2.0 {
        let _ = write!(
            svg,
            "<line x1=\"{GAUCHE}\" y1=\"{0:.1}\" x2=\"{droite}\" y2=\"{0:.1}\" stroke=\"#dddddd\"/>\
             <text x=\"{1:.1}\" y=\"{2:.1}\" text-anchor=\"end\" fill=\"#3a3a3a\">{3}</text>",
            py(y),
            GAUCHE - 4.0,
            py(y) + 4.0,
            echapper(&nombre(y))
        );
        y += pas;
    }
    // The time axis, a tick and the year at each 1 January.
    let _ = write!(
        svg,
        "<line x1=\"{GAUCHE}\" y1=\"{BAS}\" x2=\"{droite}\" y2=\"{BAS}\" stroke=\"{GRILLE}\"/>"
    );
    let annees = (x1 - x0) as usize;
    let pas_annees = annees.div_ceil(6).max(1);
    for k in (0..=annees).step_by(pas_annees) {
        let x = px(x0 + k as f64);
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"{BAS}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"{GRILLE}\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            BAS + 4.0,
            BAS + 17.0,
            x0 as i64 + k as i64
        );
    }
    if let Some(v) = initiale {
        let y = py(v);
        let _ = write!(
            svg,
            "<line x1=\"{GAUCHE}\" y1=\"{y:.1}\" x2=\"{droite}\" y2=\"{y:.1}\" stroke=\"#666666\" \
             stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>"
        );
    }
    if points.len() > 1 {
        let trace: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
            .collect();
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#000091\" stroke-width=\"2\"/>",
            trace.join(" ")
        );
    }
    for (x, y) in &points {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#000091\"/>",
            px(*x),
            py(*y)
        );
    }
    for (x, y) in &cibles_ {
        let (cx, cy) = (px(*x), py(*y));
        // Its value on its left, or on its right near the axis.
        let (tx, ancre) = if cx - GAUCHE > 70.0 {
            (cx - 10.0, "end")
        } else {
            (cx + 10.0, "start")
        };
        let _ = write!(
            svg,
            "<path d=\"M{cx:.1} {:.1} L{:.1} {cy:.1} L{cx:.1} {:.1} L{:.1} {cy:.1} Z\" \
             fill=\"#ffffff\" stroke=\"#18753c\" stroke-width=\"2\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{ancre}\" fill=\"#18753c\" \
             stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">cible {}</text>",
            cy - 6.0,
            cx + 6.0,
            cy + 6.0,
            cx - 6.0,
            cy - 6.0,
            echapper(&valeur(*y))
        );
    }
    if let Some((x, y)) = points.last() {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"bold\" \
             stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
            px(*x).clamp(GAUCHE + 30.0, droite - 30.0),
            py(*y) + 20.0,
            echapper(&valeur(*y))
        );
    }
    // The legend: a dot for the values, a diamond for the targets, a dash for the baseline.
    let y = HAUTEUR - 4.0;
    let _ = write!(
        svg,
        "<circle cx=\"6\" cy=\"{:.1}\" r=\"4\" fill=\"#000091\"/><text x=\"14\" y=\"{y:.1}\">Valeur mesurée</text>\
         <path d=\"M124 {:.1} L130 {:.1} L124 {:.1} L118 {:.1} Z\" fill=\"#ffffff\" stroke=\"#18753c\" \
         stroke-width=\"2\"/><text x=\"136\" y=\"{y:.1}\">Cible</text>",
        y - 4.0,
        y - 10.0,
        y - 4.0,
        y + 2.0,
        y - 4.0,
    );
    if let Some(v) = initiale {
        let _ = write!(
            svg,
            "<line x1=\"186\" y1=\"{:.1}\" x2=\"206\" y2=\"{:.1}\" stroke=\"#666666\" \
             stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/><text x=\"212\" y=\"{y:.1}\">Valeur initiale ({})</text>",
            y - 4.0,
            y - 4.0,
            echapper(&valeur(v))
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A value as French writes it: « 1 200 », « 12,5 ».
pub fn nombre(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let entier = pilote_domain::montant::milliers(v.abs() as u64);
        if v < 0.0 {
            format!("-{entier}")
        } else {
            entier
        }
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERIES: [Serie; 2] = [
        Serie {
            libelle: "Prévu",
            couleur: "#cacafb",
            hachuree: false,
        },
        Serie {
            libelle: "Réalisé <&>",
            couleur: "#000091",
            hachuree: true,
        },
    ];

    #[test]
    fn les_textes_sont_echappes_et_le_graphique_a_un_titre() {
        let svg = barres_empilees(
            "g",
            "Avancement",
            "3 actions",
            &SERIES,
            &[("Axe « <1> »".to_owned(), vec![2, 1])],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"g-titre\">Avancement</title>"));
        assert!(svg.contains("Axe « &lt;1&gt; »"));
        assert!(svg.contains("Réalisé &lt;&amp;&gt;"));
        assert!(svg.contains("url(#g-h1)"), "la série hachurée l'est");
        assert!(!svg.contains("style="), "aucun style en ligne (CSP)");
    }

    #[test]
    fn les_barres_sont_a_l_echelle_de_la_plus_grande() {
        let svg = barres_empilees(
            "g",
            "t",
            "d",
            &SERIES,
            &[("a".to_owned(), vec![2, 2]), ("b".to_owned(), vec![1, 0])],
        );
        // 4 is the whole width: 2 is half of it, 1 a quarter.
        assert!(svg.contains("width=\"200.0\""));
        assert!(svg.contains("width=\"100.0\""));
        let comparees = barres_comparees(
            "c",
            "t",
            "d",
            SERIES,
            &[("2025".to_owned(), [100.0, 0.0])],
            |v| format!("{v} €"),
        );
        assert!(comparees.contains("width=\"290.0\""), "{comparees}");
        assert!(comparees.contains(">0 €<"));
    }

    #[test]
    fn les_valeurs_s_ecrivent_a_la_francaise() {
        assert_eq!(nombre(1234.0), "1\u{202f}234");
        assert_eq!(nombre(12.5), "12,5");
        assert_eq!(nombre(-3.0), "-3");
        assert_eq!(nombre(0.333), "0,33");
    }

    #[test]
    fn une_courbe_place_ses_points_ses_cibles_et_sa_valeur_initiale() {
        let d = |s| DatePartielle::parse(s).unwrap();
        let svg = courbe(
            "i",
            "Internes",
            "de 2 à 7",
            &[(d("2025"), 4.0), (d("2026-06"), 7.0)],
            Some(2.0),
            &[(2027, 12.0)],
            |v| format!("{v}"),
        );
        assert_eq!(
            svg.matches("<circle").count(),
            3,
            "deux mesures et la légende"
        );
        assert!(svg.contains("<polyline"));
        assert!(svg.contains("Valeur initiale (2)"));
        assert!(svg.contains("cible 12"));
        assert!(svg.contains(">2025<") && svg.contains(">2028<"));
        // From 0 to 12 by steps of 5: 0, 5, 10, 15.
        assert!(svg.contains(">15</text>") && !svg.contains(">20</text>"));
        assert_eq!(courbe("v", "t", "d", &[], None, &[], |v| v.to_string()), "");
    }
}
