//! Reading typed values out of rows: the `Any` driver hands back text and integers, which are
//! parsed here into domain types, a failure naming the column.

use std::str::FromStr;

use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;

pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String, StoreError> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

pub(crate) fn int(row: &AnyRow, col: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn opt_int(row: &AnyRow, col: &str) -> Result<Option<i64>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

pub(crate) fn opt_float(row: &AnyRow, col: &str) -> Result<Option<f64>, StoreError> {
    Ok(row.try_get::<Option<f64>, _>(col)?)
}

pub(crate) fn float(row: &AnyRow, col: &str) -> Result<f64, StoreError> {
    Ok(row.try_get::<f64, _>(col)?)
}

pub(crate) fn flag(row: &AnyRow, col: &str) -> Result<bool, StoreError> {
    Ok(int(row, col)? != 0)
}

/// Converts an integer column into a narrower type, naming the column on overflow.
pub(crate) fn narrow<T: TryFrom<i64>>(value: i64, col: &str) -> Result<T, StoreError> {
    T::try_from(value).map_err(|_| StoreError::Corrupt(format!("{col} = {value} hors limites")))
}

pub(crate) fn opt_narrow<T: TryFrom<i64>>(
    value: Option<i64>,
    col: &str,
) -> Result<Option<T>, StoreError> {
    value.map(|v| narrow(v, col)).transpose()
}

/// Parses a text column with the type's `FromStr` (domain codes, dates, periods…).
pub(crate) fn parse<T>(row: &AnyRow, col: &str) -> Result<T, StoreError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let raw = text(row, col)?;
    raw.parse()
        .map_err(|e| StoreError::Corrupt(format!("{col} « {raw} » : {e}")))
}

pub(crate) fn opt_parse<T>(row: &AnyRow, col: &str) -> Result<Option<T>, StoreError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    opt_text(row, col)?
        .map(|raw| {
            raw.parse()
                .map_err(|e| StoreError::Corrupt(format!("{col} « {raw} » : {e}")))
        })
        .transpose()
}

/// Reads a JSON column (lists of free text, role codes…).
pub(crate) fn json<T: DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T, StoreError> {
    let raw = text(row, col)?;
    serde_json::from_str(&raw).map_err(|e| StoreError::Corrupt(format!("{col} : {e}")))
}

/// Writes a value for a JSON column.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

/// A code of a reference list, read with `lire`.
pub(crate) fn code<T>(
    row: &AnyRow,
    col: &str,
    lire: fn(&str) -> Result<T, String>,
) -> Result<T, StoreError> {
    lire(&text(row, col)?).map_err(StoreError::Corrupt)
}

/// A code of a reference list, if any, read with `lire`.
pub(crate) fn opt_code<T>(
    row: &AnyRow,
    col: &str,
    lire: fn(&str) -> Result<T, String>,
) -> Result<Option<T>, StoreError> {
    opt_text(row, col)?
        .map(|c| lire(&c).map_err(StoreError::Corrupt))
        .transpose()
}
