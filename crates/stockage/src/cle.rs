//! The key a document is stored under, e.g.
//! `contrats/caen-2019/fiches/2.1/3f9c…e1-compte-rendu-copil.pdf`: the contract, the fiche, then
//! a random part that makes every deposit unique and the original file name, made safe.
//!
//! A key is a relative path made of `/`-separated segments over `[A-Za-z0-9._-]`; no segment
//! is empty or starts with a dot (so no `.` or `..`, and no clash with the local folder's
//! temporary files), and it is at most 512 bytes long. It is therefore the same string on
//! every backend: a path below the local root, an object key in a bucket.

use std::fmt;

use crate::ErreurStockage;

/// Longest key accepted, in bytes (S3 allows 1,024; we keep a margin for prefixes).
const LONGUEUR_MAX: usize = 512;

/// Longest file-name part kept in a fresh key, in bytes.
const NOM_MAX: usize = 100;

/// A validated object key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cle(String);

impl Cle {
    /// Checks a key read back from the database or built by hand.
    pub fn parse(valeur: &str) -> Result<Self, ErreurStockage> {
        let erreur = |raison| ErreurStockage::CleInvalide {
            cle: valeur.to_owned(),
            raison,
        };
        if valeur.is_empty() {
            return Err(erreur("elle est vide"));
        }
        if valeur.len() > LONGUEUR_MAX {
            return Err(erreur("elle dépasse 512 caractères"));
        }
        if !valeur.bytes().all(|b| autorise(b) || b == b'/') {
            return Err(erreur(
                "seuls les lettres sans accent, chiffres, « . », « _ », « - » et « / » sont permis",
            ));
        }
        if valeur.starts_with('/') {
            return Err(erreur("elle ne peut pas commencer par « / »"));
        }
        for segment in valeur.split('/') {
            if segment.is_empty() {
                return Err(erreur("elle ne peut pas contenir de segment vide"));
            }
            if segment.starts_with('.') {
                return Err(erreur("aucun segment ne peut commencer par un point"));
            }
        }
        Ok(Self(valeur.to_owned()))
    }

    /// A fresh key for a document attached to fiche `numero_fiche` of contract `contrat`:
    /// `contrats/{contrat}/fiches/{numero}/{32 hex}-{file name}`. The contract identifier must
    /// already be a valid segment; the fiche number and the file name are made safe (accents
    /// dropped, other characters replaced by `-`, a Windows or Unix directory part removed).
    pub fn nouvelle(
        contrat: &str,
        numero_fiche: &str,
        nom_fichier: &str,
    ) -> Result<Self, ErreurStockage> {
        let numero = assainir(numero_fiche, 32);
        if numero.is_empty() {
            return Err(ErreurStockage::CleInvalide {
                cle: numero_fiche.to_owned(),
                raison: "le numéro de fiche ne contient aucun caractère utilisable",
            });
        }
        Self::sous(contrat, &format!("fiches/{numero}"), nom_fichier)
    }

    /// A fresh key for a document of diagnostic `diagnostic` (its identifier) of contract
    /// `contrat`: `contrats/{contrat}/diagnostics/{diagnostic}/{32 hex}-{file name}`.
    pub fn de_diagnostic(
        contrat: &str,
        diagnostic: i64,
        nom_fichier: &str,
    ) -> Result<Self, ErreurStockage> {
        Self::sous(contrat, &format!("diagnostics/{diagnostic}"), nom_fichier)
    }

