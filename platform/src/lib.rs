//! Vitrine's HTTP service. `Application::build` binds the listener (port 0 in tests) and
//! returns before serving, so callers learn the port first.
#![forbid(unsafe_code)]

pub mod api;
mod assets;
mod client;
pub mod config;
mod encoding;
pub mod error;
mod frontend;
mod listener;
mod observability;
mod operations;
pub mod payload;
mod public;
mod session;

use std::sync::Arc;

use anyhow::Context;
use poem::middleware::CookieJarManager;
use poem::{EndpointExt, Route};
use sqlx::PgPool;
use vitrine_core::email::Links;
use vitrine_core::sites::{SiteSeal, Sites};
use vitrine_core::stats::geoip::GeoIp;
use vitrine_core::stats::recorder::Recorder;

use crate::client::ClientPolicy;
use crate::config::PlatformConfig;
use crate::session::CookiePolicy;

/// What every request handler shares.
pub struct State {
    pub pool: PgPool,
    pub links: Links,
    pub cookies: CookiePolicy,
    /// Signs the cookie that keeps members' views of their own pages out of the statistics.
    pub viewer: session::ViewerKey,
    pub google: Option<api::oidc::Provider>,
    pub linkedin: Option<api::oidc::Provider>,
    pub sites: Sites,
    pub pages: public::PageCache,
    pub unlock: public::UnlockKey,
    pub media: vitrine_core::media::MediaStore,
    /// Where page views go, unless statistics are off.
    pub views: Option<Recorder>,
    pub domains: vitrine_core::domains::Checker,
    /// Checks the router's site header; custom domains are not served without it.
    pub site_seal: Option<SiteSeal>,
    /// The AI provider, when one is configured.
    pub ai: Option<vitrine_core::ai::Provider>,
}

pub struct Application {
    port: u16,
    listener: tokio::net::TcpListener,
    app: poem::endpoint::BoxEndpoint<'static>,
    views: Option<Recorder>,
}

impl Application {
    pub async fn build(config: PlatformConfig) -> anyhow::Result<Self> {
        let pool = vitrine_core::db::connect(&config.database).await?;
        Self::build_with_pool(config, pool).await
    }

