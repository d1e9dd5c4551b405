//! The API's description: the OpenAPI 3.1 document generated from the handlers' annotations
//! and the domain's types (`GET /api/v1/openapi.json`), and the same read as a page (`GET
//! /api`), drawn from that document so that the two never disagree.

use std::sync::LazyLock;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use pilote_store::export::schema::{LICENCE, LICENCE_URL};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{LicenseBuilder, RefOr, Required};
use utoipa::{Modify, OpenApi};

use crate::AppState;
use crate::noyau::erreur::AppError;
use crate::noyau::page::Entete;
use crate::noyau::visiteur::Visiteur;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "API de Pilote",
        version = "1.0.0",
        description = "Les contrats locaux de santé tenus dans Pilote, en JSON : les mêmes faits \
                       que les pages, lus avec les mêmes droits. Sans session, l'API répond ce \
                       que le public lit (les contrats publiés, leur projection publique) ; avec \
                       la session d'une personne connectée, ce que son rôle lui ouvre. Les \
                       refus sont en français, dans `{\"erreur\": \"…\"}`.",
    ),
    paths(super::liste, super::detail),
    tags((name = "contrats", description = "Les contrats locaux de santé, leurs axes, \
                                            fiches-actions, instances et évaluations.")),
    modifiers(&Reglages),
)]
struct DocumentApi;

/// What the annotations cannot say with literals: the data's licence, and the session
/// cookie that opens more than the public projection.
struct Reglages;

impl Modify for Reglages {
    fn modify(&self, document: &mut utoipa::openapi::OpenApi) {
        document.info.license = Some(
            LicenseBuilder::new()
                .name(LICENCE)
                .url(Some(LICENCE_URL))
                .build(),
        );
        if let Some(composants) = document.components.as_mut() {
            composants.add_security_scheme(
                "session",
                SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                    "pilote_session",
                    "La session d'une personne connectée (`__Host-pilote_session` quand le site \
                     est servi en HTTPS).",
                ))),
            );
        }
    }
}

/// The document, generated once.
static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(DocumentApi::openapi);

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Response {
    /// The document as JSON, written once (the unit tests write it too: it cannot fail on
    /// what the annotations produce).
    static JSON: LazyLock<String> = LazyLock::new(|| {
        DOCUMENT
            .to_pretty_json()
            .expect("le document OpenAPI s'écrit en JSON")
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        JSON.as_str(),
    )
        .into_response()
}

/// A piece of a type as the page writes it: words, or the name of a schema it links to.
enum Morceau {
    Texte(String),
    Lien(String),
}

/// How a value is written, in pieces (« liste de » [Axe]).
fn genre(schema: &RefOr<Schema>) -> Vec<Morceau> {
    let schema = match schema {
        RefOr::Ref(r) => {
            let nom = r.ref_location.rsplit('/').next().unwrap_or_default();
            return vec![Morceau::Lien(nom.to_owned())];
        }
        RefOr::T(s) => s,
    };
    match schema {
        Schema::Object(o) => vec![Morceau::Texte(genre_simple(&o.schema_type))],
        Schema::Array(a) => {
            let mut morceaux = vec![Morceau::Texte("liste de ".into())];
            if let ArrayItems::RefOrSchema(items) = &a.items {
                morceaux.extend(genre(items));
            }
            morceaux
        }
        Schema::OneOf(un) => alternatives(&un.items, " ou "),
        Schema::AnyOf(un) => alternatives(&un.items, " ou "),
        Schema::AllOf(tous) => alternatives(&tous.items, " et "),
        _ => vec![Morceau::Texte("valeur".into())],
    }
}

/// Several types joined by `lien`; « null » last, as « ou rien ».
fn alternatives(items: &[RefOr<Schema>], lien: &str) -> Vec<Morceau> {
    let mut morceaux = Vec::new();
    let mut nul = false;
    for item in items {
        if matches!(item, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null))
        {
            nul = true;
            continue;
        }
        if !morceaux.is_empty() {
            morceaux.push(Morceau::Texte(lien.into()));
        }
        morceaux.extend(genre(item));
    }
    if nul {
        morceaux.push(Morceau::Texte(" ou null".into()));
    }
    morceaux
}

/// A JSON type's name in French, « ou null » when it may be absent.
fn genre_simple(schema_type: &SchemaType) -> String {
    let nom = |t: &Type| match t {
        Type::String => "texte",
        Type::Integer => "entier",
        Type::Number => "nombre",
        Type::Boolean => "booléen",
        Type::Array => "liste",
        Type::Object => "objet",
        Type::Null => "null",
    };
    match schema_type {
        SchemaType::Type(t) => nom(t).to_owned(),
        SchemaType::Array(types) => types.iter().map(nom).collect::<Vec<_>>().join(" ou "),
        SchemaType::AnyValue => "toute valeur".to_owned(),
    }
}

