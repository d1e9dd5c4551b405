//! Reference data (*données de référence*): the public files an administrator loads into
//! Pilote — never shipped with it, never invented — and what a load declares of each: its
//! source and its vintage (*millésime*), shown wherever the data is used.

use crate::referentiel;

referentiel! {
    /// What a reference file holds.
    Nature, "nature de données" {
        Centroides = "centroides", "Centroïdes des communes";
        Rpps = "rpps", "Médecins généralistes (RPPS)";
        Qpv = "qpv", "Quartiers prioritaires de la politique de la ville";
        Indicateurs = "indicateurs", "Indicateurs territoriaux";
    }
}

impl Nature {
    /// Where the file is found, and the columns Pilote reads in it.
    pub fn ou_le_trouver(&self) -> &'static str {
        match self {
            Nature::Centroides => {
                "CSV code_insee, lat, lon (WGS84) : les chefs-lieux de la BD ADMIN EXPRESS de \
                 l'IGN (Licence Ouverte 2.0, geoservices.ign.fr/adminexpress), ou tout fichier \
                 des mêmes colonnes"
            }
            Nature::Rpps => {
                "extrait public du RPPS, fichier PS_LibreAcces_Personne_activite (texte séparé \
                 par des barres verticales), sur annuaire.sante.fr, rubrique « Extractions en \
                 libre accès » ; les centroïdes doivent être chargés avant lui"
            }
            Nature::Qpv => {
                "CSV code_qpv, nom, code_insee, population (une ligne par quartier et commune) : \
                 la liste des quartiers prioritaires de l'ANCT sur sig.ville.gouv.fr ou \
                 data.gouv.fr"
            }
            Nature::Indicateurs => {
                "CSV niveau (commune, epci, departement, region, france), code, indicateur, \
                 annee, valeur et, s'il y a lieu, source : par exemple les tableaux de l'INSEE, \
                 de la DREES ou de l'observatoire régional de la santé"
            }
        }
    }

    /// What a load of this nature counts, after its number.
    pub fn unite(&self) -> &'static str {
        match self {
            Nature::Centroides => "commune(s) situées",
            Nature::Rpps => "commune(s) où exercent des généralistes",
            Nature::Qpv => "quartier(s) par commune",
            Nature::Indicateurs => "valeur(s)",
        }
    }

    /// Whether a file of this nature names communes by the codes of one year's geography, so
    /// that a vintage older than Pilote's geography may name communes merged since.
    pub fn suit_la_geographie(&self) -> bool {
        matches!(self, Nature::Centroides | Nature::Rpps)
    }
}

/// The years a vintage may take.
pub const PREMIER_MILLESIME: u16 = 1990;

/// Reads a vintage: a year from [`PREMIER_MILLESIME`] to `annee_courante`.
pub fn millesime(texte: &str, annee_courante: u16) -> Result<u16, String> {
    let texte = texte.trim();
    match texte.parse::<u16>() {
        Ok(annee) if (PREMIER_MILLESIME..=annee_courante).contains(&annee) => Ok(annee),
        Ok(annee) if annee > annee_courante => Err(format!(
            "millésime {annee} : il est dans le futur (nous sommes en {annee_courante})"
        )),
        _ if texte.is_empty() => Err("millésime manquant : indiquez l'année des données".into()),
        _ => Err(format!(
            "millésime « {texte} » : indiquez une année de {PREMIER_MILLESIME} à {annee_courante}"
        )),
    }
}

/// What a load checks of its vintage against what is in use: refused when older than Pilote's
/// geography (for the natures that follow it) or than the vintage loaded before, unless the
/// administrator confirms it.
pub fn verifier_millesime(
    nature: Nature,
    millesime: u16,
    geographie: u16,
    en_usage: Option<u16>,
    confirme: bool,
) -> Result<(), String> {
    if confirme {
        return Ok(());
    }
    if nature.suit_la_geographie() && millesime < geographie {
        return Err(format!(
            "millésime {millesime} antérieur à celui de la géographie officielle de Pilote \
             ({geographie}) : des communes ont pu fusionner depuis, et leurs codes ne seraient \
             pas reconnus. Chargez un fichier du millésime {geographie} ou plus récent, ou \
             confirmez le millésime antérieur"
        ));
    }
    match en_usage {
        Some(actuel) if millesime < actuel => Err(format!(
            "millésime {millesime} antérieur à celui en usage ({actuel}) : confirmez-le pour \
             remplacer des données plus récentes par des plus anciennes"
        )),
        _ => Ok(()),
    }
}

