//! A report as a tagged PDF conforming to PDF/UA-1, through Typst used as a library: the
//! document is written as Typst markup held in memory (every text of the contract as a string
//! literal, never as markup), its charts as SVG files beside it, and compiled with the fonts
//! Typst embeds (Libertinus Serif, free, SIL OFL); typst-pdf checks PDF/UA-1 as it writes.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use pilote_domain::DatePartielle;
use typst::diag::{FileError, FileResult, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::document::{Bloc, Document, Tableau};

/// DSFR's blue France, for titles and rules.
const BLEU: &str = "rgb(\"#000091\")";

/// The fonts, read once for the process.
fn polices() -> &'static (LazyHash<FontBook>, Vec<Font>) {
    static POLICES: OnceLock<(LazyHash<FontBook>, Vec<Font>)> = OnceLock::new();
    POLICES.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|octets| Font::iter(Bytes::new(octets)))
            .collect();
        (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
    })
}

fn bibliotheque() -> &'static LazyHash<Library> {
    static BIBLIOTHEQUE: OnceLock<LazyHash<Library>> = OnceLock::new();
    BIBLIOTHEQUE.get_or_init(|| LazyHash::new(Library::builder().build()))
}

fn fichier(chemin: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(chemin).expect("un chemin valable"),
    )
    .intern()
}

/// The report's world: its markup, its charts, the fonts, its day.
struct Monde {
    source: Source,
    fichiers: HashMap<FileId, Bytes>,
    jour: Datetime,
}

impl World for Monde {
    fn library(&self) -> &LazyHash<Library> {
        bibliotheque()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &polices().0
    }

