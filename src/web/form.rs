//! Dashboard forms parsed by the same types as the JSON API: the fields of a urlencoded form,
//! less its CSRF token and submit button, become a JSON object and are deserialised into the
//! API's request type, so a form and a JSON body are checked by one set of rules and answer with
//! the same per-field messages.

use actix_web::http::StatusCode;
use actix_web::HttpRequest;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::csrf;
use super::session::FormErrors;
use crate::domain::Permission;
use crate::error::AppError;
use crate::http::Acting;
use crate::service::access::Subject;

/// A checked form post.
pub struct Posted<T> {
    /// The value of the submit button pressed (`action`), if it had one.
    pub action: Option<String>,
    pub data: T,
}

/// Check the CSRF token, then parse the rest of the form into `T`. A field named `x[]`, or one
/// that repeats, becomes an array (checkboxes); blank optional fields stay blank strings, which
/// the API's parsers treat as absent.
pub fn parse<T: DeserializeOwned>(
    req: &HttpRequest,
    pairs: Vec<(String, String)>,
) -> Result<Posted<T>, AppError> {
    let (csrf_token, action, object) = split(pairs);
    csrf::verify(req, &csrf_token)?;
    let data = deserialize(object)?;
    Ok(Posted { action, data })
}

/// [`parse`] for a change to one letter, campaign or coalition: the CSRF token, then `actor`'s
/// `permission` on `subject` ([`access::check`], as the API's `GuardedJson` does), and only then
/// the fields. So an outsider's post is refused (404 for a private draft or campaign, 403
/// otherwise) whatever it holds, and a field error never tells them that the thing exists.
pub async fn parse_checked<T: DeserializeOwned>(
    req: &HttpRequest,
    caller: &Acting,
    subject: Subject,
    permission: Permission,
    pairs: Vec<(String, String)>,
) -> Result<Posted<T>, AppError> {
    let (csrf_token, action, object) = split(pairs);
    csrf::verify(req, &csrf_token)?;
    caller.check(subject, permission).await?;
    let data = deserialize(object)?;
    Ok(Posted { action, data })
}

/// Check the CSRF token of a form read field by field (fields named per item, such as
/// `email.{id}`); returns its other fields as they came.
pub fn checked_pairs(
    req: &HttpRequest,
    pairs: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, AppError> {
    let (token, fields): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == csrf::FIELD);
    let token = token.into_iter().next().map(|(_, v)| v).unwrap_or_default();
    csrf::verify(req, &token)?;
    Ok(fields)
}

/// [`parse`] without the CSRF check (the token field is dropped unread): the same decoding, for
/// the fuzz target `fuzz/fuzz_targets/form_decode.rs`, which has no request. Handlers use
/// [`parse`].
pub fn decode_unverified<T: DeserializeOwned>(
    pairs: Vec<(String, String)>,
) -> Result<Posted<T>, AppError> {
    let (_, action, object) = split(pairs);
    let data = deserialize(object)?;
    Ok(Posted { action, data })
}

/// The CSRF token, the submit button's value, and the other fields as a JSON object.
fn split(pairs: Vec<(String, String)>) -> (String, Option<String>, Map<String, Value>) {
    let mut csrf_token = String::new();
    let mut action = None;
    let mut object = Map::new();
    for (key, value) in pairs {
        match key.as_str() {
            csrf::FIELD => csrf_token = value,
            "action" => action = Some(value),
            _ => {
                let (key, many) = match key.strip_suffix("[]") {
                    Some(k) => (k.to_string(), true),
                    None => (key, false),
                };
                match object.get_mut(&key) {
                    Some(Value::Array(items)) => items.push(Value::String(value)),
                    Some(single) => {
                        let first = single.take();
                        *single = Value::Array(vec![first, Value::String(value)]);
                    }
                    None if many => {
                        object.insert(key, Value::Array(vec![Value::String(value)]));
                    }
                    None => {
                        object.insert(key, Value::String(value));
                    }
                }
            }
        }
    }
    (csrf_token, action, object)
}

fn deserialize<T: DeserializeOwned>(object: Map<String, Value>) -> Result<T, AppError> {
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|e| {
        let field = e.path().to_string();
        AppError::field(&field, e.into_inner().to_string())
    })
}

/// A `datetime-local` input's value (`2026-12-31T23:59`) as RFC 3339 in UTC, which the API's
/// time parser reads; other values pass through unchanged.
pub fn local_time_as_utc(value: &str) -> String {
    let v = value.trim();
    if v.len() == 16 && v.as_bytes().get(10) == Some(&b'T') {
        format!("{v}:00Z")
    } else {
        v.to_string()
    }
}

/// A form post's fields as posted, in order (a field may repeat: checkboxes).
pub type Pairs = actix_web::web::Form<Vec<(String, String)>>;

/// What the page says after a form post that shows the same page again: the notice `done` when
/// the write worked, or the error to show beside the form.
pub fn outcome<T>(result: Result<T, AppError>, done: String) -> (Option<String>, Option<AppError>) {
    outcome_with(result, |_| done)
}

/// [`outcome`] with a notice made from the write's result.
pub fn outcome_with<T, M>(
    result: Result<T, AppError>,
    done: impl FnOnce(T) -> M,
) -> (Option<M>, Option<AppError>) {
    match result {
        Ok(value) => (Some(done(value)), None),
        Err(e) => (None, Some(e)),
    }
}

/// A failed post to show again on its form, with the error's status: the fields' messages, or
/// the message of an error about no one field that `above` accepts (a conflict, a rate limit),
/// shown above the form. `None`: the error is for the error page.
pub fn shown_on_form(
    e: &AppError,
    above: fn(&AppError) -> bool,
) -> Option<(StatusCode, FormErrors, Option<String>)> {
    let status = actix_web::ResponseError::status_code(e);
    match FormErrors::from_error(e) {
        Some(errors) => Some((status, errors, None)),
        None if above(e) => Some((status, FormErrors::default(), Some(e.to_string()))),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_into_the_api_types_without_their_csrf_token() {
        let pairs = vec![
            ("csrf_token".to_string(), "t".to_string()),
            ("action".to_string(), "save".to_string()),
            ("tags[]".to_string(), "a".to_string()),
            ("name".to_string(), "Acme".to_string()),
        ];
        let posted: Posted<Value> = decode_unverified(pairs).unwrap();
        assert_eq!(posted.action.as_deref(), Some("save"));
        assert_eq!(
            posted.data,
            serde_json::json!({"tags": ["a"], "name": "Acme"})
        );
    }

    #[test]
    fn no_handler_skips_the_csrf_check() {
        // decode_unverified exists for the fuzz target only: every dashboard form goes through
        // parse, which checks the CSRF token first.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("web/form.rs")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(!text.contains("decode_unverified"), "{}", path.display());
            }
        }
    }
}
