//! Forwards a request to the platform over a pool of kept-alive connections, telling it who the
//! client was. The router is the first hop we trust, so it replaces any forwarded headers the
//! client sent rather than extending them.

use std::net::SocketAddr;

use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode, Uri};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

pub type Body = BoxBody<Bytes, hyper::Error>;

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

#[derive(Clone)]
pub struct Upstream {
    client: Client<HttpConnector, Incoming>,
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
}

impl Upstream {
    pub fn new(url: &url::Url) -> anyhow::Result<Self> {
        let authority: http::uri::Authority = match url.port_or_known_default() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or("127.0.0.1")).parse()?,
            None => url.host_str().unwrap_or("127.0.0.1").parse()?,
        };
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(std::time::Duration::from_secs(90))
            .pool_max_idle_per_host(64)
            .build(connector);
        Ok(Upstream { client, scheme: url.scheme().parse()?, authority })
    }

    pub async fn forward(&self, mut request: Request<Incoming>, peer: SocketAddr, https: bool) -> Response<Body> {
        let path_and_query =
            request.uri().path_and_query().cloned().unwrap_or_else(|| http::uri::PathAndQuery::from_static("/"));
        let uri = Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(path_and_query)
            .build();
        let Ok(uri) = uri else {
            return error_response(StatusCode::BAD_REQUEST, "bad_request", "the request target is not valid");
        };
        let host =
            request.headers().get(header::HOST).cloned().or_else(|| {
                request.uri().authority().and_then(|authority| HeaderValue::from_str(authority.as_str()).ok())
            });
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        for name in HOP_BY_HOP {
            headers.remove(name);
        }
        headers.remove("forwarded");
        let set = |headers: &mut http::HeaderMap, name: &'static str, value: Option<HeaderValue>| match value {
            Some(value) => {
                headers.insert(HeaderName::from_static(name), value);
            }
            None => {
                headers.remove(name);
            }
        };
        set(headers, "x-forwarded-for", HeaderValue::from_str(&peer.ip().to_string()).ok());
        set(headers, "x-forwarded-proto", Some(HeaderValue::from_static(if https { "https" } else { "http" })));
        set(headers, "x-forwarded-host", host);
        match self.client.request(request).await {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                for name in HOP_BY_HOP {
                    parts.headers.remove(name);
                }
                Response::from_parts(parts, body.boxed())
            }
            Err(error) => {
                tracing::warn!(error = %error, "the platform did not answer");
                error_response(StatusCode::BAD_GATEWAY, "bad_gateway", "the service is unavailable; try again shortly")
            }
        }
    }
}

/// An answer of the router's own, in the product's one error body.
pub fn error_response(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({ "error": { "code": code, "message": message, "field": null } }).to_string();
    let mut response = Response::new(Full::new(Bytes::from(body)).map_err(|never| match never {}).boxed());
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
