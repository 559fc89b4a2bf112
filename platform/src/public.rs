//! Published pages, as visitors read them: at `{handle}.{BASE_DOMAIN}/[slug]` and at
//! `{BASE_DOMAIN}/p/{handle}/[slug]`. Pages are rendered once per published revision and kept
//! in memory; which page an address names is cached too, and forgotten whenever any replica
//! announces a change on the Postgres channel. Each drawing is kept gzipped as well, for the
//! browsers that accept it (all of them): a page is compressed once per revision, not per visit.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use moka::sync::Cache;
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::web::cookie::{Cookie, SameSite};
use poem::{Body, Endpoint, IntoResponse, Request, Response};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;
use vitrine_core::accounts;
use vitrine_core::domains::hostname;
use vitrine_core::portfolios::Access;
use vitrine_core::portfolios::published::{self, PublishedPage};
use vitrine_core::rate_limit::{self, Limit};
use vitrine_core::render::{self, Page};
use vitrine_core::sites::SITE_HEADER;
use vitrine_core::stats::classify;
use vitrine_core::stats::recorder::RawView;
use vitrine_core::workspaces;

use crate::client::Client;
use crate::{State, encoding};

/// A page drawn once and served many times, as it is and gzipped.
pub struct Rendered {
    html: bytes::Bytes,
    etag: HeaderValue,
    gzipped: bytes::Bytes,
    /// A strong validator names one representation, so the gzipped page has its own.
    gzipped_etag: HeaderValue,
}

/// Which published page an address names, with its drawing.
struct Resolved {
    page: PublishedPage,
    rendered: Arc<Rendered>,
}

/// Where a visitor is going: the workspace's handle, the page's slug (`None` for the landing
/// page) and, on a custom domain, the portfolio it lands on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Address {
    handle: String,
    slug: Option<String>,
    landing: Option<Uuid>,
}

pub struct PageCache {
    /// `None` caches "nothing published here" too, so unknown addresses cost no query.
    resolved: Cache<Address, Option<Arc<Resolved>>>,
    /// Counts `forget_all` calls: a page read before one must not be cached after it.
    generation: AtomicU64,
    /// By what makes the HTML: portfolio, revision, design version and page metadata.
    rendered: Cache<[u8; 32], Arc<Rendered>>,
}

