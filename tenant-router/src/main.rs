#![forbid(unsafe_code)]

mod config;
mod hosts;
mod proxy;
mod tls;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use http::header::{self, HeaderValue};
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use sqlx::PgPool;
use tokio::net::TcpListener;
use vitrine_core::domains::hostname;
use vitrine_core::sites::SiteSeal;
use vitrine_core::telemetry::Metrics;

use crate::config::RouterConfig;
use crate::hosts::{Hosts, Route};
use crate::proxy::{Body, Forwarded, Upstreams, error_response, full};
use crate::tls::{Handshake, Tls};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResponseLabels {
    status: u16,
}

struct Router {
    hosts: Arc<Hosts>,
    upstreams: Arc<Upstreams>,
    seal: SiteSeal,
    trusted_proxies: Vec<ipnet::IpNet>,
    /// The public HTTPS port when TLS is on: plain HTTP redirects there.
    https_port: Option<u16>,
    responses: Family<ResponseLabels, Counter>,
}

/// The connection a request came on.
#[derive(Clone)]
struct Connection {
    peer: SocketAddr,
    /// The server name the TLS handshake was for.
    sni: Option<Arc<str>>,
}

impl Router {
    async fn handle(&self, request: Request<Incoming>, connection: &Connection) -> Response<Body> {
        let response = self.route(request, connection).await;
        self.responses.get_or_create(&ResponseLabels { status: response.status().as_u16() }).inc();
        response
    }

    async fn route(&self, request: Request<Incoming>, connection: &Connection) -> Response<Body> {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .or_else(|| request.uri().authority().map(|authority| authority.as_str()));
        if let Some(sni) = &connection.sni
            && !hosts::host_matches_sni(host, sni)
        {
            return error_response(
                StatusCode::MISDIRECTED_REQUEST,
                "misdirected",
                "this connection was made for another host",
            );
        }
        let Some(name) = host.and_then(hostname::of_host_header) else { return no_site() };
        let route = match self.hosts.route(&name).await {
            Ok(route) => route,
            Err(error) => {
                tracing::error!(%error, "cannot route a host");
                return error_response(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "try again shortly");
            }
        };
        let https = connection.sni.is_some();
        let site = match &route {
            Route::Unknown | Route::Custom { serving: false, .. } => return no_site(),
            Route::App | Route::Workspace => None,
            Route::Custom { site, .. } => {
                HeaderValue::from_str(&self.seal.seal(&site.handle, site.portfolio_id, &name)).ok()
            }
        };
        // Operators read the platform's metrics directly; the public edge does not expose them.
        if request.uri().path() == "/metrics" {
            return error_response(StatusCode::NOT_FOUND, "not_found", "not found");
        }
        if let (false, Some(port)) = (https, self.https_port) {
            return redirect_to_https(&name, port, &request);
        }
        let custom = site.is_some();
        let client = proxy::client_address(connection.peer.ip(), request.headers(), &self.trusted_proxies);
        let mut response = self.upstreams.forward(request, Forwarded { client, https, site }).await;
        if https && custom {
            response
                .headers_mut()
                .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
        }
        response
    }
}

