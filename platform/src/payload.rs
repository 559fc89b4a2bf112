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
            poem::Error::from(ApiError::bad_request("payload_too_large", "the request body is too large", None))
        })?;
        parse(&bytes).map(ApiJson).map_err(poem::Error::from)
    }
}

poem_openapi::impl_apirequest_for_payload!(ApiJson<T>, T: Type + DeserializeOwned + Send);

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    vitrine_core::json::from_slice(bytes).map_err(ApiError::from)
}