impl PageCache {
    pub fn new() -> Self {
        PageCache {
            // The notification channel invalidates; the TTL bounds staleness should a
            // notification ever be missed while the listener reconnects.
            resolved: Cache::builder().max_capacity(50_000).time_to_live(Duration::from_secs(300)).build(),
            generation: AtomicU64::new(0),
            rendered: Cache::builder()
                .weigher(|_, page: &Arc<Rendered>| {
                    u32::try_from(page.html.len() + page.gzipped.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(256 * 1024 * 1024)
                .build(),
        }
    }

    /// Forgets which page every address names; drawn pages stay, keyed by revision. An
    /// address may name a portfolio under an old slug, or as its workspace's primary page, so
    /// a change to any portfolio forgets them all.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.resolved.invalidate_all();
    }

    async fn resolve(&self, state: &State, mut key: Address) -> poem::Result<Option<Arc<Resolved>>> {
        key.handle.make_ascii_lowercase();
        if let Some(found) = self.resolved.get(&key) {
            return Ok(found);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let found =
            published::find(&state.pool, &key.handle, key.slug.as_deref(), key.landing).await.map_err(internal)?;
        let found = found.map(|page| {
            let rendered = self.draw(state, &page);
            Arc::new(Resolved { page, rendered })
        });
        // A change committed while this page was read and drawn must not stay cached: the
        // check after inserting catches a `forget_all` that ran at any time since the read.
        self.resolved.insert(key.clone(), found.clone());
        if self.generation.load(Ordering::SeqCst) != generation {
            self.resolved.invalidate(&key);
        }
        Ok(found)
    }

    fn draw(&self, state: &State, page: &PublishedPage) -> Arc<Rendered> {
        let indexable = page.access == Access::Public;
        let key: [u8; 32] = Sha256::new()
            .chain_update(page.portfolio_id.0.as_bytes())
            .chain_update(page.revision.to_be_bytes())
            .chain_update(page.template.version())
            .chain_update([u8::from(indexable)])
            .chain_update(&page.slug)
            .chain_update([0])
            .chain_update(&page.title)
            .chain_update([0])
            .chain_update(&page.description)
            .finalize()
            .into();
        self.rendered.get_with(key, || {
            let canonical = state.sites.page_url(&page.handle, Some(&page.slug));
            let html = render::render(
                &page.document,
                page.template,
                &Page {
                    title: &page.title,
                    description: &page.description,
                    canonical_url: Some(&canonical),
                    indexable,
                    assets_base: "",
                    page_size: None,
                },
            );
            let tag = URL_SAFE_NO_PAD.encode(&Sha256::digest(html.as_bytes())[..16]);
            let etag = |suffix: &str| {
                HeaderValue::from_str(&format!("\"{tag}{suffix}\"")).expect("base64 is a valid header value")
            };
            Arc::new(Rendered {
                gzipped: encoding::gzip(html.as_bytes()),
                html: bytes::Bytes::from(html),
                etag: etag(""),
                gzipped_etag: etag("-gzip"),
            })
        })
    }
}

fn internal(error: vitrine_core::Error) -> poem::Error {
    tracing::error!(error = %error, "reading a published page failed");
    poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Drops cached addresses whenever a replica announces a change; when the connection comes
/// back after a loss everything is dropped, since notifications may have been missed.
pub fn listen_for_changes(pool: PgPool, state: Arc<State>) {
    tokio::spawn(async move {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(error = %error, "cannot listen for page changes; retrying");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    continue;
                }
            };
            // A workspace's new handle, or its deletion, changes what its addresses name too.
            if let Err(error) = listener.listen_all([published::CHANNEL, vitrine_core::domains::HOSTS_CHANNEL]).await {
                tracing::warn!(error = %error, "cannot listen for page changes; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
            state.pages.forget_all();
            loop {
                match listener.try_recv().await {
                    // `None`: the connection dropped and was re-established; changes may have
                    // been missed.
                    Ok(Some(_) | None) => state.pages.forget_all(),
                    // While the database is away nothing can change, and the cached pages
                    // keep being served; they are forgotten once the channel is back.
                    Err(error) => {
                        tracing::warn!(error = %error, "lost the page-change channel; reconnecting");
                        break;
                    }
                }
            }
        }
    });
}

/// Signs "this browser knows the password of this page, as of this password".
pub struct UnlockKey(Vec<u8>);

impl UnlockKey {
    pub fn new(secret: &[u8]) -> Self {
        UnlockKey(secret.to_vec())
    }

    /// The MAC over what a cookie vouches for: this page, as of its current password.
    fn mac(&self, page: &PublishedPage) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(page.portfolio_id.0.as_bytes());
        mac.update(&page.access_epoch.to_be_bytes());
        mac
    }

    fn sign(&self, page: &PublishedPage) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(page).finalize().into_bytes())
    }

    fn verify(&self, page: &PublishedPage, value: &str) -> bool {
        let Ok(given) = URL_SAFE_NO_PAD.decode(value) else { return false };
        self.mac(page).verify_slice(&given).is_ok()
    }
}

fn unlock_cookie_name(page: &PublishedPage) -> String {
    format!("vitrine_unlock_{}", page.portfolio_id.0.simple())
}

/// Unlock attempts per page and per client address.
const UNLOCK_LIMIT: Limit = Limit { max_hits: 10, window: Duration::from_secs(300) };

/// Whether the request is for a published page (by the trusted host and the path).
pub fn is_page_view(state: &State, request: &Request) -> bool {
    page_address(state, request).is_some()
}

/// Where the request is going, when it is for a published page: a custom domain the router
/// vouched for, a workspace's subdomain, or a `/p/{handle}/` path on the app's host.
fn page_address(state: &State, request: &Request) -> Option<Address> {
    let host = request.extensions().get::<Client>().and_then(|client| client.host.clone())?;
    let path = request.uri().path();
    let site = state.site_seal.as_ref().and_then(|seal| {
        let value = request.headers().get(SITE_HEADER)?.to_str().ok()?;
        seal.open(value, hostname::of_host_header(&host)?.as_str())
    });
    let (handle, landing) = match site {
        Some((handle, landing)) => (Some(handle), Some(landing)),
        None => (state.sites.handle_of(&host).map(str::to_owned), None),
    };
    if let Some(handle) = handle {
        let rest = path.trim_start_matches('/');
        if rest.starts_with("assets/") || rest.starts_with("media/") {
            return None;
        }
        return Some(Address { handle, slug: slug_of(rest), landing });
    }
    let rest = path.strip_prefix("/p/")?;
    let (handle, slug) = rest.split_once('/').unwrap_or((rest, ""));
    Some(Address { handle: handle.to_owned(), slug: slug_of(slug), landing: None })
}

