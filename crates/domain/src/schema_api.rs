//! How the domain's values are described in the API's OpenAPI document: the structures derive
//! `utoipa::ToSchema`; the values written as text (codes, dates, amounts, reference lists)
//! are described here as the strings they are, with the form they take.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// A string value: what it is, an example, and its pattern when one says it exactly.
pub fn chaine(description: &str, exemple: &str, motif: Option<&str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .examples([exemple])
        .pattern(motif)
        .into()
}

/// A value of a reference list: one of its codes, each listed with its French label.
pub fn code_de_liste(quoi: &str, valeurs: &[(&str, &str)]) -> RefOr<Schema> {
    let libelles: Vec<String> = valeurs
        .iter()
        .map(|(code, libelle)| format!("`{code}` : {libelle}"))
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "Code de la liste « {quoi} ». {}.",
            libelles.join(" ; ")
        )))
        .enum_values(Some(valeurs.iter().map(|(code, _)| *code)))
        .into()
}

/// Declares that a type, written as a string, is described by `$schema` under its own name.
#[macro_export]
macro_rules! schema_de_chaine {
    ($type:ty, $schema:expr) => {
        impl ::utoipa::PartialSchema for $type {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                $schema
            }
        }
        impl ::utoipa::ToSchema for $type {}
    };
}
