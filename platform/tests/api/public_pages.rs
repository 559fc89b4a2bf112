//! Published pages over HTTP, as visitors get them: by subdomain and by path, cached with an
//! ETag, and behind each access mode.

use reqwest::header::HeaderMap;
use serde_json::json;

use crate::helpers::{Browser, TestApp, create_portfolio};

struct Visit {
    status: u16,
    headers: HeaderMap,
    body: String,
}

/// A visitor's request for `path` on `host`, with extra headers.
async fn visit(browser: &Browser, host: &str, path: &str, headers: &[(&str, &str)]) -> Visit {
    let mut request = browser.client.get(format!("{}{path}", browser.base)).header("host", host);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the server answers");
    Visit {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.expect("a body"),
    }
}

/// Ann with a published portfolio; returns her browser, the portfolio id and her handle.
async fn published(app: &TestApp) -> (Browser, String, String) {
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let handle = app.personal_workspace(&ann).await["handle"].as_str().unwrap().to_owned();
    let portfolio = create_portfolio(
        app,
        &ann,
        json!({ "title": "CV", "slug": "cv", "template": "modern", "start_with": "sample" }),
    )
    .await;
    let id = portfolio["id"].as_str().unwrap().to_owned();
    ann.post_empty(&format!("/api/v1/portfolios/{id}/publish")).await.expect(200);
    (ann, id, handle)
}

#[tokio::test]
async fn a_published_page_is_served_by_subdomain_and_by_path_with_an_etag() {
    let app = TestApp::spawn().await;
    let (ann, id, handle) = published(&app).await;
    let visitor = app.browser();
    let host = format!("{handle}.localhost:8080");

    let page = visit(&visitor, &host, "/cv", &[]).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(page.headers["cache-control"], "public, no-cache");
    assert!(page.headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    assert!(page.body.contains("<h1 class=\"header-name\">Maya Okafor</h1>"));
    assert!(page.body.contains(&format!("<link rel=\"canonical\" href=\"http://{handle}.localhost/cv\">")));
    assert!(!page.body.contains("noindex"));
    assert!(!page.body.contains("<script"));
    let etag = page.headers["etag"].to_str().unwrap().to_owned();
    let again = visit(&visitor, &host, "/cv", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    let primary = visit(&visitor, &host, "/", &[]).await;
    assert_eq!(primary.status, 200, "the only published portfolio is the workspace's page");
    let by_path = visit(&visitor, "localhost:8080", &format!("/p/{handle}/cv"), &[]).await;
    assert_eq!(by_path.status, 200);
    assert_eq!(by_path.body, page.body);
    let font = visit(&visitor, &host, "/assets/fonts/inter-400.woff2", &[]).await;
    assert_eq!(font.status, 200);
    assert_eq!(font.headers["content-type"], "font/woff2");
    assert_eq!(visit(&visitor, &host, "/nope", &[]).await.status, 404);
    assert_eq!(visit(&visitor, "nobody.localhost", "/", &[]).await.status, 404);

    // Later edits stay drafts until published again.
    let document = json!({"schema_version": 2, "sections": [
        {"type": "header", "id": "h", "name": "Ann Draft"}]});
    ann.put(&format!("/api/v1/portfolios/{id}/document"), json!({ "base_revision": 1, "document": document }))
        .await
        .expect(200);
    assert!(visit(&visitor, &host, "/cv", &[]).await.body.contains("Maya Okafor"));
    ann.post_empty(&format!("/api/v1/portfolios/{id}/publish")).await.expect(200);
    let republished = visit(&visitor, &host, "/cv", &[("if-none-match", &etag)]).await;
    assert_eq!(republished.status, 200, "a publish changes the page and its ETag");
    assert!(republished.body.contains("Ann Draft"));
    assert_ne!(republished.headers["etag"].to_str().unwrap(), etag);

    ann.patch(&format!("/api/v1/portfolios/{id}"), json!({ "slug": "resume" })).await.expect(200);
    assert_eq!(visit(&visitor, &host, "/cv", &[]).await.status, 404);
    assert_eq!(visit(&visitor, &host, "/resume", &[]).await.status, 200);
    ann.post_empty(&format!("/api/v1/portfolios/{id}/unpublish")).await.expect(200);
    assert_eq!(visit(&visitor, &host, "/resume", &[]).await.status, 404);
    ann.post_empty(&format!("/api/v1/portfolios/{id}/publish")).await.expect(200);
    ann.delete(&format!("/api/v1/portfolios/{id}")).await.expect(204);
    assert_eq!(visit(&visitor, &host, "/resume", &[]).await.status, 404, "trashed pages go offline");
}

#[tokio::test]
async fn a_page_is_sent_gzipped_to_browsers_that_take_it_with_its_own_etag() {
    let app = TestApp::spawn().await;
    let (_ann, _id, handle) = published(&app).await;
    let visitor = app.browser();
    let host = format!("{handle}.localhost:8080");
    let plain = visit(&visitor, &host, "/cv", &[]).await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert_eq!(plain.headers["vary"], "Accept-Encoding");

    let get = |encoding: &'static str| {
        visitor.client.get(format!("{}/cv", visitor.base)).header("host", &host).header("accept-encoding", encoding)
    };
    let response = get("gzip, deflate, br").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(response.headers()["vary"], "Accept-Encoding");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(etag, plain.headers["etag"].to_str().unwrap(), "each representation has its own validator");
    let compressed = response.bytes().await.unwrap();
    assert!(compressed.len() * 2 < plain.body.len(), "{} bytes gzipped of {}", compressed.len(), plain.body.len());
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&compressed[..]), &mut html).unwrap();
    assert_eq!(html, plain.body);

    let again = get("gzip").header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    let other_representation = get("gzip").header("if-none-match", plain.headers["etag"].clone()).send().await.unwrap();
    assert_eq!(other_representation.status(), 200, "the plain page's ETag does not validate the gzipped one");
    let head = visitor
        .client
        .head(format!("{}/cv", visitor.base))
        .header("host", &host)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(head.headers()["content-length"].to_str().unwrap(), compressed.len().to_string());
    let refused = get("gzip;q=0, br").send().await.unwrap();
    assert!(refused.headers().get("content-encoding").is_none());
    assert_eq!(refused.text().await.unwrap(), plain.body);
}