fn slug_of(rest: &str) -> Option<String> {
    let rest = rest.trim_end_matches('/');
    (!rest.is_empty()).then(|| rest.to_owned())
}

/// Answers requests for published pages; passes everything else on.
pub async fn middleware<E: Endpoint>(next: E, request: Request, state: Arc<State>) -> poem::Result<Response> {
    let Some(address) = page_address(&state, &request) else {
        return next.call(request).await.map(IntoResponse::into_response);
    };
    if !matches!(*request.method(), Method::GET | Method::HEAD | Method::POST) {
        return Ok(StatusCode::METHOD_NOT_ALLOWED.into_response());
    }
    if address.slug.as_deref().is_some_and(|slug| slug.contains('/')) {
        return Ok(not_found());
    }
    let Some(resolved) = state.pages.resolve(&state, address).await? else {
        return Ok(not_found());
    };
    serve(&state, request, &resolved).await
}

async fn serve(state: &State, mut request: Request, resolved: &Resolved) -> poem::Result<Response> {
    let page = &resolved.page;
    let allowed = match page.access {
        Access::Public => {
            record_view(state, &request, page);
            return Ok(respond(&request, &resolved.rendered, true));
        }
        Access::SecretLink => {
            let key = query_value(&request, "key");
            key.zip(page.secret_key.as_deref()).is_some_and(|(given, expected)| constant_time_eq(&given, expected))
        }
        Access::Password => {
            let cookie = request.cookie().get(&unlock_cookie_name(page));
            cookie.is_some_and(|cookie| state.unlock.verify(page, cookie.value_str()))
        }
        Access::Private => false,
    };
    if allowed || is_member(state, &request, page).await? {
        record_view(state, &request, page);
        return Ok(respond(&request, &resolved.rendered, false));
    }
    if page.access != Access::Password {
        return Ok(not_found());
    }
    if *request.method() != Method::POST {
        return Ok(unlock_form(page, None, StatusCode::UNAUTHORIZED));
    }
    let client_ip = request.extensions().get::<Client>().and_then(|client| client.ip);
    let limits = [
        format!("unlock:page:{}", page.portfolio_id.0),
        format!("unlock:ip:{}:{}", page.portfolio_id.0, client_ip.map(|ip| ip.to_string()).unwrap_or_default()),
    ];
    for key in limits {
        if let Err(vitrine_core::Error::RateLimited { retry_after }) =
            rate_limit::hit(&state.pool, &key, UNLOCK_LIMIT).await
        {
            let mut response = unlock_form(
                page,
                Some("Too many attempts. Wait a few minutes and try again."),
                StatusCode::TOO_MANY_REQUESTS,
            );
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after.as_secs()));
            return Ok(response);
        }
    }
    let body = request.take_body().into_bytes_limit(4096).await.unwrap_or_default();
    let candidate = url::form_urlencoded::parse(&body)
        .find(|(name, _)| name == "password")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let stored = page.password_hash.clone();
    let matches = tokio::task::spawn_blocking(move || accounts::password::verify(&candidate, stored.as_deref()))
        .await
        .unwrap_or(false);
    if !matches {
        return Ok(unlock_form(page, Some("That password is not right."), StatusCode::UNAUTHORIZED));
    }
    let mut cookie = Cookie::new_with_str(unlock_cookie_name(page), state.unlock.sign(page));
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(state.cookies.secure);
    cookie.set_path("/");
    cookie.set_max_age(Duration::from_secs(30 * 24 * 3600));
    // Back to the page as it was asked for, but always on this site: a path beginning `//` or
    // `/\` would send a browser to another host.
    let location = format!("/{}", request.uri().path().trim_start_matches(['/', '\\']));
    Ok(Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, location)
        .header(header::SET_COOKIE, cookie.to_string())
        .header(header::CACHE_CONTROL, "no-store")
        .finish())
}

