//! A report as its renderers read it: a title page, then blocks — headings, paragraphs, lists,
//! key figures, tables, charts — written once (by `contenu`) and rendered as a tagged PDF (by
//! `pdf`) or an ODT text (by `odt`).

/// A whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// What it is, on its cover and in its metadata: « Bilan annuel 2025 ».
    pub titre: String,
    /// The contract's name.
    pub contrat: String,
    /// The cover's other lines: the period, the territory, when it was made.
    pub mentions: Vec<String>,
    pub blocs: Vec<Bloc>,
}

impl Document {
    /// The document's title in full: « Bilan annuel 2025 — CLS de Caen ».
    pub fn titre_complet(&self) -> String {
        format!("{} — {}", self.titre, self.contrat)
    }
}

/// One block of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Bloc {
    /// A heading: level 1 for a part, 2 for a section, 3 below.
    Titre {
        niveau: u8,
        texte: String,
    },
    /// A paragraph; its line breaks are kept.
    Paragraphe(String),
    Liste(Vec<String>),
    /// Key figures: each a value and what it counts.
    Chiffres(Vec<(String, String)>),
    Tableau(Tableau),
    /// A chart (SVG) with its text alternative and its caption.
    Figure {
        svg: String,
        alt: String,
        legende: String,
    },
}

/// A table with a header line; `nombres` says which columns hold figures (aligned right).
#[derive(Debug, Clone, PartialEq)]
pub struct Tableau {
    pub legende: String,
    pub entetes: Vec<String>,
    pub lignes: Vec<Vec<String>>,
    pub nombres: Vec<bool>,
}

impl Bloc {
    pub fn titre(niveau: u8, texte: impl Into<String>) -> Self {
        Bloc::Titre {
            niveau,
            texte: texte.into(),
        }
    }

    pub fn paragraphe(texte: impl Into<String>) -> Self {
        Bloc::Paragraphe(texte.into())
    }
}
