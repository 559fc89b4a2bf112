//! Where errors become HTTP: the one error body, the statuses, and the same body for errors
//! raised by the framework itself (unparsable parameters, unknown routes).

use poem::http::StatusCode;
use poem::{IntoResponse, Response};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
use vitrine_core::Error;

#[derive(Debug, Clone, Default, Object, serde::Serialize, serde::Deserialize)]
pub struct ErrorDetail {
    /// Stable, machine-readable reason, e.g. `email_taken`
    pub code: String,
    /// A sentence for people
    pub message: String,
    /// JSON path of the offending input, when one field is at fault
    pub field: Option<String>,
    /// Every problem found, when the input breaks several rules (an invalid document)
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<Problem>>,
    /// The latest revision, when a save was based on an older one
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_revision: Option<i64>,
}

/// One broken rule of a document, at its JSON path.
#[derive(Debug, Clone, Object, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Object, serde::Serialize, serde::Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// The request could not be read
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Sign in first, or the credentials are wrong
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// Not allowed
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// No such resource (or not yours)
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// Clashes with the current state
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// It existed, but is gone for good
    #[oai(status = 410)]
    Gone(Json<ErrorBody>),
    /// The request body or upload is too large
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// A value breaks a rule
    #[oai(status = 422)]
    Unprocessable(Json<ErrorBody>),
    /// Too many attempts
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
    /// Something failed on our side
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// A service this needs is not set up or not answering
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
}

pub type ApiResult<T> = Result<T, ApiError>;

fn body(code: &str, message: impl Into<String>, field: Option<String>) -> Json<ErrorBody> {
    Json(ErrorBody {
        error: ErrorDetail { code: code.to_owned(), message: message.into(), field, ..Default::default() },
    })
}

impl ApiError {
    pub fn bad_request(code: &str, message: impl Into<String>, field: Option<String>) -> Self {
        ApiError::BadRequest(body(code, message, field))
    }

    pub fn too_large(message: impl Into<String>, field: Option<String>) -> Self {
        ApiError::PayloadTooLarge(body("payload_too_large", message, field))
    }

    pub fn unprocessable(code: &str, message: impl Into<String>, field: Option<String>) -> Self {
        ApiError::Unprocessable(body(code, message, field))
    }

    /// A 422 listing every violation; `under` prefixes their paths (`document`).
    pub fn invalid_document(violations: &[vitrine_core::document::Violation], under: &str) -> Self {
        let problems: Vec<Problem> = violations
            .iter()
            .map(|violation| Problem {
                field: vitrine_core::json::join(under, &violation.path),
                code: violation.code.to_owned(),
                message: violation.message.clone(),
            })
            .collect();
        let count = problems.len();
        ApiError::Unprocessable(Json(ErrorBody {
            error: ErrorDetail {
                code: "invalid_document".into(),
                message: if count == 1 {
                    format!("the document breaks a rule: {}", problems[0].message)
                } else {
                    format!("the document breaks {count} rules; see `errors`")
                },
                field: problems.first().map(|problem| problem.field.clone()),
                errors: Some(problems),
                current_revision: None,
            },
        }))
    }

    pub fn not_found() -> Self {
        ApiError::NotFound(body("not_found", "not found", None))
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        match error {
            Error::Invalid { field, code, message } => ApiError::Unprocessable(body(code, message, Some(field))),
            Error::Unauthenticated { code, message, field } => ApiError::Unauthorized(body(code, message, field)),
            Error::Forbidden { code, message } => ApiError::Forbidden(body(code, message, None)),
            Error::NotFound => ApiError::not_found(),
            Error::Conflict { code, message, field } => ApiError::Conflict(body(code, message, field)),
            Error::Gone { code, message } => ApiError::Gone(body(code, message, None)),
            Error::InvalidDocument(violations) => ApiError::invalid_document(&violations, ""),
            Error::StaleRevision { current } => ApiError::Conflict(Json(ErrorBody {
                error: ErrorDetail {
                    code: "stale_revision".into(),
                    message: format!("the document was changed elsewhere; the latest revision is {current}"),
                    field: None,
                    errors: None,
                    current_revision: Some(current),
                },
            })),
            Error::RateLimited { retry_after } => ApiError::TooManyRequests(
                body("rate_limited", format!("too many attempts; retry in {} s", retry_after.as_secs()), None),
                retry_after.as_secs(),
            ),
            Error::QuotaExceeded { message, retry_after } => {
                ApiError::TooManyRequests(body("quota_exceeded", message, None), retry_after.as_secs())
            }
            Error::Unavailable { code, message } => ApiError::Unavailable(body(code, message, None)),
            Error::Database(error) => internal(&error),
            Error::Internal(error) => internal(&*error),
        }
    }
}

/// Unexpected failures are logged with their cause and answered without it.
fn internal(error: &dyn std::fmt::Display) -> ApiError {
    tracing::error!(error = %error, "request failed");
    ApiError::Internal(body("internal", "something went wrong on our side; try again", None))
}

/// Gives errors raised outside our handlers (bad path parameters, wrong content type, unknown
/// routes, methods) the one error body.
pub async fn framework_error_to_body(error: poem::Error) -> Response {
    if error.is_from_response() {
        return error.into_response();
    }
    // A malformed id in a path names no resource: the same 404 as an id that does not exist.
    let status = if error.is::<poem_openapi::error::ParsePathError>() { StatusCode::NOT_FOUND } else { error.status() };
    let (status, code, field) = if let Some(parameter) = error.downcast_ref::<poem_openapi::error::ParseParamError>() {
        (StatusCode::BAD_REQUEST, "invalid_parameter", Some(parameter.name.to_owned()))
    } else if let Some(form) = error.downcast_ref::<poem_openapi::error::ParseMultipartError>() {
        // A form's field missing or unreadable, like a JSON body's. poem-openapi names the field
        // between backticks: "field `file` is required".
        let code = if form.reason.ends_with("is required") {
            "missing_field"
        } else if form.reason.starts_with("unknown field") {
            "unknown_field"
        } else {
            "invalid_value"
        };
        (StatusCode::UNPROCESSABLE_ENTITY, code, form.reason.split('`').nth(1).map(str::to_owned))
    } else {
        let code = match status {
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            status if status.is_server_error() => "internal",
            _ => "bad_request",
        };
        (status, code, None)
    };
    let message = if status.is_server_error() {
        tracing::error!(error = %error, "request failed");
        "something went wrong on our side; try again".to_owned()
    } else {
        error.to_string()
    };
    poem::web::Json(ErrorBody { error: ErrorDetail { code: code.to_owned(), message, field, ..Default::default() } })
        .with_status(status)
        .into_response()
}

impl From<vitrine_core::json::JsonError> for ApiError {
    fn from(error: vitrine_core::json::JsonError) -> Self {
        let field = (!error.path.is_empty()).then_some(error.path);
        if error.code == "malformed_json" {
            ApiError::BadRequest(body(error.code, error.message, None))
        } else {
            ApiError::Unprocessable(body(error.code, error.message, field))
        }
    }
}
