//! Who is on the other end: the client's address and the scheme and host it used. Forwarded
//! headers are believed only from trusted proxies (the router); anyone else could forge them.

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;
use poem::http::{Method, header};
use poem::web::RemoteAddr;
use poem::{Endpoint, IntoResponse, Request, Response};

use crate::error::ApiError;

#[derive(Debug, Clone)]
pub struct Client {
    pub ip: Option<IpAddr>,
    /// `scheme://host[:port]` as the client addressed us.
    pub origin: Option<String>,
    /// `host[:port]`, lowercase, as the client addressed us.
    pub host: Option<String>,
}

pub struct ClientPolicy {
    pub trusted_proxies: Vec<IpNet>,
    /// The origin the app is published at; requests from it may change state.
    pub public_origin: String,
}

impl ClientPolicy {
    pub fn resolve(&self, request: &Request) -> Client {
        let peer = match request.remote_addr() {
            RemoteAddr(poem::Addr::SocketAddr(address)) => Some(address.ip()),
            _ => None,
        };
        let trusted = peer.is_some_and(|ip| self.trusted_proxies.iter().any(|net| net.contains(&ip)));
        let header_text = |name: &str| request.headers().get(name).and_then(|value| value.to_str().ok());
        let ip = if trusted {
            // The router appends the peer it saw; the right-most entry is the one it vouches for.
            header_text("x-forwarded-for")
                .and_then(|list| list.rsplit(',').next())
                .and_then(|entry| entry.trim().parse().ok())
                .or(peer)
        } else {
            peer
        };
        let forwarded_proto = header_text("x-forwarded-proto").filter(|_| trusted);
        let https = forwarded_proto.map(|proto| proto.eq_ignore_ascii_case("https")).unwrap_or(false);
        let host = header_text("x-forwarded-host").filter(|_| trusted).or_else(|| header_text("host"));
        let host = host.map(str::to_ascii_lowercase);
        let origin = host.as_ref().map(|host| format!("{}://{host}", if https { "https" } else { "http" }));
        Client { ip, origin, host }
    }

    /// Refuses a state-changing request sent by another site: its `Origin` (or, failing that,
    /// `Sec-Fetch-Site`) must say it came from our own pages.
    fn allows(&self, request: &Request, client: &Client) -> bool {
        if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
            return true;
        }
        match request.headers().get(header::ORIGIN).and_then(|value| value.to_str().ok()) {
            Some(origin) => {
                let origin = origin.to_ascii_lowercase();
                origin == self.public_origin || client.origin.as_deref() == Some(origin.as_str())
            }
            None => !request
                .headers()
                .get("sec-fetch-site")
                .is_some_and(|site| site.as_bytes() == b"cross-site" || site.as_bytes() == b"same-site"),
        }
    }
}

/// Resolves the [`Client`] into the request's data, first of all, so everything after
/// (logs, page routing, the cross-site check) sees the same trusted view.
pub async fn resolve<E: Endpoint>(next: E, mut request: Request, policy: Arc<ClientPolicy>) -> poem::Result<Response> {
    let client = policy.resolve(&request);
    request.extensions_mut().insert(client);
    next.call(request).await.map(IntoResponse::into_response)
}

/// Refuses a state-changing request sent by another site.
pub async fn cross_site_check<E: Endpoint>(
    next: E,
    request: Request,
    policy: Arc<ClientPolicy>,
) -> poem::Result<Response> {
    let allowed = match request.extensions().get::<Client>() {
        Some(client) => policy.allows(&request, client),
        None => false,
    };
    if !allowed {
        return Ok(poem::Error::from(ApiError::Forbidden(poem_openapi::payload::Json(crate::error::ErrorBody {
            error: crate::error::ErrorDetail {
                code: "cross_site_request".into(),
                message: "this request came from another site and was refused".into(),
                ..Default::default()
            },
        })))
        .into_response());
    }
    next.call(request).await.map(IntoResponse::into_response)
}
