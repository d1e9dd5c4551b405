//! The list of contracts as the home page and `GET /api/v1/contrats` ask for it: filters
//! (région, département, status, text) and the page, read from the query string with a
//! French message naming what is wrong.

use pilote_domain::contrat::StatutContrat;
use pilote_store::contrat::Filtre;
use serde::Deserialize;

/// The query string of the list, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct RequeteListe {
    pub region: Option<String>,
    pub departement: Option<String>,
    pub statut: Option<String>,
    pub texte: Option<String>,
    pub page: Option<String>,
    pub par_page: Option<String>,
}

/// A parameter of the query string, trimmed; `None` when absent or blank.
pub fn rempli(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A région's or département's code (`nom` says which) as a parameter gives it, in capitals
/// (`2a` is `2A`); the message names it when it cannot be one.
pub fn code_territoire(nom: &str, v: &Option<String>) -> Result<Option<String>, String> {
    match rempli(v) {
        Some(c) if c.len() <= 3 && c.chars().all(|c| c.is_ascii_alphanumeric()) => {
            Ok(Some(c.to_ascii_uppercase()))
        }
        Some(c) => Err(format!(
            "« {c} » n'est pas un code de {nom} (par exemple 28 ou 2A)"
        )),
        None => Ok(None),
    }
}

impl RequeteListe {
    /// The filter it asks for; the message names the faulty parameter.
    pub fn filtre(&self) -> Result<Filtre, String> {
        let rempli = |v: &Option<String>| rempli(v).map(str::to_owned);
        let code = code_territoire;
        let entier = |nom: &str, v: &Option<String>, defaut: usize| match rempli(v) {
            Some(t) => t
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("« {t} » n'est pas un numéro de {nom} (1, 2, 3…)")),
            None => Ok(defaut),
        };
        let statut = match rempli(&self.statut) {
            Some(s) => Some(StatutContrat::parse(&s).map_err(|e| format!("statut : {e}"))?),
            None => None,
        };
        let defaut = Filtre::default();
        let par_page = entier("taille de page", &self.par_page, defaut.par_page)?;
        if par_page > Filtre::PAR_PAGE_MAX {
            return Err(format!(
                "une page contient au plus {} contrats (par_page={par_page})",
                Filtre::PAR_PAGE_MAX
            ));
        }
        Ok(Filtre {
            region: code("région", &self.region)?,
            departement: code("département", &self.departement)?,
            statut,
            texte: rempli(&self.texte),
            page: entier("page", &self.page, 1)?,
            par_page,
        })
    }
}

/// The query string asking for page `page` of the list under `filtre`.
pub fn requete_de(filtre: &Filtre, page: usize) -> String {
    let mut parametres = vec![format!("page={page}")];
    for (nom, valeur) in [
        ("region", filtre.region.as_deref()),
        ("departement", filtre.departement.as_deref()),
        ("statut", filtre.statut.map(|s| s.code())),
        ("texte", filtre.texte.as_deref()),
    ] {
        if let Some(v) = valeur {
            parametres.push(format!("{nom}={}", encoder(v)));
        }
    }
    if filtre.par_page != Filtre::default().par_page {
        parametres.push(format!("par_page={}", filtre.par_page));
    }
    parametres.join("&")
}

/// `texte` as a query-string value.
pub fn encoder(texte: &str) -> String {
    texte
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::RequeteListe;

    #[test]
    fn les_filtres_se_lisent_ou_sont_refuses_en_francais() {
        let requete = RequeteListe {
            region: Some("28".into()),
            departement: Some("2a".into()),
            statut: Some("en-cours".into()),
            texte: Some("  caen ".into()),
            page: Some("2".into()),
            par_page: Some("10".into()),
        };
        let filtre = requete.filtre().unwrap();
        assert_eq!(filtre.departement.as_deref(), Some("2A"));
        assert_eq!(filtre.texte.as_deref(), Some("caen"));
        assert_eq!((filtre.page, filtre.par_page), (2, 10));
        for (requete, message) in [
            (
                RequeteListe {
                    page: Some("zéro".into()),
                    ..Default::default()
                },
                "numéro de page",
            ),
            (
                RequeteListe {
                    par_page: Some("100000".into()),
                    ..Default::default()
                },
                "au plus 500",
            ),
            (
                RequeteListe {
                    region: Some("Normandie".into()),
                    ..Default::default()
                },
                "code de région",
            ),
            (
                RequeteListe {
                    statut: Some("fini".into()),
                    ..Default::default()
                },
                "statut",
            ),
        ] {
            let erreur = requete.filtre().unwrap_err();
            assert!(erreur.contains(message), "{erreur}");
        }
    }
}
