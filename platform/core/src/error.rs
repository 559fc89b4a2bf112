//! The one error type of the domain. The platform maps it to HTTP in one place
//! (`platform/src/error.rs`); jobs and binaries wrap it in `anyhow` with context.

use std::time::Duration;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that parsed but breaks a rule: `field` is the JSON path of the offending value.
    #[error("{message}")]
    Invalid { field: String, code: &'static str, message: String },
    /// No valid session, or credentials that do not match.
    #[error("{message}")]
    Unauthenticated { code: &'static str, message: String, field: Option<String> },
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// Absent, or present in another tenant: both answer the same so nothing leaks.
    #[error("not found")]
    NotFound,
    /// A document that breaks the schema: every violation, each at its path.
    #[error("the document is invalid ({} errors)", .0.len())]
    InvalidDocument(Vec<crate::document::Violation>),
    /// A save based on a revision that is no longer the latest; nothing was written.
    #[error("the document was changed elsewhere; the latest revision is {current}")]
    StaleRevision { current: i64 },
    /// Existed, but is gone for good (an expired export).
    #[error("{message}")]
    Gone { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String, field: Option<String> },
    #[error("too many attempts; retry in {} s", retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    /// A daily allowance (AI requests) is used up.
    #[error("{message}")]
    QuotaExceeded { message: String, retry_after: Duration },
    /// A service this needs is not set up or not answering (the AI provider).
    #[error("{message}")]
    Unavailable { code: &'static str, message: String },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn invalid(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid { field: field.into(), code, message: message.into() }
    }

    pub fn conflict(code: &'static str, field: Option<&str>, message: impl Into<String>) -> Self {
        Error::Conflict { code, message: message.into(), field: field.map(str::to_owned) }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Error::Forbidden { code, message: message.into() }
    }

    pub fn unauthenticated() -> Self {
        Error::Unauthenticated { code: "unauthenticated", message: "sign in to continue".into(), field: None }
    }

    /// Prefixes the field of an `Invalid` error, so a value parsed deep inside a request
    /// reports its full JSON path.
    pub fn at(self, parent: &str) -> Self {
        match self {
            Error::Invalid { field, code, message } => {
                Error::Invalid { field: format!("{parent}.{field}"), code, message }
            }
            other => other,
        }
    }
}

/// Turns a unique-key violation into a conflict on the field the constraint guards, and leaves
/// every other database error as it is.
pub fn on_unique_violation(
    error: sqlx::Error,
    constraint: &str,
    code: &'static str,
    field: &str,
    message: &str,
) -> Error {
    match &error {
        sqlx::Error::Database(db) if db.constraint() == Some(constraint) => Error::conflict(code, Some(field), message),
        _ => Error::Database(error),
    }
}