    pub async fn build_with_pool(config: PlatformConfig, pool: PgPool) -> anyhow::Result<Self> {
        let google = match (&config.google.google_client_id, &config.google.google_client_secret) {
            (Some(id), Some(secret)) => Some(
                api::oidc::Provider::new(
                    "google",
                    &config.google.google_issuer_url,
                    id,
                    secret.clone(),
                    &config.public.public_url,
                )
                .context("configuring Google sign-in")?,
            ),
            _ => None,
        };
        let linkedin = match (&config.linkedin.linkedin_client_id, &config.linkedin.linkedin_client_secret) {
            (Some(id), Some(secret)) => Some(
                api::oidc::Provider::new(
                    "linkedin",
                    &config.linkedin.linkedin_issuer_url,
                    id,
                    secret.clone(),
                    &config.public.public_url,
                )
                .context("configuring LinkedIn sign-in")?,
            ),
            _ => None,
        };
        let unlock_key = match &config.secret_key {
            Some(key) => key.expose().as_bytes().to_vec(),
            None => {
                tracing::warn!("VITRINE_SECRET_KEY is not set: unlocked pages lock again when the platform restarts");
                vitrine_core::token::generate().into_bytes()
            }
        };
        let observability = observability::Observability::new(pool.clone());
        let views = if config.stats.stats {
            let geoip = GeoIp::open(config.stats.geoip_db.as_deref())?;
            if config.stats.geoip_db.is_none() {
                tracing::warn!("VITRINE_GEOIP_DB is not set: visitors' countries are unknown");
            }
            let capacity = config.stats.stats_buffer as usize;
            Some(Recorder::start(pool.clone(), Arc::new(geoip), capacity, observability.metrics()))
        } else {
            None
        };
        let state = Arc::new(State {
            pool: pool.clone(),
            links: Links::new(config.public.public_url.clone()),
            cookies: CookiePolicy {
                secure: config.public.public_url.scheme() == "https",
                base_domain: config.public.base_domain.trim_end_matches('.').to_ascii_lowercase(),
            },
            viewer: session::ViewerKey::new(&unlock_key),
            google,
            linkedin,
            sites: Sites::new(&config.public),
            pages: public::PageCache::new(),
            unlock: public::UnlockKey::new(&unlock_key),
            media: vitrine_core::media::MediaStore::new(&config.media)?,
            views: views.clone(),
            domains: vitrine_core::domains::Checker::new(&config.domains),
            site_seal: config.router_secret.as_ref().map(|secret| SiteSeal::new(secret.expose())),
            ai: vitrine_core::ai::Provider::new(&config.ai),
        });
        public::listen_for_changes(pool.clone(), state.clone());
        let state_for_logs = state.clone();
        let client_policy = Arc::new(ClientPolicy {
            trusted_proxies: config.trusted_proxies.clone(),
            public_origin: config.public.public_url.origin().ascii_serialization(),
        });
        let api = api::service(state.clone());
        let app = Route::new()
            .at("/api/openapi.json", api.spec_endpoint())
            .nest("/api/docs", api.swagger_ui())
            .at("/healthz", poem::get(observability::healthz))
            .at("/readyz", poem::get(observability::readyz))
            .at("/metrics", poem::get(observability::render_metrics))
            .at("/assets/fonts/:file", poem::get(assets::font))
            .at("/assets/previews/:file", poem::get(assets::preview))
            .at("/media/:file", poem::get(api::media::media_file))
            .at("/ops", poem::get(operations::page))
            .at("/ops/jobs/:job/:action", poem::post(operations::act))
            .nest("/app", frontend::endpoint(&config.frontend_dir))
            .at("/", poem::get(frontend::to_app))
            .nest("/", api)
            .around({
                let state = state.clone();
                move |next, request| public::middleware(next, request, state.clone())
            })
            .data(state)
            .data(observability.clone())
            .with(CookieJarManager::new())
            .around(api::media::refuse_oversized_bodies)
            .around({
                let policy = client_policy.clone();
                move |next, request| client::cross_site_check(next, request, policy.clone())
            })
            .catch_all_error(error::framework_error_to_body)
            .around({
                let state = state_for_logs.clone();
                move |next, request| observability::middleware(next, request, observability.clone(), state.clone())
            })
            .around(move |next, request| client::resolve(next, request, client_policy.clone()))
            .boxed();
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {} (VITRINE_PLATFORM_ADDR)", config.listen))?;
        let port = listener.local_addr().context("the listener has no address")?.port();
        Ok(Application { port, listener, app, views })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish and writes the
    /// page views still queued.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send) -> std::io::Result<()> {
        let served = listener::serve(self.listener, self.app, shutdown).await;
        if let Some(views) = self.views {
            views.close().await;
        }
        served
    }
}

/// The OpenAPI document, as served at `/api/openapi.json`.
pub fn openapi_spec() -> String {
    // The spec describes types only; no handler runs, so a pool that never connects suffices.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .connect_lazy("postgres://localhost/unused")
        .expect("a constant URL parses");
    let public_url = url::Url::parse("http://localhost").expect("a constant URL parses");
    let state = Arc::new(State {
        pool,
        links: Links::new(public_url.clone()),
        cookies: CookiePolicy { secure: false, base_domain: "localhost".into() },
        viewer: session::ViewerKey::new(b"unused"),
        google: None,
        linkedin: None,
        sites: Sites::new(&vitrine_core::config::PublicUrlConfig { public_url, base_domain: "localhost".into() }),
        pages: public::PageCache::new(),
        unlock: public::UnlockKey::new(b"unused"),
        media: vitrine_core::media::MediaStore::Folder("unused".into()),
        views: None,
        domains: vitrine_core::domains::Checker::new(&vitrine_core::config::DomainsConfig {
            dns_servers: Vec::new(),
            edge_hostname: "edge.localhost".into(),
            edge_addresses: Vec::new(),
        }),
        site_seal: None,
        ai: None,
    });
    api::service(state).spec()
}
