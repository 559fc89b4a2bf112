//! The router forwards every request to the platform with the client's address, host and
//! scheme, over kept-alive connections, and keeps the metrics off the public port.

use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{Request, Server, handler};
use serde_json::{Value, json};
use vitrine_testing::TestDatabase;

use crate::processes::{Process, free_port, wait_ready};

/// An upstream that answers with what it received.
#[handler]
fn echo(request: &Request) -> poem::web::Json<Value> {
    let headers: serde_json::Map<String, Value> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), json!(value.to_str().unwrap_or_default())))
        .collect();
    poem::web::Json(json!({ "path": request.uri().to_string(), "headers": headers }))
}

async fn start_echo() -> u16 {
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
    let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
    tokio::spawn(Server::new_with_acceptor(acceptor).run(poem::Route::new().nest("/", echo)));
    port
}

#[tokio::test]
async fn requests_reach_the_platform_with_trustworthy_forwarded_headers() {
    let db = TestDatabase::create().await;
    let upstream = start_echo().await;
    let (public, admin) = (free_port(), free_port());
    let _router = Process::start(
        "tenant-router",
        &[
            ("VITRINE_DATABASE_URL", db.url.clone()),
            ("VITRINE_PLATFORM_URL", format!("http://127.0.0.1:{upstream}")),
            ("VITRINE_HTTP_PORT", public.to_string()),
            ("VITRINE_ROUTER_ADMIN_ADDR", format!("127.0.0.1:{admin}")),
            ("VITRINE_ROUTER_SECRET", "the routers' secret for end-to-end tests".to_owned()),
        ],
    );
    wait_ready(&format!("http://127.0.0.1:{admin}/readyz")).await;
    let client = reqwest::Client::new();
    let reply: Value = client
        .get(format!("http://127.0.0.1:{public}/p/ann/site?x=1"))
        .header("host", format!("localhost:{public}"))
        .header("x-forwarded-for", "203.0.113.66")
        .header("x-forwarded-host", "evil.example")
        .header("x-forwarded-proto", "https")
        .header("x-vitrine-site", "ann 00000000-0000-0000-0000-000000000000 forged")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let headers = &reply["headers"];
    assert_eq!(reply["path"], "/p/ann/site?x=1");
    assert_eq!(headers["x-forwarded-for"], "127.0.0.1", "the client's own claim is replaced: {headers}");
    assert_eq!(headers["x-forwarded-host"], format!("localhost:{public}"));
    assert_eq!(headers["x-forwarded-proto"], "http");
    assert_eq!(headers["x-vitrine-site"], Value::Null, "a client cannot name a site");

    for stranger in ["random.example", "nobody.localhost", "a.b.localhost"] {
        let response = client.get(format!("http://127.0.0.1:{public}/")).header("host", stranger).send().await.unwrap();
        assert_eq!(response.status(), 404, "{stranger}");
        assert!(response.text().await.unwrap().contains("No site here"), "{stranger} is nobody's site");
    }

    let metrics = client.get(format!("http://127.0.0.1:{public}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 404, "metrics stay off the public port");
    let private = client.get(format!("http://127.0.0.1:{admin}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(private.contains("vitrine_router_http_responses_total{status=\"200\"} 1"), "{private}");
    assert!(private.contains("vitrine_router_http_responses_total{status=\"404\"} 4"), "{private}");
    assert_eq!(client.get(format!("http://127.0.0.1:{admin}/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn an_unreachable_platform_gets_a_502_in_the_error_body() {
    let db = TestDatabase::create().await;
    let (public, admin, nowhere) = (free_port(), free_port(), free_port());
    let _router = Process::start(
        "tenant-router",
        &[
            ("VITRINE_DATABASE_URL", db.url.clone()),
            ("VITRINE_PLATFORM_URL", format!("http://127.0.0.1:{nowhere}")),
            ("VITRINE_HTTP_PORT", public.to_string()),
            ("VITRINE_ROUTER_ADMIN_ADDR", format!("127.0.0.1:{admin}")),
            ("VITRINE_ROUTER_SECRET", "the routers' secret for end-to-end tests".to_owned()),
        ],
    );
    wait_ready(&format!("http://127.0.0.1:{admin}/readyz")).await;
    let response = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{public}/api/v1/me"))
        .header("host", "localhost")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_gateway");
}
