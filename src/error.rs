//! The error policy.
//!
//! Every failure a client can see is an [`AppError`]: what went wrong, with the code clients
//! match on (`AppError::code`) and, for bad input, every failing field.
//!
//! What each variant answers over HTTP (status, headers, the JSON shape) is decided in one
//! place on the HTTP side, `http::error`.
//!
//! Rules: the message of a 5xx never carries its cause (no SQL text, no driver message, no stack
//! trace); the cause is logged with `tracing` instead. Services return `AppError` directly, so the
//! API, the web pages and the CLI share one set of errors. Validation happens before any write,
//! and every write runs in one transaction, so a request that fails stores nothing.

use std::collections::BTreeMap;

use crate::domain::problem::Problem;
use crate::i18n::Lang;

/// Messages per input field, in field order.
pub type FieldErrors = BTreeMap<String, Vec<FieldMessage>>;

/// Why one field was refused: its English text (what the API and the command line answer), and
/// the domain's [`Problem`] when it is one, which the signer's pages show in their language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMessage {
    text: String,
    problem: Option<Problem>,
}

impl FieldMessage {
    /// The message in `lang` (English when it is not one of the domain's problems).
    pub fn in_lang(&self, lang: Lang) -> String {
        match &self.problem {
            Some(problem) => problem.in_lang(lang),
            None => self.text.clone(),
        }
    }
}

/// The messages of `field` in `lang`, joined ("" when it has none): what a form shows under it.
pub fn messages_in(errors: &FieldErrors, field: &str, lang: Lang) -> String {
    let texts: Vec<String> = (errors.get(field).into_iter().flatten())
        .map(|m| m.in_lang(lang))
        .collect();
    texts.join("; ")
}

impl std::borrow::Borrow<str> for FieldMessage {
    fn borrow(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for FieldMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for FieldMessage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl From<Problem> for FieldMessage {
    fn from(problem: Problem) -> FieldMessage {
        FieldMessage {
            text: problem.to_string(),
            problem: Some(problem),
        }
    }
}

impl From<String> for FieldMessage {
    fn from(text: String) -> FieldMessage {
        FieldMessage {
            text,
            problem: None,
        }
    }
}

impl From<&str> for FieldMessage {
    fn from(text: &str) -> FieldMessage {
        FieldMessage::from(text.to_string())
    }
}

impl From<&String> for FieldMessage {
    fn from(text: &String) -> FieldMessage {
        FieldMessage::from(text.clone())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("a valid bearer token is required")]
    Unauthorized,
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Gone(String),
    #[error("too many requests; try again later")]
    TooManyRequests,
    #[error("the request body did not arrive within {ms} ms")]
    RequestTimeout { ms: u64 },
    /// Over a limit that a service counts (e.g. updates per letter per day): its message says
    /// which, and `Retry-After` when the next request may succeed.
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after_secs: u64,
    },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("expected a JSON body (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("the input is not valid")]
    Validation(FieldErrors),
    #[error("the service is temporarily unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("an unexpected error occurred")]
    Unexpected(#[from] anyhow::Error),
}

impl AppError {
    pub fn not_found(what: impl Into<String>) -> AppError {
        AppError::NotFound(what.into())
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A validation error on one field.
    pub fn field(field: &str, message: impl Into<FieldMessage>) -> AppError {
        let mut fields = FieldErrors::new();
        fields.insert(field.to_string(), vec![message.into()]);
        AppError::Validation(fields)
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::NotFound(_) => "not_found",
            AppError::Forbidden(_) => "forbidden",
            AppError::Gone(_) => "gone",
            AppError::RequestTimeout { .. } => "request_timeout",
            AppError::TooManyRequests | AppError::RateLimited { .. } => "too_many_requests",
            AppError::Conflict { code, .. } => code,
            AppError::PayloadTooLarge { .. } => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Validation(_) => "validation_failed",
            AppError::Unavailable(_) => "unavailable",
            AppError::Unexpected(_) => "internal_error",
        }
    }
}

impl AppError {
    /// Log the cause of a 5xx (it never goes into a response).
    pub fn log(&self) {
        match self {
            AppError::Unexpected(cause) => tracing::error!(error = ?cause, "unexpected error"),
            AppError::Unavailable(cause) => tracing::warn!(error = %cause, "service unavailable"),
            _ => {}
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::not_found("record"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::conflict("conflict", "a record with these values already exists")
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                AppError::Unavailable(anyhow::anyhow!(e))
            }
            other => AppError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(anyhow::Error::new(e))
    }
}

/// Collects per-field messages while parsing a request, then fails once with all of them.
#[derive(Debug, Default)]
pub struct FieldCollector(FieldErrors);

impl FieldCollector {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<FieldMessage>) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }

    /// Parse a required field: a message when it is missing or fails `parse`.
    pub fn required<T, E: Into<FieldMessage>>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        if value.is_none() {
            self.add(field, Problem::Required);
        }
        self.given(field, value, parse)
    }

    /// Parse the one required field of a request: its value, or the request's error naming it.
    pub fn only<T, E: Into<FieldMessage>>(
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, AppError> {
        let mut errors = FieldCollector::new();
        let parsed = errors.required(field, value, parse);
        errors.finish()?;
        parsed.ok_or_else(|| AppError::field(field, "is required"))
    }

    /// Parse a field whose presence the validator crate already checked: absent is `None`
    /// (no message), present (even blank) must parse.
    pub fn given<T, E: Into<FieldMessage>>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        value.and_then(|v| self.check(field, parse(v)))
    }

    /// Parse an optional field: absent or blank is `None`, otherwise it must parse.
    pub fn optional<T, E: Into<FieldMessage>>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        self.given(field, value.filter(|v| !v.trim().is_empty()), parse)
    }

    pub fn check<T>(
        &mut self,
        field: &str,
        result: Result<T, impl Into<FieldMessage>>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    /// A collector that starts with the messages of the validator crate's checks of `input`.
    pub fn validated(input: &impl validator::Validate) -> Self {
        let mut collector = Self::new();
        if let Err(errors) = input.validate() {
            for (field, errs) in errors.field_errors() {
                for e in errs {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| e.code.to_string());
                    collector.add(&field, message);
                }
            }
        }
        collector
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Err(Validation)` if anything failed.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}
