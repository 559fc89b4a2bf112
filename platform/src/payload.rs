//! A JSON request body whose errors name the field: the body is read with serde and
//! `serde_path_to_error`, so a wrong type or a missing field answers with its JSON path. The
//! OpenAPI schema still comes from the type's `Object` derive.

use poem::{Request, RequestBody};
use poem_openapi::payload::{ParsePayload, Payload};
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Request bodies larger than this are refused before parsing.
const MAX_BODY_BYTES: usize = 256 * 1024;

pub struct ApiJson<T>(pub T);

impl<T: Type + Send> Payload for ApiJson<T> {
    const CONTENT_TYPE: &'static str = "application/json";

    fn check_content_type(content_type: &str) -> bool {
        content_type.split(';').next().is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type + DeserializeOwned + Send> ParsePayload for ApiJson<T> {
    const IS_REQUIRED: bool = true;

    async fn from_request(_request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let bytes = body.take()?.into_bytes_limit(MAX_BODY_BYTES).await.map_err(|_| {
            poem::Error::from(ApiError::too_large(
                format!("a request body is at most {} KB", MAX_BODY_BYTES / 1024),
                None,
            ))
        })?;
        parse(&bytes).map(ApiJson).map_err(poem::Error::from)
    }
}

poem_openapi::impl_apirequest_for_payload!(ApiJson<T>, T: Type + DeserializeOwned + Send);

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    vitrine_core::json::from_slice(bytes).map_err(ApiError::from)
}

/// Responses are written with serde too, so absent optional values are left out rather than
/// sent as `null` (what the document's schema says).
impl<T: Type + serde::Serialize + Send> poem::IntoResponse for ApiJson<T> {
    fn into_response(self) -> poem::Response {
        poem::web::Json(self.0).into_response()
    }
}

impl<T: Type + serde::Serialize + Send> poem_openapi::ApiResponse for ApiJson<T> {
    fn meta() -> poem_openapi::registry::MetaResponses {
        poem_openapi::registry::MetaResponses {
            responses: vec![poem_openapi::registry::MetaResponse {
                description: "",
                status: Some(200),
                status_range: None,
                content: vec![poem_openapi::registry::MetaMediaType {
                    content_type: Self::CONTENT_TYPE,
                    schema: Self::schema_ref(),
                }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// A document as sent by a client: described by the document's schema, but read as plain
/// JSON so that validation can report every error rather than the first.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct RawDocument(pub serde_json::Value);

impl RawDocument {
    /// The typed document, or a 422 listing every violation under `field`.
    pub fn parse(self, field: &str) -> Result<vitrine_core::document::Document, ApiError> {
        vitrine_core::document::parse(self.0).map_err(|violations| ApiError::invalid_document(&violations, field))
    }
}

impl Type for RawDocument {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> std::borrow::Cow<'static, str> {
        <vitrine_core::document::Document as Type>::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        <vitrine_core::document::Document as Type>::schema_ref()
    }

    fn register(registry: &mut Registry) {
        <vitrine_core::document::Document as Type>::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Self> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
        Box::new(std::iter::once(self))
    }
}

impl poem_openapi::types::ParseFromJSON for RawDocument {
    fn parse_from_json(value: Option<serde_json::Value>) -> poem_openapi::types::ParseResult<Self> {
        Ok(RawDocument(value.unwrap_or_default()))
    }
}

impl poem_openapi::types::ToJSON for RawDocument {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(self.0.clone())
    }
}