    /// `contrats/{contrat}/{dossier}/{32 hex}-{file name}`, `dossier` already safe.
    fn sous(contrat: &str, dossier: &str, nom_fichier: &str) -> Result<Self, ErreurStockage> {
        if contrat.is_empty()
            || contrat.starts_with('.')
            || !contrat.bytes().all(autorise)
            || contrat.len() > 64
        {
            return Err(ErreurStockage::CleInvalide {
                cle: contrat.to_owned(),
                raison: "l'identifiant de contrat ne peut pas servir de segment de clé",
            });
        }
        let nom = nom_sur(nom_fichier);
        let mut alea = [0u8; 16];
        getrandom::fill(&mut alea).map_err(|e| ErreurStockage::Alea(e.to_string()))?;
        let alea = crate::s3::hex(&alea);
        Self::parse(&format!("contrats/{contrat}/{dossier}/{alea}-{nom}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Cle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn autorise(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

/// The last component of an uploaded file name, made safe, its extension kept; « document »
/// when nothing is left of the name itself. At most [`NOM_MAX`] bytes.
fn nom_sur(nom_fichier: &str) -> String {
    let base = nom_fichier.rsplit(['/', '\\']).next().unwrap_or_default();
    let (tronc, extension) = match base.rsplit_once('.') {
        Some((tronc, extension)) if !tronc.is_empty() => (tronc, assainir(extension, 10)),
        _ => (base, String::new()),
    };
    let mut nom = assainir(tronc, NOM_MAX - 1 - extension.len());
    if nom.is_empty() {
        nom = "document".to_owned();
    }
    if !extension.is_empty() {
        nom.push('.');
        nom.push_str(&extension);
    }
    nom
}

/// Keeps `[A-Za-z0-9._-]`, folds the usual French accents, turns anything else into `-`,
/// squeezes repeated `-` and trims dots and dashes from the edges; at most `max` bytes.
fn assainir(texte: &str, max: usize) -> String {
    let mut sortie = String::with_capacity(texte.len());
    for c in texte.chars() {
        let pli = match c {
            _ if c.is_ascii() && autorise(c as u8) => {
                sortie.push(c);
                continue;
            }
            'à' | 'â' | 'ä' | 'á' | 'ã' => "a",
            'À' | 'Â' | 'Ä' | 'Á' | 'Ã' => "A",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'É' | 'È' | 'Ê' | 'Ë' => "E",
            'î' | 'ï' | 'í' => "i",
            'Î' | 'Ï' | 'Í' => "I",
            'ô' | 'ö' | 'ó' | 'õ' => "o",
            'Ô' | 'Ö' | 'Ó' | 'Õ' => "O",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'Ù' | 'Û' | 'Ü' | 'Ú' => "U",
            'ç' => "c",
            'Ç' => "C",
            'ÿ' => "y",
            'ñ' => "n",
            'œ' => "oe",
            'Œ' => "OE",
            'æ' => "ae",
            'Æ' => "AE",
            _ => "-",
        };
        sortie.push_str(pli);
    }
    let mut sortie = sortie
        .split('-')
        .filter(|morceau| !morceau.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    sortie.truncate(max.min(sortie.len()));
    sortie.trim_matches(['-', '.']).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepte_une_cle_de_document() {
        let cle = Cle::parse("contrats/caen-2019/fiches/2.1/ab12-compte_rendu.pdf").unwrap();
        assert_eq!(
            cle.as_str(),
            "contrats/caen-2019/fiches/2.1/ab12-compte_rendu.pdf"
        );
    }

    #[test]
    fn refuse_ce_qui_sortirait_du_dossier_ou_du_compartiment() {
        for mauvaise in [
            "",
            "../x",
            "a/../x",
            "./x",
            "/etc/passwd",
            "a//b",
            "a/",
            "a/.cache",
            "a\\b",
            "a b",
            "é",
            "a?b",
        ] {
            let erreur = Cle::parse(mauvaise).unwrap_err();
            assert!(
                erreur.to_string().starts_with("clé de document invalide"),
                "{mauvaise} : {erreur}"
            );
        }
        assert!(Cle::parse(&"a".repeat(512)).is_ok());
        assert!(Cle::parse(&"a".repeat(513)).is_err());
    }

    #[test]
    fn une_nouvelle_cle_range_le_document_sous_sa_fiche() {
        let cle = Cle::nouvelle("caen-2019", "2.1", "Compte rendu COPIL.pdf").unwrap();
        let (dossier, nom) = cle.as_str().rsplit_once('/').unwrap();
        assert_eq!(dossier, "contrats/caen-2019/fiches/2.1");
        let (alea, nom) = nom.split_once('-').unwrap();
        assert_eq!(alea.len(), 32);
        assert!(alea.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(nom, "Compte-rendu-COPIL.pdf");
        let autre = Cle::nouvelle("caen-2019", "2.1", "Compte rendu COPIL.pdf").unwrap();
        assert_ne!(cle, autre, "deux dépôts du même fichier ont deux clés");
    }

    #[test]
    fn le_nom_de_fichier_est_rendu_sur() {
        assert_eq!(
            nom_sur("Évaluation été 2024 (v2).xlsx"),
            "Evaluation-ete-2024-v2.xlsx"
        );
        assert_eq!(
            nom_sur("C:\\Users\\moi\\Bilan œuvre.docx"),
            "Bilan-oeuvre.docx"
        );
        assert_eq!(nom_sur("../../etc/passwd"), "passwd");
        assert_eq!(nom_sur(".."), "document");
        assert_eq!(nom_sur("日本.pdf"), "document.pdf");
        assert_eq!(nom_sur(".bashrc"), "bashrc");
        assert_eq!(nom_sur("archive.tar.gz"), "archive.tar.gz");
        assert_eq!(nom_sur("a--b__c"), "a-b__c");
        assert_eq!(nom_sur(""), "document");
        let long = format!("{}.pdf", "a".repeat(300));
        assert_eq!(nom_sur(&long), format!("{}.pdf", "a".repeat(96)));
    }

    #[test]
    fn le_numero_de_fiche_est_rendu_sur_et_le_contrat_verifie() {
        let cle = Cle::nouvelle("soissons-2023", "A 4 bis", "x.pdf").unwrap();
        assert!(
            cle.as_str()
                .starts_with("contrats/soissons-2023/fiches/A-4-bis/")
        );
        assert!(Cle::nouvelle("../x", "1", "x.pdf").is_err());
        assert!(Cle::nouvelle("a/b", "1", "x.pdf").is_err());
        assert!(Cle::nouvelle("caen-2019", "…", "x.pdf").is_err());
        let cle = Cle::de_diagnostic("caen-2019", 7, "DLS 2021.pdf").unwrap();
        assert!(
            cle.as_str()
                .starts_with("contrats/caen-2019/diagnostics/7/")
        );
        assert!(cle.as_str().ends_with("-DLS-2021.pdf"), "{}", cle.as_str());
        assert!(Cle::de_diagnostic("../x", 7, "x.pdf").is_err());
    }
}
