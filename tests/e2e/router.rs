//! The router forwards every request to the platform with the client's address, host and
//! scheme, over kept-alive connections, and keeps the metrics off the public port; it skips a
//! replica it cannot reach, limits bodies and waiting, believes forwarded addresses only from
//! trusted proxies, and splices upgraded connections through.

use std::time::Duration;

use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{Request, Server, handler};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vitrine_testing::TestDatabase;

use crate::processes::{Process, free_port, wait_ready};

/// An upstream that answers with what it received (`/slow` after three seconds).
#[handler]
async fn echo(request: &Request, body: Vec<u8>) -> poem::web::Json<Value> {
    if request.uri().path() == "/slow" {
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    let headers: serde_json::Map<String, Value> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), json!(value.to_str().unwrap_or_default())))
        .collect();
    poem::web::Json(json!({ "path": request.uri().to_string(), "headers": headers, "length": body.len() }))
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

fn router(db: &TestDatabase, upstreams: &[u16], extra: &[(&str, &str)]) -> (Process, u16, u16) {
    let (public, admin) = (free_port(), free_port());
    let platforms: Vec<String> = upstreams.iter().map(|port| format!("http://127.0.0.1:{port}")).collect();
    let mut environment = vec![
        ("VITRINE_DATABASE_URL", db.url.clone()),
        ("VITRINE_PLATFORM_URL", platforms.join(",")),
        ("VITRINE_HTTP_PORT", public.to_string()),
        ("VITRINE_ROUTER_ADMIN_ADDR", format!("127.0.0.1:{admin}")),
        ("VITRINE_ROUTER_SECRET", "the routers' secret for end-to-end tests".to_owned()),
    ];
    environment.extend(extra.iter().map(|(name, value)| (*name, value.to_string())));
    (Process::start("tenant-router", &environment), public, admin)
}

#[tokio::test]
async fn a_replica_that_cannot_be_reached_is_skipped_for_requests_that_can_be_repeated() {
    let db = TestDatabase::create().await;
    let (alive, dead) = (start_echo().await, free_port());
    let (_router, public, admin) = router(&db, &[dead, alive], &[]);
    wait_ready(&format!("http://127.0.0.1:{admin}/readyz")).await;
    let client = reqwest::Client::new();
    for _ in 0..4 {
        let response =
            client.get(format!("http://127.0.0.1:{public}/x")).header("host", "localhost").send().await.unwrap();
        assert_eq!(response.status(), 200, "every GET is answered, whichever replica comes first");
    }
}

#[tokio::test]
async fn bodies_and_waits_are_limited() {
    let db = TestDatabase::create().await;
    let upstream = start_echo().await;
    let (_router, public, admin) =
        router(&db, &[upstream], &[("VITRINE_MAX_BODY_BYTES", "1000"), ("VITRINE_UPSTREAM_TIMEOUT", "1s")]);
    wait_ready(&format!("http://127.0.0.1:{admin}/readyz")).await;
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{public}/upload");
    let small = client.post(&url).header("host", "localhost").body(vec![b'x'; 1000]).send().await.unwrap();
    assert_eq!(small.json::<Value>().await.unwrap()["length"], 1000);
    let large = client.post(&url).header("host", "localhost").body(vec![b'x'; 1001]).send().await.unwrap();
    assert_eq!(large.status(), 413);
    // Streamed without a length: cut off at the limit.
    let chunks = futures::stream::iter((0..20).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 100])));
    let streamed =
        client.post(&url).header("host", "localhost").body(reqwest::Body::wrap_stream(chunks)).send().await.unwrap();
    assert_eq!(streamed.status(), 413);
    let slow = client.get(format!("http://127.0.0.1:{public}/slow")).header("host", "localhost").send().await.unwrap();
    assert_eq!(slow.status(), 504);
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_hung_up_on() {
    let db = TestDatabase::create().await;
    let upstream = start_echo().await;
    let (_router, public, admin) = router(&db, &[upstream], &[]);
    wait_ready(&format!("http://127.0.0.1:{admin}/readyz")).await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", public)).await.unwrap();
    stream.write_all(b"GET /x HTTP/1.1\r\nHost: localhost\r\n").await.unwrap();
    let mut answer = Vec::new();
    // Read until the router closes the connection; a held connection would time the read out.
    let read = tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the router kept a connection whose request never came");
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));
}

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let db = TestDatabase::create().await;
    let upstream = start_echo().await;
    let client = reqwest::Client::new();
    for (trusted, expected) in [("127.0.0.0/8", "203.0.113.7"), ("10.0.0.0/8", "127.0.0.1")] {
        let (_router, public, admin) = router(&db, &[upstream], &[("VITRINE_ROUTER_TRUSTED_PROXIES", trusted)]);
        wait_ready(&format!("http://127.0.0.1:{admin}/readyz")).await;
        let reply: Value = client
            .get(format!("http://127.0.0.1:{public}/"))
            .header("host", "localhost")
            .header("x-forwarded-for", "198.51.100.1, 203.0.113.7")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(reply["headers"]["x-forwarded-for"], expected, "trusting {trusted}");
    }
}

/// An upstream that switches protocols on request and then echoes every byte back.
async fn start_upgrading_upstream() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                assert!(head.contains("upgrade: websocket"), "the upgrade reaches the platform: {head}");
                stream
                    .write_all(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                    .await
                    .unwrap();
                let (mut reader, mut writer) = stream.split();
                let _ = tokio::io::copy(&mut reader, &mut writer).await;
            });
        }
    });
    port
}

#[tokio::test]
async fn upgraded_connections_pass_through() {
    let db = TestDatabase::create().await;
    let upstream = start_upgrading_upstream().await;
    let (_router, public, admin) = router(&db, &[upstream], &[]);
    wait_ready(&format!("http://127.0.0.1:{admin}/readyz")).await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", public)).await.unwrap();
    stream
        .write_all(
            b"GET /editor/live HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
              Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        assert_ne!(stream.read(&mut byte).await.unwrap(), 0, "the router closed the connection");
        answer.push(byte[0]);
    }
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 101"), "{}", String::from_utf8_lossy(&answer));
    stream.write_all(b"frames both ways").await.unwrap();
    let mut echoed = [0u8; 16];
    tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut echoed)).await.unwrap().unwrap();
    assert_eq!(&echoed, b"frames both ways");
}
