//! What every request meets: the OpenAPI document, health and metrics, the error body for
//! framework errors, cross-site protection, forwarded headers and request ids.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp};

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_docs_are_served() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let spec = browser.get("/api/openapi.json").await.expect(200).body;
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths = spec["paths"].as_object().unwrap();
    for path in [
        "/api/v1/auth/signup",
        "/api/v1/auth/verify-email",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/logout-all",
        "/api/v1/auth/password-reset",
        "/api/v1/auth/password-reset/confirm",
        "/api/v1/auth/oidc/google/start",
        "/api/v1/auth/oidc/google/callback",
        "/api/v1/me",
        "/api/v1/workspaces",
        "/api/v1/workspaces/{workspace_id}",
        "/api/v1/workspaces/{workspace_id}/members/{user_id}",
        "/api/v1/workspaces/{workspace_id}/invitations",
        "/api/v1/invitations/accept",
    ] {
        assert!(paths.contains_key(path), "{path} is missing from the spec");
    }
    assert!(spec["components"]["schemas"]["ErrorBody"].is_object());
    assert_eq!(spec.to_string(), vitrine_platform::openapi_spec().parse::<serde_json::Value>().unwrap().to_string());
    let docs = browser.get("/api/docs").await;
    assert_eq!(docs.status, 200);
    assert!(docs.body.as_str().unwrap().contains("swagger"), "interactive docs are served");
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    assert_eq!(browser.get("/healthz").await.expect(200).body, "ok");
    assert_eq!(browser.get("/readyz").await.expect(200).body, "ready");
    browser.get("/api/v1/auth/providers").await.expect(200);
    let metrics = browser.get("/metrics").await.expect(200);
    let text = metrics.body.as_str().unwrap();
    assert!(text.contains("vitrine_platform_http_requests_total{method=\"GET\",status=\"200\"}"), "{text}");
    assert!(text.contains("vitrine_platform_http_request_duration_seconds_bucket"), "{text}");
}

#[tokio::test]
async fn framework_errors_use_the_one_error_body() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    browser.get("/api/v1/no-such-thing").await.expect_error(404, "not_found", None);
    browser.delete("/api/v1/auth/providers").await.expect_error(405, "method_not_allowed", None);
    let reply = browser
        .send(
            browser
                .client
                .post(format!("{}/api/v1/auth/login", app.base))
                .header("content-type", "text/plain")
                .body("hi"),
        )
        .await;
    assert_eq!(reply.status / 100, 4, "{reply:?}");
    assert!(reply.body["error"]["code"].is_string(), "{}", reply.body);
    // A JSON body past its limit is refused as too large, as an upload is.
    let huge = json!({ "email": "a".repeat(300 * 1024), "password": "x" });
    browser.post("/api/v1/auth/login", huge).await.expect_error(413, "payload_too_large", None);
}