/// The answer for a name that is nobody's site.
fn no_site() -> Response<Body> {
    let mut response = Response::new(full(
        "<!doctype html><meta charset=utf-8><title>No site here</title><h1>No site here</h1>\
         <p>Nothing is published at this address.</p>",
    ));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

fn redirect_to_https(name: &str, port: u16, request: &Request<Incoming>) -> Response<Body> {
    let port = if port == 443 { String::new() } else { format!(":{port}") };
    let path = request.uri().path_and_query().map_or("/", |path| path.as_str());
    let mut response = Response::new(proxy::empty());
    *response.status_mut() = StatusCode::PERMANENT_REDIRECT;
    if let Ok(location) = HeaderValue::from_str(&format!("https://{name}{port}{path}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Dependencies compile in both rustls providers; name the one to use before any TLS.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config: RouterConfig = vitrine_core::config::parse();
    let _logging = vitrine_core::telemetry::init_logging(&config.log)?;
    let pool = vitrine_core::db::connect(&config.database).await?;
    let metrics = Metrics::with_prefix("vitrine_router");
    let hosts = Arc::new(Hosts::new(pool.clone(), &config.base_domain));
    let upstreams = Upstreams::new(&config.platform_url, config.max_body_bytes, config.upstream_timeout)?;
    upstreams.check_health_periodically();
    let router = Arc::new(Router {
        hosts: hosts.clone(),
        upstreams,
        seal: SiteSeal::new(config.router_secret.expose()),
        trusted_proxies: config.trusted_proxies.clone(),
        https_port: config.https_port,
        responses: Family::default(),
    });
    metrics.register("http_responses", "Responses sent to the public, by status", router.responses.clone());
    let tls = match config.https_port {
        Some(_) => Some(Tls::new(pool.clone(), hosts.clone(), &config.tls, config.replica(), &metrics)?),
        None => None,
    };
    let forget = tls.clone();
    hosts::listen(pool.clone(), hosts, move |name| {
        if let Some(tls) = &forget {
            tls.forget(name);
        }
    });
    if let Some(tls) = &tls {
        tls.renew_periodically(config.tls.acme_renewal_check);
    }

    let admin = TcpListener::bind(config.admin_listen)
        .await
        .with_context(|| format!("cannot listen on {} (VITRINE_ROUTER_ADMIN_ADDR)", config.admin_listen))?;
    let public = TcpListener::bind(config.public_listen()).await.with_context(|| {
        format!("cannot listen on {} (VITRINE_HTTP_HOST, VITRINE_HTTP_PORT)", config.public_listen())
    })?;
    let secure = match config.https_port {
        Some(port) => {
            let address = SocketAddr::new(config.http_host, port);
            let listener = TcpListener::bind(address)
                .await
                .with_context(|| format!("cannot listen on {address} (VITRINE_HTTP_HOST, VITRINE_HTTPS_PORT)"))?;
            tracing::info!(address = %listener.local_addr()?, "router listening for TLS");
            Some(listener)
        }
        None => None,
    };
    tracing::info!(address = %public.local_addr()?, "router listening");
    tokio::spawn(serve_admin(admin, pool, metrics));

    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // A client gets 30 seconds to send a request's headers, idle connections included, so
    // slow or silent clients cannot hold connections open.
    builder.http1().timer(TokioTimer::new());
    let shutdown = vitrine_core::shutdown::signal();
    tokio::pin!(shutdown);
    let accept_tls = async |listener: &Option<TcpListener>| match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    };
    loop {
        tokio::select! {
            accepted = public.accept() => {
                let Some((stream, peer)) = accepted_or_log(accepted) else { continue };
                let service = service(router.clone(), Connection { peer, sni: None });
                let served = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
                let served = graceful.watch(served);
                tokio::spawn(async move {
                    if let Err(error) = served.await {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                });
            }
            accepted = accept_tls(&secure) => {
                let Some((stream, peer)) = accepted_or_log(accepted) else { continue };
                let tls = tls.clone().expect("TLS connections come only when TLS is set up");
                let router = router.clone();
                let builder = builder.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let (stream, sni) = match tls.accept(stream).await {
                        Ok(Handshake::Established(stream, sni)) => (stream, sni),
                        Ok(Handshake::Closed) => return,
                        Err(error) => {
                            tracing::debug!(%error, "TLS handshake failed");
                            return;
                        }
                    };
                    let service = service(router, Connection { peer, sni: Some(sni.into()) });
                    let served = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
                    if let Err(error) = watcher.watch(served).await {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                });
            }
            _ = &mut shutdown => break,
        }
    }
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(10)) => tracing::warn!("connections still open after 10 s"),
    }
    tracing::info!("router stopped");
    Ok(())
}

fn accepted_or_log(
    accepted: std::io::Result<(tokio::net::TcpStream, SocketAddr)>,
) -> Option<(tokio::net::TcpStream, SocketAddr)> {
    match accepted {
        Ok((stream, peer)) => {
            let _ = stream.set_nodelay(true);
            Some((stream, peer))
        }
        Err(error) => {
            tracing::warn!(%error, "accepting a connection failed");
            None
        }
    }
}

fn service(
    router: Arc<Router>,
    connection: Connection,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response<Body>,
    Error = Infallible,
    Future = impl Future<Output = Result<Response<Body>, Infallible>> + Send,
> + Clone {
    service_fn(move |request| {
        let router = router.clone();
        let connection = connection.clone();
        async move { Ok::<_, Infallible>(router.handle(request, &connection).await) }
    })
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
                let mut response = Response::new(full(body));
                *response.status_mut() = status;
                Ok::<Response<Body>, Infallible>(response)
            }
        });
        tokio::spawn(async move {
            let _ = auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}
