//! Pilote's reports: a contract's annual report (bilan annuel) for a chosen year and its
//! evaluation report, written once ([`contenu`], a [`document::Document`]) and rendered as a
//! tagged PDF conforming to PDF/UA-1 through Typst used as a library ([`pdf`]) or as an ODT
//! text to edit further ([`odt`]); and the charts drawn as SVG ([`graphique`], [`figures`])
//! that the dashboard shares. A crate of its own: Typst's weight is built once, not with every
//! change to the web layer (ADR 0022).

pub mod carte;
mod contenu;
pub mod document;
pub mod figures;
pub mod graphique;
mod odt;
mod pdf;

use pilote_domain::DatePartielle;
use pilote_domain::contrat::Contrat;
use pilote_domain::rapport::TypeRapport;

pub use pilote_opendocument::ZipError;

/// A report to make: of which contract (as its reader may see it), which, on which day, with
/// the coordinator's introduction and conclusion.
#[derive(Debug, Clone)]
pub struct Rapport<'a> {
    pub contrat: &'a Contrat,
    /// The territory in words: « 3 communes, 120 000 habitants ».
    pub territoire: String,
    pub genre: TypeRapport,
    pub jour: DatePartielle,
    pub introduction: Option<String>,
    pub conclusion: Option<String>,
}

impl Rapport<'_> {
    /// What the report says, block by block.
    pub fn document(&self) -> document::Document {
        contenu::document(self)
    }

    /// The report as a tagged PDF/UA-1; the error, for the log, is Typst's.
    pub fn pdf(&self) -> Result<Vec<u8>, String> {
        pdf::pdf(&self.document(), self.jour)
    }

    /// The report as an ODT text.
    pub fn odt(&self) -> Result<Vec<u8>, ZipError> {
        odt::odt(&self.document())
    }
}
