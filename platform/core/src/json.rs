//! Reading JSON with errors that name the offending value by its path, for request bodies and
//! for documents alike.

use serde::de::DeserializeOwned;

/// Why a JSON value could not be read as the type asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// `malformed_json`, `missing_field`, `unknown_field`, `invalid_type` or `invalid_value`
    pub code: &'static str,
    /// Path of the value at fault, `items[0].start`; empty for the whole value.
    pub path: String,
    pub message: String,
}

impl JsonError {
    /// The same error seen from a parent value: `style` + `colors.text` → `style.colors.text`.
    pub fn under(mut self, parent: &str) -> JsonError {
        self.path = join(parent, &self.path);
        self
    }
}

pub fn join(parent: &str, child: &str) -> String {
    match (parent.is_empty(), child.is_empty()) {
        (true, _) => child.to_owned(),
        (false, true) => parent.to_owned(),
        (false, false) if child.starts_with('[') => format!("{parent}{child}"),
        (false, false) => format!("{parent}.{child}"),
    }
}

/// Reads `bytes` as one JSON value of type `T`, with nothing after it.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    if let Some(path) = nul_character(bytes) {
        return Err(JsonError {
            code: "invalid_value",
            path,
            message: "text cannot contain the NUL character (\\u0000)".to_owned(),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = serde_path_to_error::deserialize(&mut deserializer);
    match parsed {
        Ok(value) => match deserializer.end() {
            Ok(()) => Ok(value),
            Err(error) => Err(malformed(&error)),
        },
        Err(error) => Err(describe(error)),
    }
}

/// Reads an already parsed value as `T`.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, JsonError> {
    serde_path_to_error::deserialize(value).map_err(describe)
}

/// The path of a text holding a NUL character, which PostgreSQL stores in no text or JSON
/// column: refused here, where its place can be named, rather than when it is written.
fn nul_character(bytes: &[u8]) -> Option<String> {
    // JSON can carry a NUL only escaped; most bodies are passed over without being read twice.
    if !bytes.windows(6).any(|window| window == b"\\u0000") {
        return None;
    }
    fn find(value: &serde_json::Value, path: &str) -> Option<String> {
        match value {
            serde_json::Value::String(text) => text.contains('\0').then(|| path.to_owned()),
            serde_json::Value::Array(values) => {
                values.iter().enumerate().find_map(|(index, value)| find(value, &format!("{path}[{index}]")))
            }
            serde_json::Value::Object(fields) => fields.iter().find_map(|(key, value)| {
                let here = join(path, key);
                if key.contains('\0') { Some(here) } else { find(value, &here) }
            }),
            _ => None,
        }
    }
    find(&serde_json::from_slice(bytes).ok()?, "")
}

fn malformed(error: &serde_json::Error) -> JsonError {
    JsonError { code: "malformed_json", path: String::new(), message: format!("the body is not valid JSON: {error}") }
}

fn describe(error: serde_path_to_error::Error<serde_json::Error>) -> JsonError {
    let path = error.path().to_string();
    let path = if path == "." { String::new() } else { path };
    let inner = error.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return malformed(&inner);
    }
    let message = inner.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    if let Some(missing) = between(&message, "missing field `", "`") {
        JsonError { code: "missing_field", path: join(&path, missing), message: format!("`{missing}` is required") }
    } else if let Some(unknown) = between(&message, "unknown field `", "`") {
        // The path already ends at the unknown key.
        JsonError { code: "unknown_field", message: format!("`{unknown}` is not a field here"), path }
    } else if message.starts_with("invalid type") || message.starts_with("invalid length") {
        JsonError { code: "invalid_type", path, message }
    } else {
        // An unknown enum variant, or a value its type's parser refused with its own message.
        JsonError { code: "invalid_value", path, message }
    }
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

    fn detail(result: Result<Body, JsonError>) -> (&'static str, String) {
        let error = result.unwrap_err();
        (error.code, error.path)
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(detail(from_slice(b"{\"email\": ")), ("malformed_json", "".into()));
        assert_eq!(detail(from_slice(b"{\"email\": \"a\", \"count\": 1} x")), ("malformed_json", "".into()));
        assert_eq!(detail(from_slice(b"{\"count\": 1}")), ("missing_field", "email".into()));
        assert_eq!(detail(from_slice(b"{\"email\": 5, \"count\": 1}")), ("invalid_type", "email".into()));
        assert_eq!(detail(from_slice(b"{\"email\": \"a\", \"count\": 1, \"x\": 1}")), ("unknown_field", "x".into()));
        assert_eq!(detail(from_slice(b"[]")), ("invalid_type", "".into()));
    }

    #[test]
    fn a_nul_character_is_refused_at_its_path() {
        assert_eq!(detail(from_slice(br#"{"email": "a\u0000b", "count": 1}"#)), ("invalid_value", "email".into()));
        let nested: Result<serde_json::Value, _> = from_slice(br#"{"a": [1, {"b": ["x", "\u0000"]}]}"#);
        assert_eq!(nested.unwrap_err().path, "a[1].b[1]");
        let key: Result<serde_json::Value, _> = from_slice(br#"{"a": {"k\u0000": 1}}"#);
        assert_eq!(key.unwrap_err().path, "a.k\u{0}");
        // An escaped backslash before `u0000` is text, not a NUL.
        let text: serde_json::Value = from_slice(br#"{"a": "\\u0000"}"#).unwrap();
        assert_eq!(text["a"], "\\u0000");
    }

    #[test]
    fn paths_join() {
        assert_eq!(join("sections[2]", "items[0].start"), "sections[2].items[0].start");
        assert_eq!(join("sections", "[2]"), "sections[2]");
        assert_eq!(join("", "a"), "a");
        assert_eq!(join("a", ""), "a");
    }
}