    fn main(&self) -> FileId {
        self.source.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            Ok(self.source.clone())
        } else if self.fichiers.contains_key(&id) {
            Err(FileError::NotSource)
        } else {
            Err(FileError::NotFound(id.vpath().get_without_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.source.id() {
            return Ok(Bytes::from_string(self.source.clone()));
        }
        self.fichiers
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        polices().1.get(index).cloned()
    }

    fn today(&self, _decalage: Option<Duration>) -> Option<Datetime> {
        Some(self.jour)
    }
}

/// Text as a Typst string literal, shown as it is whatever it holds.
fn chaine(texte: &str) -> String {
    let mut sortie = String::with_capacity(texte.len() + 2);
    sortie.push('"');
    for c in texte.chars() {
        match c {
            '\\' => sortie.push_str("\\\\"),
            '"' => sortie.push_str("\\\""),
            '\n' => sortie.push_str("\\n"),
            '\r' => {}
            c => sortie.push(c),
        }
    }
    sortie.push('"');
    sortie
}

/// Content made of text `texte`.
fn contenu(texte: &str) -> String {
    format!("[#{}]", chaine(texte))
}

const PREAMBULE: &str = r#"
#set text(font: "Libertinus Serif", lang: "fr", region: "FR", size: 10.5pt)
#set par(justify: true, leading: 0.6em, spacing: 0.9em)
#set heading(numbering: "1.1")
#show heading: set text(fill: BLEU)
#show heading.where(level: 1): it => { pagebreak(weak: true); set text(size: 19pt); block(above: 0pt, below: 1.1em, it) }
#show heading.where(level: 2): set text(size: 14pt)
#show heading.where(level: 2): set block(above: 1.6em, below: 0.8em)
#show heading.where(level: 3): set text(size: 11.5pt)
#show heading.where(level: 3): set heading(numbering: none)
#set table(
  inset: (x: 5pt, y: 4pt),
  stroke: (x, y) => if y == 0 { (bottom: 1pt + BLEU) } else { (bottom: 0.4pt + luma(205)) },
  fill: (x, y) => if y > 0 and calc.even(y) { luma(246) },
)
#show table: set text(size: 9pt)
#show table: set par(justify: false)
#show table.cell.where(y: 0): set text(weight: "bold")
#show figure: set block(breakable: false)
#show figure.caption: set text(size: 9pt, style: "italic")
#set list(marker: text(fill: BLEU)[•])
"#;

fn tableau(source: &mut String, t: &Tableau) {
    let colonnes = t.entetes.len().max(1);
    let alignements: Vec<&str> = (0..colonnes)
        .map(|i| {
            if t.nombres.get(i).copied().unwrap_or(false) {
                "right"
            } else {
                "left"
            }
        })
        .collect();
    let largeurs: Vec<&str> = (0..colonnes)
        .map(|i| if i == 0 { "2fr" } else { "auto" })
        .collect();
    let _ = write!(
        source,
        "#figure(kind: table, caption: {}, table(columns: ({},), align: ({},), table.header(",
        contenu(&t.legende),
        largeurs.join(", "),
        alignements.join(", ")
    );
    let entetes: Vec<String> = t.entetes.iter().map(|e| contenu(e)).collect();
    source.push_str(&entetes.join(", "));
    source.push(')');
    for ligne in &t.lignes {
        for i in 0..colonnes {
            let _ = write!(
                source,
                ", {}",
                contenu(ligne.get(i).map_or("", String::as_str))
            );
        }
    }
    source.push_str("))\n\n");
}

/// The Typst markup of `document`, and its charts as files.
fn source(document: &Document) -> (String, HashMap<FileId, Bytes>) {
    let mut source = format!(
        "#let BLEU = {BLEU}\n#set document(title: {}, author: \"Pilote\")\n{PREAMBULE}",
        chaine(&document.titre_complet())
    );
    let _ = writeln!(
        source,
        "#set page(paper: \"a4\", margin: (x: 2.2cm, top: 2.4cm, bottom: 2.2cm), \
         header: context {{ if here().page() > 1 {{ set text(size: 8.5pt, fill: luma(90)); {} ; h(1fr); {} }} }}, \
         footer: context {{ if here().page() > 1 {{ set text(size: 8.5pt, fill: luma(90)); h(1fr); counter(page).display(\"1 / 1\", both: true) }} }})",
        chaine(&document.contrat),
        chaine(&document.titre)
    );
    // The cover: what, of which contract, then the facts.
    let _ = write!(
        source,
        "#block(width: 100%, height: 100%)[\n#v(3cm)\n#text(size: 12pt, fill: luma(80), {})\n#v(0.4cm)\n\
         #text(size: 30pt, weight: \"bold\", fill: BLEU, {})\n#v(0.3cm)\n#text(size: 17pt, {})\n#v(1fr)\n",
        chaine("Contrat local de santé"),
        chaine(&document.titre),
        chaine(&document.contrat)
    );
    for m in &document.mentions {
        let _ = writeln!(source, "#text(size: 11pt, {}) \\", chaine(m));
    }
    source.push_str("]\n#pagebreak()\n#outline(title: [Sommaire], depth: 2)\n\n");
    let mut fichiers = HashMap::new();
    for bloc in &document.blocs {
        match bloc {
            Bloc::Titre { niveau, texte } => {
                let _ = writeln!(source, "#heading(level: {niveau}, {})\n", contenu(texte));
            }
            Bloc::Paragraphe(texte) => {
                for paragraphe in texte.split("\n\n").filter(|p| !p.trim().is_empty()) {
                    let _ = writeln!(source, "#{}\n", chaine(paragraphe.trim()));
                }
            }
            Bloc::Liste(items) => {
                for item in items {
                    let _ = writeln!(source, "- #{}", chaine(item));
                }
                source.push('\n');
            }
            Bloc::Chiffres(chiffres) => {
                source.push_str("#grid(columns: (1fr, 1fr, 1fr), gutter: 8pt,\n");
                for (valeur, libelle) in chiffres {
                    let _ = writeln!(
                        source,
                        "  block(width: 100%, inset: 8pt, stroke: (top: 2.5pt + BLEU, rest: 0.5pt + luma(200)))[#text(size: 15pt, weight: \"bold\", {}) \\ #text(size: 9pt, fill: luma(70), {})],",
                        chaine(valeur),
                        chaine(libelle)
                    );
                }
                source.push_str(")\n\n");
            }
            Bloc::Tableau(t) => tableau(&mut source, t),
            Bloc::Figure { svg, alt, legende } => {
                let nom = format!("/graphique-{}.svg", fichiers.len() + 1);
                fichiers.insert(fichier(&nom), Bytes::new(svg.clone().into_bytes()));
                let _ = writeln!(
                    source,
                    "#figure(image({}, alt: {}, width: 82%), caption: {})\n",
                    chaine(nom.trim_start_matches('/')),
                    chaine(alt),
                    contenu(legende)
                );
            }
        }
    }
    (source, fichiers)
}

/// Diagnostics in words, for the log: a report that does not compile is a fault of Pilote.
fn diagnostics(liste: &[SourceDiagnostic]) -> String {
    liste
        .iter()
        .map(|d| {
            let indices: Vec<&str> = d.hints.iter().map(|h| h.v.as_str()).collect();
            if indices.is_empty() {
                d.message.to_string()
            } else {
                format!("{} ({})", d.message, indices.join(" ; "))
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// `document` as a tagged PDF/UA-1, made on day `jour`.
pub fn pdf(document: &Document, jour: DatePartielle) -> Result<Vec<u8>, String> {
    let (texte, fichiers) = source(document);
    let (a, m, j) = jour.complete().unwrap_or((jour.annee(), 1, 1));
    let monde = Monde {
        source: Source::new(fichier("/rapport.typ"), texte),
        fichiers,
        jour: Datetime::from_ymd(i32::from(a), m, j).ok_or("date du rapport invalide")?,
    };
    let Warned { output, .. } = typst::compile::<PagedDocument>(&monde);
    let compile = output.map_err(|e| diagnostics(&e))?;
    let standards = PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| e.message().to_string())?;
    let options = PdfOptions {
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&compile, &options).map_err(|e| diagnostics(&e))
}

#[cfg(test)]
mod tests {
    use super::chaine;

    #[test]
    fn un_texte_reste_un_texte() {
        assert_eq!(chaine("a \"b\" \\ #c\n"), "\"a \\\"b\\\" \\\\ #c\\n\"");
    }
}
