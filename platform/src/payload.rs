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
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    if parsed.is_ok()
        && let Err(error) = deserializer.end()
    {
        return Err(ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {error}"), None));
    }
    parsed.map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {inner}"), None);
        }
        let message = inner.to_string();
        let join = |name: &str| if path == "." || path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
        if let Some(missing) = between(&message, "missing field `", "`") {
            ApiError::unprocessable("missing_field", format!("`{missing}` is required"), Some(join(missing)))
        } else if let Some(unknown) = between(&message, "unknown field `", "`") {
            // The path already ends at the unknown key.
            ApiError::unprocessable("unknown_field", format!("`{unknown}` is not a field of this request"), Some(path))
        } else {
            let field = if path == "." { None } else { Some(path) };
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            ApiError::unprocessable("invalid_type", message, field)
        }
    })
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only parsed")]
    struct Body {
        email: String,
        count: u32,
    }

    fn detail(result: Result<Body, ApiError>) -> (String, Option<String>) {
        match result {
            Err(ApiError::BadRequest(body) | ApiError::Unprocessable(body)) => (body.0.error.code, body.0.error.field),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(detail(parse(b"{\"email\": ")), ("malformed_json".into(), None));
        assert_eq!(detail(parse(b"{\"count\": 1}")), ("missing_field".into(), Some("email".into())));
        assert_eq!(detail(parse(b"{\"email\": 5, \"count\": 1}")), ("invalid_type".into(), Some("email".into())));
        assert_eq!(
            detail(parse(b"{\"email\": \"a\", \"count\": 1, \"x\": 1}")),
            ("unknown_field".into(), Some("x".into()))
        );
        assert_eq!(detail(parse(b"[]")), ("invalid_type".into(), None));
    }
}