struct Parametre {
    nom: String,
    ou: &'static str,
    genre: Vec<Morceau>,
    requis: bool,
    description: String,
}

struct Reponse {
    statut: String,
    description: String,
    genre: Option<Vec<Morceau>>,
    entetes: Vec<(String, String)>,
}

/// One route of the API.
struct PointDAcces {
    methode: &'static str,
    chemin: String,
    resume: String,
    description: String,
    parametres: Vec<Parametre>,
    reponses: Vec<Reponse>,
}

struct Propriete {
    nom: String,
    genre: Vec<Morceau>,
    requise: bool,
    description: String,
}

/// A schema of the document, as the page lists it.
struct SchemaLu {
    nom: String,
    description: String,
    /// The schemas whose properties it takes too (a flattened part).
    reprend: Vec<String>,
    proprietes: Vec<Propriete>,
    /// For a value written as text: its form, its codes, an example.
    genre: Option<String>,
    motif: Option<String>,
    codes: Vec<String>,
    exemple: Option<String>,
}

fn point_d_acces(methode: &'static str, chemin: &str, operation: &Operation) -> PointDAcces {
    let parametres = operation
        .parameters
        .iter()
        .flatten()
        .map(|p| Parametre {
            nom: p.name.clone(),
            ou: match p.parameter_in {
                ParameterIn::Path => "chemin",
                ParameterIn::Query => "requête",
                ParameterIn::Header => "en-tête",
                ParameterIn::Cookie => "cookie",
            },
            genre: p.schema.as_ref().map(genre).unwrap_or_default(),
            requis: p.required == Required::True,
            description: en_html(p.description.as_deref().unwrap_or_default()),
        })
        .collect();
    let reponses = operation
        .responses
        .responses
        .iter()
        .filter_map(|(statut, reponse)| match reponse {
            RefOr::T(r) => Some(Reponse {
                statut: statut.clone(),
                description: en_html(&r.description),
                genre: r
                    .content
                    .values()
                    .find_map(|c| c.schema.as_ref())
                    .map(genre),
                entetes: r
                    .headers
                    .iter()
                    .map(|(nom, h)| {
                        (
                            nom.clone(),
                            en_html(h.description.as_deref().unwrap_or_default()),
                        )
                    })
                    .collect(),
            }),
            RefOr::Ref(_) => None,
        })
        .collect();
    PointDAcces {
        methode,
        chemin: chemin.to_owned(),
        resume: operation.summary.clone().unwrap_or_default(),
        description: en_html(operation.description.as_deref().unwrap_or_default()),
        parametres,
        reponses,
    }
}

/// The properties of an object schema, in order.
fn proprietes(objet: &utoipa::openapi::schema::Object) -> impl Iterator<Item = Propriete> + '_ {
    objet.properties.iter().map(|(nom, schema)| Propriete {
        nom: nom.clone(),
        genre: genre(schema),
        requise: objet.required.contains(nom),
        description: match schema {
            RefOr::T(Schema::Object(o)) => o.description.clone(),
            RefOr::T(Schema::Array(a)) => a.description.clone(),
            RefOr::T(Schema::OneOf(u)) => u.description.clone(),
            _ => None,
        }
        .as_deref()
        .map(en_html)
        .unwrap_or_default(),
    })
}

fn schema_lu(nom: &str, schema: &RefOr<Schema>) -> SchemaLu {
    let mut lu = SchemaLu {
        nom: nom.to_owned(),
        description: String::new(),
        reprend: Vec::new(),
        proprietes: Vec::new(),
        genre: None,
        motif: None,
        codes: Vec::new(),
        exemple: None,
    };
    match schema {
        RefOr::T(Schema::Object(o)) => {
            lu.description = en_html(o.description.as_deref().unwrap_or_default());
            if o.schema_type == SchemaType::Type(Type::Object) {
                lu.proprietes = proprietes(o).collect();
            } else {
                lu.genre = Some(genre_simple(&o.schema_type));
                lu.motif = o.pattern.clone();
                lu.codes = o
                    .enum_values
                    .iter()
                    .flatten()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect();
                lu.exemple = o
                    .examples
                    .first()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            }
        }
        RefOr::T(Schema::AllOf(tous)) => {
            lu.description = en_html(tous.description.as_deref().unwrap_or_default());
            for item in &tous.items {
                match item {
                    RefOr::Ref(r) => lu.reprend.push(
                        r.ref_location
                            .rsplit('/')
                            .next()
                            .unwrap_or_default()
                            .to_owned(),
                    ),
                    RefOr::T(Schema::Object(o)) => lu.proprietes.extend(proprietes(o)),
                    _ => {}
                }
            }
        }
        autre => lu.genre = Some(texte(&genre(autre))),
    }
    lu
}

