//! Files every host serves: the self-hosted fonts and the templates' thumbnails. They are
//! built into the binary and never change within a release.

use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{IntoResponse, Response, handler};
use vitrine_core::document::values::Font;
use vitrine_core::themes::Theme;

fn asset(bytes: &'static [u8], content_type: &'static str) -> Response {
    Response::builder()
        .content_type(content_type)
        .header(header::CACHE_CONTROL, "public, max-age=604800")
        .header("X-Content-Type-Options", "nosniff")
        .header("Access-Control-Allow-Origin", "*")
        .body(bytes)
}

#[handler]
pub fn font(Path(file): Path<String>) -> Response {
    match Font::file(&file) {
        Some(bytes) => asset(bytes, "font/woff2"),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[handler]
pub fn preview(Path(file): Path<String>) -> Response {
    let theme = file.strip_suffix(".png").and_then(Theme::parse);
    match theme {
        Some(theme) => asset(theme.thumbnail(), "image/png"),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
