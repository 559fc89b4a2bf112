//! Health, readiness, Prometheus metrics, and a request id on every request's logs.

use std::sync::Arc;
use std::time::Instant;

use poem::http::{HeaderValue, StatusCode};
use poem::web::Data;
use poem::{Endpoint, IntoResponse, Request, Response, handler};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use sqlx::PgPool;
use tracing::Instrument;
use vitrine_core::telemetry::Metrics;

use crate::State;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    status: u16,
}

#[derive(Clone)]
pub struct Observability {
    pool: PgPool,
    metrics: Metrics,
    requests: Family<RequestLabels, Counter>,
    latency: Histogram,
}

impl Observability {
    pub fn new(pool: PgPool) -> Self {
        let metrics = Metrics::with_prefix("vitrine_platform");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Histogram::new(exponential_buckets(0.0005, 2.0, 16));
        metrics.register("http_requests", "HTTP requests answered", requests.clone());
        metrics.register("http_request_duration_seconds", "Time to answer HTTP requests", latency.clone());
        Observability { pool, metrics, requests, latency }
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
}

pub async fn middleware<E: Endpoint>(
    next: E,
    request: Request,
    observability: Observability,
    state: Arc<State>,
) -> poem::Result<Response> {
    // Page views are the bulk of the traffic: counted in the metrics (and, by the statistics,
    // per page) but logged only at debug level, so a popular page neither floods the logs
    // nor spends its time formatting them.
    if crate::public::is_page_view(&state, &request) {
        let method = request.method().as_str().to_owned();
        let started = Instant::now();
        let response = match next.call(request).await {
            Ok(response) => response.into_response(),
            Err(error) => error.into_response(),
        };
        let status = response.status().as_u16();
        observability.requests.get_or_create(&RequestLabels { method, status }).inc();
        observability.latency.observe(started.elapsed().as_secs_f64());
        tracing::debug!(http.status = status, "page view");
        return Ok(response);
    }
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .filter(|value| value.len() <= 64 && value.chars().all(|character| character.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let method = request.method().to_string();
    let span = tracing::info_span!("request", request.id = %request_id, http.method = %method, http.path = %request.uri().path());
    let started = Instant::now();
    let result = next.call(request).instrument(span.clone()).await;
    let mut response = match result {
        Ok(response) => response.into_response(),
        Err(error) => error.into_response(),
    };
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    observability.requests.get_or_create(&RequestLabels { method, status }).inc();
    observability.latency.observe(elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(http.status = status, latency_ms = elapsed.as_secs_f64() * 1000.0, "request finished")
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    Ok(response)
}

#[handler]
pub fn healthz() -> &'static str {
    "ok"
}

#[handler]
pub async fn readyz(observability: Data<&Observability>) -> Response {
    if vitrine_core::db::is_reachable(&observability.pool).await {
        "ready".into_response()
    } else {
        "database unreachable".with_status(StatusCode::SERVICE_UNAVAILABLE).into_response()
    }
}

#[handler]
pub fn render_metrics(observability: Data<&Observability>) -> Response {
    observability
        .metrics
        .render()
        .with_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .into_response()
}
