//! The React app, built by Vite into `frontend/dist` and served under `/app`; any path the files
//! do not match gets `index.html`, so the app's own router handles it. The built scripts and
//! styles under `assets/` have content-hashed names: they are gzipped once at start and may be
//! cached for good.

use std::collections::HashMap;
use std::path::Path;

use bytes::Bytes;
use poem::endpoint::StaticFilesEndpoint;
use poem::http::{HeaderValue, Method, header};
use poem::web::Redirect;
use poem::{Endpoint, IntoResponse, Request, Response, handler};

use crate::encoding;

/// Kinds of built files worth compressing, by extension.
const TEXT: [(&str, &str); 4] = [
    ("js", "text/javascript; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("svg", "image/svg+xml"),
    ("json", "application/json"),
];

pub fn endpoint(dir: &Path) -> impl Endpoint + use<> {
    if !dir.join("index.html").exists() {
        tracing::warn!(dir = %dir.display(), "the frontend is not built: /app will answer 404 (run ops/run)");
    }
    App { files: StaticFilesEndpoint::new(dir).index_file("index.html").fallback_to_index(), built: gzip_assets(dir) }
}

struct Gzipped {
    body: Bytes,
    content_type: &'static str,
}

/// `/assets/{name}` → the file gzipped, when it is text; every built file is listed, so that
/// only they are marked immutable, not the app's page given for a name that is not one.
fn gzip_assets(dir: &Path) -> HashMap<String, Option<Gzipped>> {
    let Ok(entries) = std::fs::read_dir(dir.join("assets")) else { return HashMap::new() };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            let name = format!("/assets/{}", path.file_name()?.to_str()?);
            let extension = path.extension().and_then(|extension| extension.to_str()).unwrap_or_default();
            let gzipped = TEXT.iter().find(|(known, _)| *known == extension).and_then(|(_, content_type)| {
                let bytes = std::fs::read(&path).ok()?;
                Some(Gzipped { body: encoding::gzip(&bytes), content_type })
            });
            Some((name, gzipped))
        })
        .collect()
}

struct App {
    files: StaticFilesEndpoint,
    /// Every built file under `assets/`, with its gzipped body when it is text.
    built: HashMap<String, Option<Gzipped>>,
}

impl Endpoint for App {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        let path = request.uri().path();
        let built = self.built.get(path);
        let immutable = built.is_some();
        if let Some(Some(file)) = built
            && matches!(*request.method(), Method::GET | Method::HEAD)
            && encoding::accepts_gzip(request.headers())
        {
            let builder = Response::builder()
                .header(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type))
                .header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"))
                .header(header::VARY, HeaderValue::from_static("Accept-Encoding"))
                .header(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
            return Ok(if *request.method() == Method::HEAD {
                builder.header(header::CONTENT_LENGTH, file.body.len()).finish()
            } else {
                builder.body(file.body.clone())
            });
        }
        let mut response = self.files.call(request).await?.into_response();
        if immutable && response.status().is_success() {
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
            response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
        Ok(response)
    }
}

/// Built files change name when they change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

#[handler]
pub fn to_app() -> impl IntoResponse {
    Redirect::see_other("/app/")
}