/// Hands a view that passed the access check to the statistics, without waiting. Prefetches
/// are not views; robots and members are told apart by the recorder.
fn record_view(state: &State, request: &Request, page: &PublishedPage) {
    let Some(views) = &state.views else { return };
    if *request.method() != Method::GET {
        return;
    }
    let headers = request.headers();
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if classify::is_prefetch(header("purpose"), header("sec-purpose"), header("x-moz")) {
        return;
    }
    let client = request.extensions().get::<Client>();
    let host = client.and_then(|client| client.host.clone()).unwrap_or_default();
    views.record(RawView {
        portfolio: page.portfolio_id.0,
        workspace: page.workspace_id.0,
        at: chrono::Utc::now(),
        ip: client.and_then(|client| client.ip),
        user_agent: header("user-agent").unwrap_or_default().to_owned(),
        referrer: classify::referrer_domain(header("referer"), &host),
        host,
        session: request.cookie().get(state.cookies.session_name()).map(|cookie| cookie.value_str().to_owned()),
        viewer: request
            .cookie()
            .get(crate::session::VIEWER_COOKIE)
            .and_then(|cookie| state.viewer.verify(cookie.value_str())),
    });
}

/// Signed-in members of the page's workspace see it whatever its access mode.
async fn is_member(state: &State, request: &Request, page: &PublishedPage) -> poem::Result<bool> {
    let Some(cookie) = request.cookie().get(state.cookies.session_name()) else { return Ok(false) };
    let Some((user, _)) = accounts::authenticate(&state.pool, cookie.value_str()).await.map_err(internal)? else {
        return Ok(false);
    };
    match workspaces::role_of(&state.pool, page.workspace_id, user.id).await {
        Ok(_) => Ok(true),
        Err(vitrine_core::Error::NotFound) => Ok(false),
        Err(error) => Err(internal(error)),
    }
}

fn query_value(request: &Request, name: &str) -> Option<String> {
    let query = request.uri().query()?;
    url::form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

fn constant_time_eq(given: &str, expected: &str) -> bool {
    let (given, expected) = (Sha256::digest(given.as_bytes()), Sha256::digest(expected.as_bytes()));
    given.iter().zip(expected.iter()).fold(0u8, |difference, (a, b)| difference | (a ^ b)) == 0
}

/// Headers every published page carries: no scripts can run, nothing loads from elsewhere
/// but images. Static values, as every page view sends them.
fn page_headers(builder: poem::ResponseBuilder) -> poem::ResponseBuilder {
    const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");
    const POLICY: HeaderValue = HeaderValue::from_static(
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; font-src 'self'; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'self'",
    );
    const NOSNIFF: HeaderValue = HeaderValue::from_static("nosniff");
    const REFERRER: HeaderValue = HeaderValue::from_static("strict-origin-when-cross-origin");
    builder
        .header(header::CONTENT_TYPE, HTML)
        .header(header::CONTENT_SECURITY_POLICY, POLICY)
        .header(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF)
        .header(header::REFERRER_POLICY, REFERRER)
}

fn respond(request: &Request, rendered: &Rendered, public: bool) -> Response {
    let gzipped = encoding::accepts_gzip(request.headers());
    let (body, etag) =
        if gzipped { (&rendered.gzipped, &rendered.gzipped_etag) } else { (&rendered.html, &rendered.etag) };
    let builder = page_headers(Response::builder())
        .header(header::ETAG, etag.clone())
        .header(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let builder =
        if gzipped { builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip")) } else { builder };
    let builder = if public {
        // Shared caches may keep it but must ask again, so a publish shows at once.
        builder.header(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"))
    } else {
        builder
            .header(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"))
            .header("X-Robots-Tag", HeaderValue::from_static("noindex, nofollow"))
    };
    let unchanged = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tags| tags.as_bytes().split(|byte| *byte == b',').any(|tag| tag.trim_ascii() == etag.as_bytes()));
    if unchanged {
        return builder.status(StatusCode::NOT_MODIFIED).body(Body::empty());
    }
    if *request.method() == Method::HEAD {
        return builder.header(header::CONTENT_LENGTH, body.len()).body(Body::empty());
    }
    builder.body(body.clone())
}

fn unlock_form(page: &PublishedPage, error: Option<&str>, status: StatusCode) -> Response {
    page_headers(Response::builder())
        .status(status)
        .header(header::CACHE_CONTROL, "private, no-store")
        .header("X-Robots-Tag", "noindex, nofollow")
        .body(render::unlock_page(&page.title, error))
}

fn not_found() -> Response {
    page_headers(Response::builder())
        .status(StatusCode::NOT_FOUND)
        .header(header::CACHE_CONTROL, "no-store")
        .header("X-Robots-Tag", "noindex, nofollow")
        .body(render::not_found_page())
}
