//! The operator's page at `/ops`: queues, failures with retry and discard, workers, the
//! routers' certificates and their failed orders. Only
//! admins see it; to everyone else it does not exist (the same 404 as any unknown page).

use std::sync::Arc;

use askama::Template;
use poem::http::{StatusCode, header};
use poem::web::{Data, Path};
use poem::{IntoResponse, Request, Response, handler};
use vitrine_core::operations::{self, Failure, QueueCounts, WorkerSeen};
use vitrine_core::{accounts, certificates};

use crate::State;

#[derive(Template)]
#[template(path = "ops.html")]
struct OpsPage {
    now: String,
    queues: Vec<QueueCounts>,
    failures: Vec<Failure>,
    workers: Vec<WorkerSeen>,
    certificates: Vec<certificates::Status>,
}

/// Whether the request comes from a signed-in admin.
async fn is_admin(state: &State, request: &Request) -> bool {
    let Some(cookie) = request.cookie().get(state.cookies.session_name()) else { return false };
    matches!(accounts::authenticate(&state.pool, cookie.value_str()).await, Ok(Some((user, _))) if user.is_admin)
}

fn not_found() -> Response {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .content_type("text/html; charset=utf-8")
        .body(vitrine_core::render::not_found_page())
}

fn failed(error: &vitrine_core::Error) -> Response {
    tracing::error!(error = %error, "the operations page failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

#[handler]
pub async fn page(request: &Request, state: Data<&Arc<State>>) -> Response {
    if !is_admin(&state, request).await {
        return not_found();
    }
    let loaded = async {
        Ok::<_, vitrine_core::Error>(OpsPage {
            now: chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            queues: operations::queues(&state.pool).await?,
            failures: operations::failures(&state.pool, 50).await?,
            workers: operations::workers(&state.pool).await?,
            certificates: certificates::overview(&state.pool).await?,
        })
    };
    match loaded.await {
        Ok(page) => Response::builder()
            .content_type("text/html; charset=utf-8")
            .header(header::CACHE_CONTROL, "no-store")
            .body(page.render().expect("rendering to a string cannot fail")),
        Err(error) => failed(&error),
    }
}

/// `retry` or `discard` a job, then back to the page.
#[handler]
pub async fn act(request: &Request, Path((job, action)): Path<(String, String)>, state: Data<&Arc<State>>) -> Response {
    if !is_admin(&state, request).await {
        return not_found();
    }
    let done = match action.as_str() {
        "retry" => operations::retry(&state.pool, &job).await,
        "discard" => operations::discard(&state.pool, &job).await,
        _ => return not_found(),
    };
    match done {
        Ok(()) | Err(vitrine_core::Error::Conflict { .. }) => {
            Response::builder().status(StatusCode::SEE_OTHER).header(header::LOCATION, "/ops").finish()
        }
        Err(error) => failed(&error),
    }
}
