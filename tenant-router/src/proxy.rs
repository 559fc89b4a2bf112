//! Forwards a request to one of the platform replicas over kept-alive connections, telling it
//! who the client was. The router is the first hop the platform trusts, so it replaces any
//! forwarded headers (and any site header) the client sent rather than extending them.
//! Requests without a body that are safe to repeat go to another replica when one cannot be
//! reached; upgrades (WebSocket) are spliced through.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode, Uri};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full, Limited};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use vitrine_core::sites::SITE_HEADER;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long a kept connection to the platform may stay unused: under the platform's 30 seconds
/// for a request's headers to arrive, so the router is never the one sending on a connection
/// the platform is closing.
const UPSTREAM_IDLE: Duration = Duration::from_secs(20);

/// Answers up to this size are read whole before they are sent on.
const BUFFERED_ANSWER: usize = 256 * 1024;
pub type Body = UnsyncBoxBody<Bytes, BoxError>;

/// Headers that describe one connection, not the message, and must not cross the proxy.
const HOP_BY_HOP: [HeaderName; 7] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::UPGRADE,
];

/// What the router learnt about a request, for the platform.
pub struct Forwarded {
    pub client: IpAddr,
    pub https: bool,
    /// The signed site header of a custom domain.
    pub site: Option<HeaderValue>,
}

struct Target {
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    healthy: AtomicBool,
}

pub struct Upstreams {
    targets: Vec<Target>,
    next: AtomicUsize,
    client: Client<HttpConnector, Body>,
    max_body: u64,
    timeout: Duration,
}

impl Upstreams {
    pub fn new(urls: &[url::Url], max_body: u64, timeout: Duration) -> anyhow::Result<Arc<Self>> {
        let targets = urls
            .iter()
            .map(|url| {
                let host = url.host_str().unwrap_or("127.0.0.1");
                let authority = match url.port_or_known_default() {
                    Some(port) => format!("{host}:{port}").parse()?,
                    None => host.parse()?,
                };
                Ok(Target { scheme: url.scheme().parse()?, authority, healthy: AtomicBool::new(true) })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        anyhow::ensure!(!targets.is_empty(), "VITRINE_PLATFORM_URL names no platform");
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_secs(2)));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(UPSTREAM_IDLE)
            .pool_max_idle_per_host(256)
            .build(connector);
        Ok(Arc::new(Upstreams { targets, next: AtomicUsize::new(0), client, max_body, timeout }))
    }