/// A description as HTML: escaped, its `code` spans (and rustdoc's [`links`]) as `<code>`.
fn en_html(texte: &str) -> String {
    let mut html = String::with_capacity(texte.len());
    for (i, morceau) in texte
        .replace("[`", "`")
        .replace("`]", "`")
        .split('`')
        .enumerate()
    {
        let echappe = morceau
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        if i % 2 == 1 {
            html.push_str("<code>");
            html.push_str(&echappe);
            html.push_str("</code>");
        } else {
            html.push_str(&echappe);
        }
    }
    html
}

/// Pieces as plain words.
fn texte(morceaux: &[Morceau]) -> String {
    morceaux
        .iter()
        .map(|m| match m {
            Morceau::Texte(t) | Morceau::Lien(t) => t.as_str(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "api/documentation.html")]
struct Page {
    entete: Entete,
    titre: String,
    version: String,
    description: String,
    points: Vec<PointDAcces>,
    schemas: Vec<SchemaLu>,
}

/// `GET /api`: the document, read as a page.
pub async fn page(
    State(state): State<AppState>,
    visiteur: Visiteur,
) -> Result<Html<String>, AppError> {
    let document = &*DOCUMENT;
    let points = document
        .paths
        .paths
        .iter()
        .flat_map(|(chemin, item)| {
            [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("DELETE", &item.delete),
            ]
            .into_iter()
            .filter_map(move |(methode, operation)| {
                operation
                    .as_ref()
                    .map(|o| point_d_acces(methode, chemin, o))
            })
        })
        .collect();
    let schemas = document
        .components
        .iter()
        .flat_map(|c| &c.schemas)
        .map(|(nom, schema)| schema_lu(nom, schema))
        .collect();
    let page = Page {
        entete: visiteur.entete(&state),
        titre: document.info.title.clone(),
        version: document.info.version.clone(),
        description: en_html(document.info.description.as_deref().unwrap_or_default()),
        points,
        schemas,
    };
    Ok(Html(page.render()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route under `/api/v1` but the document itself is described, with its method.
    #[test]
    fn une_description_devient_du_html_echappe() {
        assert_eq!(
            en_html("l'en-tête `X-Total-Count` <b> & [`Contrat`]"),
            "l'en-tête <code>X-Total-Count</code> &lt;b&gt; &amp; <code>Contrat</code>"
        );
    }

    #[test]
    fn le_document_decrit_chaque_route_de_l_api() {
        let document = DocumentApi::openapi();
        for route in crate::routes() {
            if !route.chemin.starts_with("/api/v1/") || route.chemin == "/api/v1/openapi.json" {
                continue;
            }
            let item = document
                .paths
                .paths
                .get(route.chemin)
                .unwrap_or_else(|| panic!("{} absent du document OpenAPI", route.chemin));
            let operation = match route.methode.as_str() {
                "GET" => &item.get,
                "POST" => &item.post,
                "PUT" => &item.put,
                "DELETE" => &item.delete,
                autre => panic!("méthode {autre} non prévue"),
            };
            assert!(
                operation.is_some(),
                "{} {} non décrit",
                route.methode,
                route.chemin
            );
        }
    }

    /// Each schema a route names is in the document, with the contract's parts.
    #[test]
    fn les_schemas_cites_sont_tous_definis() {
        let json = serde_json::to_value(DocumentApi::openapi()).unwrap();
        let schemas = json["components"]["schemas"].as_object().unwrap();
        for attendu in [
            "ContratResume",
            "ContratComplet",
            "Contrat",
            "FicheAction",
            "StatutContrat",
            "CorpsErreur",
        ] {
            assert!(schemas.contains_key(attendu), "{attendu} manque");
        }
        let texte = json.to_string();
        for (i, _) in texte.match_indices("#/components/schemas/") {
            let nom: String = texte[i + 21..].chars().take_while(|c| *c != '"').collect();
            assert!(
                schemas.contains_key(&nom),
                "{nom} est cité sans être défini"
            );
        }
        assert_eq!(json["openapi"], "3.1.0");
    }
}
