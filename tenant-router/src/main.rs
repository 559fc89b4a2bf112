#![forbid(unsafe_code)]

mod config;
mod proxy;

use std::convert::Infallible;
use std::sync::Arc;

use anyhow::Context;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use sqlx::PgPool;
use tokio::net::TcpListener;
use vitrine_core::telemetry::Metrics;

use crate::config::RouterConfig;
use crate::proxy::{Body, Upstream, error_response};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResponseLabels {
    status: u16,
}

struct Router {
    upstream: Upstream,
    responses: Family<ResponseLabels, Counter>,
}

impl Router {
    async fn handle(&self, request: Request<Incoming>, peer: std::net::SocketAddr) -> Response<Body> {
        // Operators read the platform's metrics directly; the public edge does not expose them.
        let response = if request.uri().path() == "/metrics" {
            error_response(StatusCode::NOT_FOUND, "not_found", "not found")
        } else {
            self.upstream.forward(request, peer, false).await
        };
        self.responses.get_or_create(&ResponseLabels { status: response.status().as_u16() }).inc();
        response
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Dependencies compile in both rustls providers; name the one to use before any TLS.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config: RouterConfig = vitrine_core::config::parse();
    let _logging = vitrine_core::telemetry::init_logging(&config.log)?;
    let pool = vitrine_core::db::connect(&config.database).await?;
    let metrics = Metrics::with_prefix("vitrine_router");
    let router = Arc::new(Router { upstream: Upstream::new(&config.platform_url)?, responses: Family::default() });
    metrics.register("http_responses", "Responses sent to the public, by status", router.responses.clone());

    let admin = TcpListener::bind(config.admin_listen)
        .await
        .with_context(|| format!("cannot listen on {} (VITRINE_ROUTER_ADMIN_ADDR)", config.admin_listen))?;
    let public = TcpListener::bind(config.public_listen()).await.with_context(|| {
        format!("cannot listen on {} (VITRINE_HTTP_HOST, VITRINE_HTTP_PORT)", config.public_listen())
    })?;
    tracing::info!(address = %public.local_addr()?, "router listening");
    tokio::spawn(serve_admin(admin, pool, metrics));

    let graceful = GracefulShutdown::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    let shutdown = vitrine_core::shutdown::signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = public.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        tracing::warn!(%error, "accepting a connection failed");
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let router = router.clone();
                let service = service_fn(move |request| {
                    let router = router.clone();
                    async move { Ok::<_, Infallible>(router.handle(request, peer).await) }
                });
                let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                });
            }
            _ = &mut shutdown => break,
        }
    }
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(std::time::Duration::from_secs(10)) => tracing::warn!("connections still open after 10 s"),
    }
    tracing::info!("router stopped");
    Ok(())
}

/// `/healthz`, `/readyz` (database reachable) and `/metrics`, on their own port.
async fn serve_admin(listener: TcpListener, pool: PgPool, metrics: Metrics) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let pool = pool.clone();
        let metrics = metrics.clone();
        let service = service_fn(move |request: Request<Incoming>| {
            let pool = pool.clone();
            let metrics = metrics.clone();
            async move {
                let (status, body) = match request.uri().path() {
                    "/healthz" => (StatusCode::OK, "ok".to_owned()),
                    "/readyz" if vitrine_core::db::is_reachable(&pool).await => (StatusCode::OK, "ready".to_owned()),
                    "/readyz" => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable".to_owned()),
                    "/metrics" => (StatusCode::OK, metrics.render()),
                    _ => (StatusCode::NOT_FOUND, "not found".to_owned()),
                };
                let mut response = Response::new(
                    http_body_util::Full::new(bytes::Bytes::from(body)).map_err(|never| match never {}).boxed(),
                );
                *response.status_mut() = status;
                Ok::<Response<Body>, Infallible>(response)
            }
        });
        tokio::spawn(async move {
            let _ = auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}