    /// Asks every replica's `/healthz` every two seconds; requests go to healthy ones.
    pub fn check_health_periodically(self: &Arc<Self>) {
        let upstreams = self.clone();
        tokio::spawn(async move {
            loop {
                for target in &upstreams.targets {
                    let uri = Uri::builder()
                        .scheme(target.scheme.clone())
                        .authority(target.authority.clone())
                        .path_and_query("/healthz")
                        .build()
                        .expect("a known scheme and authority make a URI");
                    let request = Request::get(uri).body(empty()).expect("a GET builds");
                    let answer = tokio::time::timeout(Duration::from_secs(2), upstreams.client.request(request)).await;
                    let healthy = matches!(answer, Ok(Ok(ref response)) if response.status().is_success());
                    if target.healthy.swap(healthy, Ordering::Relaxed) != healthy {
                        tracing::warn!(upstream = %target.authority, healthy, "platform replica health changed");
                    }
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
    }

    /// The next healthy replica after the last one used, not `skip`; any when none is healthy.
    fn pick(&self, tried: &[usize]) -> Option<usize> {
        let count = self.targets.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let mut candidates = (0..count).map(|offset| (start + offset) % count).filter(|index| !tried.contains(index));
        let first = candidates.clone().next();
        candidates.find(|&index| self.targets[index].healthy.load(Ordering::Relaxed)).or(first)
    }

    pub async fn forward(&self, mut request: Request<Incoming>, forwarded: Forwarded) -> Response<Body> {
        let too_large = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok())
            .is_some_and(|length| length > self.max_body);
        if too_large {
            return error_response(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the request body is too large");
        }
        let upgrade = is_upgrade(request.headers()).then(|| hyper::upgrade::on(&mut request));
        let host =
            request.headers().get(header::HOST).cloned().or_else(|| {
                request.uri().authority().and_then(|authority| HeaderValue::from_str(authority.as_str()).ok())
            });
        let (mut parts, body) = request.into_parts();
        let upgrade_protocol = parts.headers.get(header::UPGRADE).cloned();
        strip_hop_by_hop(&mut parts.headers);
        if let (Some(_), Some(protocol)) = (&upgrade, upgrade_protocol) {
            parts.headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
            parts.headers.insert(header::UPGRADE, protocol);
        }
        let headers = &mut parts.headers;
        for name in ["forwarded", SITE_HEADER] {
            headers.remove(name);
        }
        let set = |headers: &mut http::HeaderMap, name: &'static str, value: Option<HeaderValue>| match value {
            Some(value) => {
                headers.insert(HeaderName::from_static(name), value);
            }
            None => {
                headers.remove(name);
            }
        };
        set(headers, "x-forwarded-for", HeaderValue::from_str(&forwarded.client.to_string()).ok());
        set(
            headers,
            "x-forwarded-proto",
            Some(HeaderValue::from_static(if forwarded.https { "https" } else { "http" })),
        );
        set(headers, "x-forwarded-host", host);
        set(headers, SITE_HEADER, forwarded.site);

        let repeatable = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS)
            && upgrade.is_none()
            && !parts.headers.contains_key(header::TRANSFER_ENCODING)
            && parts.headers.get(header::CONTENT_LENGTH).is_none_or(|length| length.as_bytes() == b"0");
        let mut body = Some(if repeatable {
            empty()
        } else {
            Limited::new(body, usize::try_from(self.max_body).unwrap_or(usize::MAX)).boxed_unsync()
        });
        let mut tried = Vec::new();
        let mut parts = Some(parts);
        loop {
            let Some(index) = self.pick(&tried) else {
                break bad_gateway();
            };
            tried.push(index);
            let target = &self.targets[index];
            // The request is copied only when another replica may be tried after this one.
            let retry_possible = repeatable && tried.len() < self.targets.len();
            let Some(this) = (if retry_possible { parts.clone() } else { parts.take() }) else {
                break bad_gateway();
            };
            let path = this.uri.path_and_query().cloned().unwrap_or_else(|| http::uri::PathAndQuery::from_static("/"));
            let uri = Uri::builder()
                .scheme(target.scheme.clone())
                .authority(target.authority.clone())
                .path_and_query(path)
                .build();
            let Ok(uri) = uri else {
                break error_response(StatusCode::BAD_REQUEST, "bad_request", "the request target is not valid");
            };
            let mut attempt = Request::from_parts(this, body.take().unwrap_or_else(empty));
            *attempt.uri_mut() = uri;
            *attempt.version_mut() = http::Version::HTTP_11;
            match tokio::time::timeout(self.timeout, self.client.request(attempt)).await {
                Ok(Ok(response)) => break self.relay(response, upgrade).await,
                Ok(Err(error)) if error.is_connect() => {
                    target.healthy.store(false, Ordering::Relaxed);
                    tracing::warn!(upstream = %target.authority, %error, "a platform replica cannot be reached");
                    if retry_possible {
                        body = Some(empty());
                        continue;
                    }
                    break bad_gateway();
                }
                Ok(Err(error)) if is_length_limit(&error) => {
                    break error_response(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the request body is too large");
                }
                Ok(Err(error)) => {
                    tracing::warn!(upstream = %target.authority, %error, "the platform did not answer");
                    break bad_gateway();
                }
                Err(_) => {
                    break error_response(
                        StatusCode::GATEWAY_TIMEOUT,
                        "timeout",
                        "the service took too long to answer",
                    );
                }
            }
        }
    }

    async fn relay(
        &self,
        response: Response<Incoming>,
        client_upgrade: Option<hyper::upgrade::OnUpgrade>,
    ) -> Response<Body> {
        let (mut parts, body) = response.into_parts();
        if parts.status == StatusCode::SWITCHING_PROTOCOLS
            && let Some(client_upgrade) = client_upgrade
        {
            let upstream_upgrade = hyper::upgrade::on(Response::from_parts(parts.clone(), ()));
            tokio::spawn(async move {
                match tokio::try_join!(client_upgrade, upstream_upgrade) {
                    Ok((client, upstream)) => {
                        let _ =
                            tokio::io::copy_bidirectional(&mut TokioIo::new(client), &mut TokioIo::new(upstream)).await;
                    }
                    Err(error) => tracing::debug!(%error, "an upgrade did not complete"),
                }
            });
            return Response::from_parts(parts, empty());
        }
        strip_hop_by_hop(&mut parts.headers);
        // A small answer of known length is read whole and sent in one write, rather than
        // relayed frame by frame: fewer system calls for the pages most requests are for.
        let small = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<usize>().ok())
            .is_some_and(|length| length <= BUFFERED_ANSWER);
        if small {
            return match body.collect().await {
                Ok(collected) => Response::from_parts(parts, full(collected.to_bytes())),
                Err(error) => {
                    tracing::warn!(%error, "the platform's answer broke off");
                    bad_gateway()
                }
            };
        }
        Response::from_parts(parts, body.map_err(BoxError::from).boxed_unsync())
    }
}

fn is_upgrade(headers: &http::HeaderMap) -> bool {
    headers.contains_key(header::UPGRADE)
        && headers
            .get_all(header::CONNECTION)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|value| value.split(',').any(|token| token.trim().eq_ignore_ascii_case("upgrade")))
}

fn strip_hop_by_hop(headers: &mut http::HeaderMap) {
    // Headers the Connection header names are hop-by-hop too.
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|token| HeaderName::from_bytes(token.trim().as_bytes()).ok())
        .collect();
    for name in HOP_BY_HOP.iter().chain(&named) {
        headers.remove(name);
    }
}