/// How many lines set aside a load describes (it counts them all).
pub const ECARTEES_GARDEES: usize = 100;

/// A file loaded: what it is and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JeuDeDonnees {
    pub nature: Nature,
    pub source: String,
    pub millesime: u16,
    /// The file's name as given.
    pub fichier: String,
    /// What was taken (communes, quartiers, values: [`Nature::unite`]), and the lines set aside
    /// at the administrator's request.
    pub lignes: i64,
    pub lignes_ecartees: i64,
    /// The first [`ECARTEES_GARDEES`] lines set aside, each with its fault.
    pub ecartees: Vec<String>,
    /// When (RFC 3339) and by whom.
    pub charge_le: String,
    pub charge_par: String,
}

impl JeuDeDonnees {
    /// « Source, millésime 2026 », as printed under what uses the data.
    pub fn mention(&self) -> String {
        format!("{}, millésime {}", self.source, self.millesime)
    }

    /// « 4 décembre 2026 à 15 h 40 (UTC) ».
    pub fn charge_le_en_lettres(&self) -> String {
        moment_en_lettres(&self.charge_le)
    }
}

/// « 4 décembre 2026 à 15 h 40 (UTC) », from a stored RFC 3339 moment (given back as it is
/// when it does not read as one).
pub fn moment_en_lettres(moment: &str) -> String {
    let jour = moment
        .get(..10)
        .and_then(|d| crate::DatePartielle::parse(d).ok());
    match (jour, moment.get(11..13), moment.get(14..16)) {
        (Some(jour), Some(h), Some(m)) => {
            format!("{} à {h} h {m} (UTC)", jour.en_toutes_lettres())
        }
        _ => moment.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_millesime_est_une_annee_passee_ou_presente() {
        assert_eq!(millesime(" 2024 ", 2026), Ok(2024));
        assert_eq!(
            millesime("2027", 2026).unwrap_err(),
            "millésime 2027 : il est dans le futur (nous sommes en 2026)"
        );
        assert_eq!(
            millesime("vingt", 2026).unwrap_err(),
            "millésime « vingt » : indiquez une année de 1990 à 2026"
        );
        assert!(millesime("1850", 2026).is_err());
        assert!(millesime("", 2026).unwrap_err().contains("manquant"));
    }

    #[test]
    fn le_moment_du_chargement_se_lit_en_lettres() {
        let jeu = JeuDeDonnees {
            nature: Nature::Qpv,
            source: "ANCT".into(),
            millesime: 2024,
            fichier: "qpv.csv".into(),
            lignes: 1,
            lignes_ecartees: 0,
            ecartees: vec![],
            charge_le: "2026-12-04T15:40:12Z".into(),
            charge_par: "admin@example.org".into(),
        };
        assert_eq!(
            jeu.charge_le_en_lettres(),
            "4 décembre 2026 à 15 h 40 (UTC)"
        );
        assert_eq!(jeu.mention(), "ANCT, millésime 2024");
    }

    #[test]
    fn un_millesime_ancien_demande_confirmation() {
        let refus = verifier_millesime(Nature::Centroides, 2024, 2026, None, false).unwrap_err();
        assert!(refus.contains("antérieur à celui de la géographie officielle de Pilote (2026)"));
        assert!(verifier_millesime(Nature::Centroides, 2024, 2026, None, true).is_ok());
        // A QPV list follows its own calendar, not the geography's.
        assert!(verifier_millesime(Nature::Qpv, 2024, 2026, None, false).is_ok());
        let refus = verifier_millesime(Nature::Qpv, 2015, 2026, Some(2024), false).unwrap_err();
        assert!(
            refus.contains("antérieur à celui en usage (2024)"),
            "{refus}"
        );
        assert!(verifier_millesime(Nature::Qpv, 2024, 2026, Some(2024), false).is_ok());
    }
}