#[tokio::test]
async fn a_private_page_is_for_members_only() {
    let app = TestApp::spawn().await;
    let (ann, id, handle) = published(&app).await;
    ann.put(&format!("/api/v1/portfolios/{id}/access"), json!({ "mode": "private" })).await.expect(200);
    let visitor = app.browser();
    let missing = visit(&visitor, &format!("{handle}.localhost"), "/does-not-exist", &[]).await;
    let private = visit(&visitor, &format!("{handle}.localhost"), "/cv", &[]).await;
    assert_eq!(private.status, 404);
    assert_eq!(private.body, missing.body, "a private page looks exactly like a missing one");
    let (eve, _) = app.signed_in("eve@example.com", "Eve").await;
    assert_eq!(visit(&eve, "localhost", &format!("/p/{handle}/cv"), &[]).await.status, 404);

    let owner = visit(&ann, "localhost", &format!("/p/{handle}/cv"), &[]).await;
    assert_eq!(owner.status, 200, "the owner sees it");
    assert_eq!(owner.headers["cache-control"], "private, no-store");
    assert_eq!(owner.headers["x-robots-tag"], "noindex, nofollow");
    assert!(owner.body.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
}

#[tokio::test]
async fn a_password_page_unlocks_with_its_password_only() {
    let app = TestApp::spawn().await;
    let (ann, id, handle) = published(&app).await;
    let access = format!("/api/v1/portfolios/{id}/access");
    ann.put(&access, json!({ "mode": "password" })).await.expect_error(422, "required", Some("password"));
    ann.put(&access, json!({ "mode": "password", "password": "abc" })).await.expect_error(
        422,
        "invalid_password",
        Some("password"),
    );
    let set = ann.put(&access, json!({ "mode": "password", "password": "open sesame" })).await.expect(200);
    assert_eq!(set.body["has_password"], true);

    let visitor = app.browser();
    let host = format!("{handle}.localhost");
    let form = visit(&visitor, &host, "/cv", &[]).await;
    assert_eq!(form.status, 401);
    assert!(form.body.contains("<form method=\"post\">"));
    assert!(!form.body.contains("Maya"));
    assert_eq!(form.headers["cache-control"], "private, no-store");

    let post = |password: &'static str| {
        visitor
            .client
            .post(format!("{}/cv", visitor.base))
            .header("host", host.clone())
            .header("origin", format!("http://{host}"))
            .form(&[("password", password)])
            .send()
    };
    let wrong = post("open sesame!").await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().await.unwrap().contains("not right"));
    let right = post("open sesame").await.unwrap();
    assert_eq!(right.status(), 303);
    assert_eq!(right.headers()["location"], "/cv");
    // Asked for with a path a browser would read as another host, it still sends back here.
    let stranger = app.browser();
    let doubled = stranger
        .client
        .post(format!("{}//cv", stranger.base))
        .header("host", host.clone())
        .header("origin", format!("http://{host}"))
        .form(&[("password", "open sesame")])
        .send()
        .await
        .unwrap();
    assert_eq!(doubled.status(), 303);
    assert_eq!(doubled.headers()["location"], "/cv");
    let cookie = right.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let unlocked = visit(&visitor, &host, "/cv", &[]).await;
    assert_eq!(unlocked.status, 200);
    assert!(unlocked.body.contains("Maya Okafor"));
    assert_eq!(unlocked.headers["cache-control"], "private, no-store");

    // A new password locks everyone out again.
    ann.put(&access, json!({ "mode": "password", "password": "new secret" })).await.expect(200);
    assert_eq!(visit(&visitor, &host, "/cv", &[]).await.status, 401);
    // The owner needs no password.
    assert_eq!(visit(&ann, "localhost", &format!("/p/{handle}/cv"), &[]).await.status, 200);

    // Guessing is rate limited.
    let mut last = 0;
    for _ in 0..12 {
        last = post("guess").await.unwrap().status().as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn a_secret_link_works_until_it_is_rotated() {
    let app = TestApp::spawn().await;
    let (ann, id, handle) = published(&app).await;
    let access = format!("/api/v1/portfolios/{id}/access");
    ann.post_empty(&format!("{access}/rotate-secret")).await.expect_error(409, "not_secret_link", None);
    let shared = ann.put(&access, json!({ "mode": "secret_link" })).await.expect(200).body;
    let url = shared["secret_url"].as_str().unwrap().to_owned();
    let key = url.split("key=").nth(1).unwrap().to_owned();
    assert!(key.len() >= 22, "at least 128 bits");

    let visitor = app.browser();
    let host = format!("{handle}.localhost");
    assert_eq!(visit(&visitor, &host, "/cv", &[]).await.status, 404);
    assert_eq!(visit(&visitor, &host, "/cv?key=wrong", &[]).await.status, 404);
    let page = visit(&visitor, &host, &format!("/cv?key={key}"), &[]).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["x-robots-tag"], "noindex, nofollow");

    let rotated = ann.post_empty(&format!("{access}/rotate-secret")).await.expect(200).body;
    let new_key = rotated["secret_url"].as_str().unwrap().split("key=").nth(1).unwrap().to_owned();
    assert_ne!(new_key, key);
    assert_eq!(visit(&visitor, &host, &format!("/cv?key={key}"), &[]).await.status, 404, "the old link stops working");
    assert_eq!(visit(&visitor, &host, &format!("/cv?key={new_key}"), &[]).await.status, 200);

    ann.put(&access, json!({ "mode": "public" })).await.expect(200);
    let public = visit(&visitor, &host, "/cv", &[]).await;
    assert_eq!(public.status, 200);
    assert!(!public.body.contains("noindex"));
}