#[tokio::test]
async fn state_changing_requests_from_other_sites_are_refused() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let evil = app.browser_from("https://evil.example");
    let login = json!({ "email": "ann@example.com", "password": PASSWORD });
    evil.post("/api/v1/auth/login", login.clone()).await.expect_error(403, "cross_site_request", None);
    // A forged request riding on Ann's cookies is refused too.
    let forged = ann
        .send(
            ann.client
                .patch(format!("{}/api/v1/me", app.base))
                .header("origin", "https://evil.example")
                .json(&json!({ "full_name": "Hacked" })),
        )
        .await;
    forged.expect_error(403, "cross_site_request", None);
    let marked = ann
        .send(
            ann.client
                .post(format!("{}/api/v1/auth/logout-all", app.base))
                .header("sec-fetch-site", "cross-site")
                .header("origin", "null"),
        )
        .await;
    marked.expect_error(403, "cross_site_request", None);
    assert_eq!(ann.get("/api/v1/me").await.expect(200).body["full_name"], "Ann");
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    // 127.0.0.1 is a trusted proxy by default: the rate limit follows X-Forwarded-For.
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let sign_up = |number: u32, forwarded: &'static str| {
        browser.send(
            browser
                .client
                .post(format!("{}/api/v1/auth/signup", app.base))
                .header("x-forwarded-for", forwarded)
                .json(&json!({ "email": format!("u{number}@example.com"), "password": PASSWORD, "full_name": "U" })),
        )
    };
    for number in 0..10 {
        sign_up(number, "203.0.113.7").await.expect(201);
    }
    sign_up(10, "203.0.113.7").await.expect_error(429, "rate_limited", None);
    sign_up(11, "198.51.100.9").await.expect(201);

    // With no trusted proxy, the header is ignored and the peer address counts.
    let strict = TestApp::spawn_with(&["--trusted-proxies=10.0.0.0/8"]).await;
    let browser = strict.browser();
    for number in 0..10 {
        let forwarded = format!("198.51.100.{number}");
        browser
            .send(
                browser
                    .client
                    .post(format!("{}/api/v1/auth/signup", strict.base))
                    .header("x-forwarded-for", forwarded)
                    .json(
                        &json!({ "email": format!("s{number}@example.com"), "password": PASSWORD, "full_name": "U" }),
                    ),
            )
            .await
            .expect(201);
    }
    browser
        .post("/api/v1/auth/signup", json!({ "email": "s10@example.com", "password": PASSWORD, "full_name": "U" }))
        .await
        .expect_error(429, "rate_limited", None);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let reply = browser.get("/healthz").await;
    let generated = reply.headers.get("x-request-id").expect("a request id").to_str().unwrap();
    assert_eq!(generated.len(), 36);
    let given =
        browser.send(browser.client.get(format!("{}/healthz", app.base)).header("x-request-id", "abc-123")).await;
    assert_eq!(given.headers.get("x-request-id").unwrap(), "abc-123");
}

#[tokio::test]
async fn the_apps_built_files_are_sent_gzipped_and_cached_for_good() {
    let dist = std::env::temp_dir().join(format!("vitrine-dist-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><div id=root></div>").unwrap();
    let script = "export const greeting = 'hello';\n".repeat(100);
    std::fs::write(dist.join("assets/index-4f2a9c.js"), &script).unwrap();
    std::fs::write(dist.join("assets/photo-1b2c3d.png"), [0x89, b'P', b'N', b'G']).unwrap();
    let app = TestApp::spawn_with(&[&format!("--frontend-dir={}", dist.display())]).await;
    let client = reqwest::Client::new();
    let get = |path: &str, encoding: &str| {
        client.get(format!("{}/app{path}", app.base)).header("accept-encoding", encoding.to_owned()).send()
    };

    let gzipped = get("/assets/index-4f2a9c.js", "gzip, br").await.unwrap();
    assert_eq!(gzipped.status(), 200);
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(gzipped.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(gzipped.headers()["vary"], "Accept-Encoding");
    let compressed = gzipped.bytes().await.unwrap();
    assert!(compressed.len() * 10 < script.len());
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&compressed[..]), &mut text).unwrap();
    assert_eq!(text, script);

    let plain = get("/assets/index-4f2a9c.js", "identity").await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(plain.text().await.unwrap(), script);
    let image = get("/assets/photo-1b2c3d.png", "gzip").await.unwrap();
    assert!(image.headers().get("content-encoding").is_none(), "images are compressed already");
    assert_eq!(image.headers()["cache-control"], "public, max-age=31536000, immutable");

    // The app's page, given for the app's own routes and for names that are no built file,
    // is never cached for good.
    for path in ["/workspaces", "/assets/index-000000.js"] {
        let page = get(path, "gzip").await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.headers().get("cache-control").is_none_or(|value| !value.to_str().unwrap().contains("immutable")));
        assert!(page.text().await.unwrap().contains("id=root"));
    }
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_hung_up_on() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let mut stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n").await.unwrap();
    let mut answer = Vec::new();
    // Read until the platform closes the connection; a held connection would time the read out.
    let read = tokio::time::timeout(std::time::Duration::from_secs(60), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the platform kept a connection whose request never came");
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));
}