fn is_length_limit(error: &hyper_util::client::legacy::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = cause.source();
    }
    false
}

fn bad_gateway() -> Response<Body> {
    error_response(StatusCode::BAD_GATEWAY, "bad_gateway", "the service is unavailable; try again shortly")
}

pub fn empty() -> Body {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

pub fn full(body: impl Into<Bytes>) -> Body {
    Full::new(body.into()).map_err(|never| match never {}).boxed_unsync()
}

/// An answer of the router's own, in the product's one error body.
pub fn error_response(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({ "error": { "code": code, "message": message, "field": null } }).to_string();
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The client's address: the socket's peer, or, when the peer is a trusted proxy (a load
/// balancer in front), the right-most address of `X-Forwarded-For` that is not one.
pub fn client_address(peer: IpAddr, headers: &http::HeaderMap, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    for entry in entries.into_iter().rev() {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => continue,
            Ok(ip) => return ip,
            // Whatever lies left of an unreadable entry cannot be vouched for.
            Err(_) => break,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let mut headers = http::HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 203.0.113.7, 10.0.0.2"));
        let lb: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(client_address(lb, &headers, &trusted), "203.0.113.7".parse::<IpAddr>().unwrap());
        let stranger: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(client_address(stranger, &headers, &trusted), stranger);
        assert_eq!(client_address(lb, &headers, &[]), lb);
        headers.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(client_address(lb, &headers, &trusted), lb);
        headers.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, garbage, 10.0.0.2"));
        assert_eq!(client_address(lb, &headers, &trusted), lb);
    }

    #[test]
    fn connection_named_headers_are_dropped() {
        let mut headers = http::HeaderMap::new();
        headers.insert(header::CONNECTION, HeaderValue::from_static("close, x-secret"));
        headers.insert("x-secret", HeaderValue::from_static("1"));
        headers.insert("x-kept", HeaderValue::from_static("1"));
        strip_hop_by_hop(&mut headers);
        assert!(headers.get("x-secret").is_none() && headers.get(header::CONNECTION).is_none());
        assert!(headers.get("x-kept").is_some());
    }
}