#[tokio::test]
async fn the_workspace_address_shows_its_primary_portfolio() {
    let app = TestApp::spawn().await;
    let (ann, first, handle) = published(&app).await;
    let document = json!({"schema_version": 2, "sections": [{"type": "header", "id": "h", "name": "Second Page"}]});
    let second =
        create_portfolio(&app, &ann, json!({ "title": "Second", "slug": "second", "document": document })).await;
    let second = second["id"].as_str().unwrap().to_owned();
    ann.post_empty(&format!("/api/v1/portfolios/{second}/publish")).await.expect(200);
    let visitor = app.browser();
    let host = format!("{handle}.localhost");
    assert!(visit(&visitor, &host, "/", &[]).await.body.contains("Maya Okafor"), "the first published by default");

    let primary = ann.post_empty(&format!("/api/v1/portfolios/{second}/make-primary")).await.expect(200).body;
    assert_eq!(primary["is_primary"], true);
    assert_eq!(ann.get(&format!("/api/v1/portfolios/{first}")).await.body["is_primary"], false);
    assert!(visit(&visitor, &host, "/", &[]).await.body.contains("Second Page"));
    ann.post_empty(&format!("/api/v1/portfolios/{second}/unpublish")).await.expect(200);
    assert!(visit(&visitor, &host, "/", &[]).await.body.contains("Maya Okafor"), "an unpublished primary falls back");
}

#[tokio::test]
async fn a_workspaces_old_handle_stops_naming_its_pages_at_once() {
    let app = TestApp::spawn().await;
    let (ann, _id, handle) = published(&app).await;
    let visitor = app.browser();
    let old = format!("/p/{handle}/cv");
    assert_eq!(visit(&visitor, "localhost", &old, &[]).await.status, 200, "served, and so cached");
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    ann.patch(&format!("/api/v1/workspaces/{workspace}"), json!({ "handle": "ann-renamed" })).await.expect(200);
    // The change is told to every replica at commit; give the notification a moment to arrive
    // (the cache would otherwise keep the old address for minutes).
    let mut status = 200;
    for _ in 0..50 {
        status = visit(&visitor, "localhost", &old, &[]).await.status;
        if status == 404 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 404, "the old handle still names the page");
    assert_eq!(visit(&visitor, "localhost", "/p/ann-renamed/cv", &[]).await.status, 200);
}
