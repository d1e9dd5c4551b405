//! Static assets (the vendored DSFR stylesheet and icons, htmx, Pilote's own CSS, the favicon),
//! embedded in the binary. Their addresses carry a digest of them all
//! (`/assets/{empreinte}/dsfr/dsfr.min.css`), so that a browser keeps them for a year without
//! asking again and a new version of Pilote is fetched at once; relative references inside the
//! stylesheets resolve under the same digest. Each is compressed once, on the first request
//! that asks for that encoding.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;
use axum::routing::get;
use rust_embed::Embed;
use sha2::{Digest, Sha256};

use crate::noyau::compression::{Codage, Compresse};
use crate::noyau::erreur::AppError;
use crate::noyau::extraction::Chemin;
use crate::noyau::route::{Politique, Routes, route};

#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

/// An embedded file, ready to serve.
struct Ressource {
    type_mime: &'static str,
    corps: Compresse,
}

/// Every embedded file by path, and the digest of them all.
struct Catalogue {
    ressources: HashMap<String, Ressource>,
    empreinte: String,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut chemins: Vec<String> = Assets::iter().map(|c| c.into_owned()).collect();
    chemins.sort();
    let mut empreinte = Sha256::new();
    let mut ressources = HashMap::new();
    for chemin in chemins {
        let Some(fichier) = Assets::get(&chemin) else {
            continue;
        };
        empreinte.update(chemin.as_bytes());
        empreinte.update(fichier.metadata.sha256_hash());
        let type_mime = type_mime(&chemin);
        let corps = Compresse::new(Bytes::from(fichier.data.into_owned()), type_mime);
        ressources.insert(chemin, Ressource { type_mime, corps });
    }
    let empreinte = empreinte.finalize()[..6]
        .iter()
        .map(|o| format!("{o:02x}"))
        .collect();
    Catalogue {
        ressources,
        empreinte,
    }
});

fn type_mime(chemin: &str) -> &'static str {
    match chemin.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("js") => "text/javascript; charset=utf-8",
        Some("ico") => "image/vnd.microsoft.icon",
        Some("md" | "txt") | None => "text/plain; charset=utf-8",
        _ if !chemin.contains('.') => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The digest in the assets' addresses, for the templates: `/assets/{{ empreinte }}/…`.
pub fn empreinte() -> &'static str {
    &CATALOGUE.empreinte
}

/// Serves `chemin`, to be kept as `duree` (a `Cache-Control` value) says.
fn servir_ressource(
    chemin: &str,
    duree: &'static str,
    requete: &HeaderMap,
) -> Result<Response, AppError> {
    let ressource = CATALOGUE
        .ressources
        .get(chemin)
        .ok_or_else(|| AppError::NotFound(format!("Aucune ressource « {chemin} ».")))?;
    let (corps, codage) = ressource.corps.en(Codage::negocier(requete));
    let mut reponse = Response::new(Body::from(corps));
    let entetes = reponse.headers_mut();
    entetes.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(ressource.type_mime),
    );
    entetes.insert(header::CACHE_CONTROL, HeaderValue::from_static(duree));
    entetes.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Some(codage) = codage {
        entetes.insert(header::CONTENT_ENCODING, codage);
    }
    Ok(reponse)
}

/// `GET /assets/{empreinte}/{*chemin}`: under the current digest an asset is kept a year;
/// under another (a page from an earlier version of Pilote) it is served but asked again.
pub async fn servir(
    Chemin((empreinte, chemin)): Chemin<(String, String)>,
    requete: HeaderMap,
) -> Result<Response, AppError> {
    let duree = if empreinte == self::empreinte() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    servir_ressource(&chemin, duree, &requete)
}

/// `GET /favicon.ico`, asked by browsers whatever the page says; its address has no digest,
/// so it is kept a day.
pub async fn favicon(requete: HeaderMap) -> Result<Response, AppError> {
    servir_ressource("favicon.ico", "public, max-age=86400", &requete)
}

/// The routes of the vendored assets, each with its policy.
pub(crate) fn routes() -> Routes {
    use Politique::*;
    vec![
        route(
            Method::GET,
            "/assets/{empreinte}/{*chemin}",
            Ouverte,
            get(servir),
        ),
        route(Method::GET, "/favicon.ico", Ouverte, get(favicon)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l_empreinte_couvre_chaque_ressource_et_leurs_types_sont_connus() {
        assert_eq!(empreinte().len(), 12);
        for chemin in [
            "dsfr/dsfr.min.css",
            "dsfr/icones.min.css",
            "pilote.css",
            "htmx/htmx.min.js",
            "favicon.ico",
            "favicon.svg",
        ] {
            let ressource = &CATALOGUE.ressources[chemin];
            assert_ne!(ressource.type_mime, "application/octet-stream", "{chemin}");
        }
    }

    /// The icon stylesheet keeps only the icons the templates use (scripts/vendor-dsfr.sh):
    /// an icon used without its rule would show as a filled square.
    #[test]
    fn chaque_icone_des_gabarits_a_sa_regle() {
        let icones = String::from_utf8(
            CATALOGUE.ressources["dsfr/icones.min.css"]
                .corps
                .brut()
                .to_vec(),
        )
        .unwrap();
        let mut dossiers = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates"
        ))];
        let mut vues = 0;
        while let Some(dossier) = dossiers.pop() {
            for entree in std::fs::read_dir(dossier).unwrap() {
                let chemin = entree.unwrap().path();
                if chemin.is_dir() {
                    dossiers.push(chemin);
                    continue;
                }
                let texte = std::fs::read_to_string(&chemin).unwrap();
                for (debut, _) in texte.match_indices("fr-icon-") {
                    let classe: String = texte[debut..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    vues += 1;
                    assert!(
                        icones.contains(&format!(".{classe}:before")),
                        "{} : l'icône {classe} n'a pas sa règle ; lancez scripts/vendor-dsfr.sh",
                        chemin.display()
                    );
                }
            }
        }
        assert!(vues > 0);
    }
}
