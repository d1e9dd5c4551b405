//! What every page shares: the header with the site's name and who is signed in, and the
//! answers to a form (redirect after success, the page again with a message otherwise).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

/// How a form names a stored element: `note-8` (its kind and stable identifier, which the
/// store reads back with `pilote_store::contrat::designation`).
pub fn designation(genre: &str, id: &Option<i64>) -> String {
    format!("{genre}-{}", id.unwrap_or_default())
}

/// A page asked for after a save that went back to section `fait` (`?fait=section#section`):
/// htmx, which follows the redirect without its fragment, is told to show that section
/// (`HX-Reswap`), as a browser without script does from the fragment. Other answers pass as
/// they are.
pub async fn montrer_la_section(
    requete: axum::extract::Request,
    suite: axum::middleware::Next,
) -> axum::response::Response {
    let section = (requete.method() == axum::http::Method::GET)
        .then(|| requete.uri().query())
        .flatten()
        .and_then(|q| {
            q.split('&')
                .find_map(|paire| paire.strip_prefix("fait="))
                .filter(|s| {
                    !s.is_empty()
                        && s.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                })
                .map(str::to_owned)
        });
    let mut reponse = suite.run(requete).await;
    if let Some(section) = section
        && reponse.status() == axum::http::StatusCode::OK
        && let Ok(valeur) = format!("innerHTML show:#{section}:top").parse()
    {
        reponse.headers_mut().insert("hx-reswap", valeur);
    }
    reponse
}

/// Whether the page confirms a save that went back to section `section` (`?fait=section`).
pub fn confirme(fait: &Option<String>, section: impl AsRef<str>) -> bool {
    fait.as_deref() == Some(section.as_ref())
}

/// The page header.
#[derive(Debug, Clone)]
pub struct Entete {
    pub site: String,
    /// The address people reach Pilote at, for the canonical addresses of public pages.
    pub racine: String,
    /// Who is signed in; `None` for the public.
    pub personne: Option<String>,
    /// The CSRF token of the header's forms; `None` on error pages, which show no form.
    pub csrf: Option<String>,
    /// Whether the visitor has a portfolio of contracts (an ARS agent, an administrator).
    pub portefeuille: bool,
    /// Whether the visitor administers the platform (its reference data, its journal).
    pub administration: bool,
    /// Whether the visitor manages accounts (an administrator, an ARS agent, a coordinator).
    pub comptes: bool,
}

impl Entete {
    /// The header of an error page, which knows neither the site nor the visitor.
    pub fn erreur() -> Self {
        Self {
            site: "Pilote".to_owned(),
            racine: String::new(),
            personne: None,
            csrf: None,
            portefeuille: false,
            administration: false,
            comptes: false,
        }
    }
}

/// A local path to go to after a form, from what the request proposes (already decoded);
/// anything that could lead elsewhere gives the home page: `//hôte`, `https://…`, a backslash
/// (`/\hôte`), and any control character, which browsers drop from an address (`/\t/hôte` is
/// followed as `//hôte`) and which a `Location` header cannot always carry. Spaces and
/// non-ASCII characters are percent-encoded, so that the `Location` header is plain ASCII.
pub fn suite_locale(proposee: Option<&str>) -> String {
    match proposee {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control) =>
        {
            let mut suite = String::with_capacity(p.len());
            for c in p.chars() {
                if c.is_ascii() && c != ' ' {
                    suite.push(c);
                } else {
                    for octet in c.encode_utf8(&mut [0; 4]).bytes() {
                        suite.push_str(&format!("%{octet:02X}"));
                    }
                }
            }
            suite
        }
        _ => "/".to_owned(),
    }
}

/// A redirection (303) that also sets cookies.
pub fn rediriger(vers: &str, cookies: impl IntoIterator<Item = HeaderValue>) -> Response {
    let mut reponse = Redirect::to(vers).into_response();
    for c in cookies {
        reponse.headers_mut().append(header::SET_COOKIE, c);
    }
    reponse
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn la_suite_reste_sur_le_site() {
        assert_eq!(
            suite_locale(Some("/contrats/caen-2019")),
            "/contrats/caen-2019"
        );
        for ailleurs in [
            "//evil.example",
            "https://evil.example/",
            "/\\evil",
            "contrats",
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/\r\n/x",
            "/\u{0}/x",
        ] {
            assert_eq!(suite_locale(Some(ailleurs)), "/", "{ailleurs}");
        }
        assert_eq!(suite_locale(None), "/");
        assert_eq!(suite_locale(Some("/é t")), "/%C3%A9%20t");
    }
}
