//! The React app, built by Vite into `frontend/dist` and served under `/app`; any path the files
//! do not match gets `index.html`, so the app's own router handles it.

use std::path::Path;

use poem::endpoint::StaticFilesEndpoint;
use poem::web::Redirect;
use poem::{Endpoint, IntoResponse, handler};

pub fn endpoint(dir: &Path) -> impl Endpoint + use<> {
    if !dir.join("index.html").exists() {
        tracing::warn!(dir = %dir.display(), "the frontend is not built: /app will answer 404 (run ops/run)");
    }
    StaticFilesEndpoint::new(dir).index_file("index.html").fallback_to_index()
}

#[handler]
pub fn to_app() -> impl IntoResponse {
    Redirect::see_other("/app/")
}
