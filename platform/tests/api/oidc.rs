//! "Sign in with Google" and "Sign in with LinkedIn" against a real OpenID provider on loopback.

use serde_json::json;
use vitrine_testing::openid::{CLIENT_ID, CLIENT_SECRET, Identity, OpenIdProvider, Tokens};

use crate::helpers::{Browser, PASSWORD, TestApp};

async fn app_with(provider: &OpenIdProvider) -> TestApp {
    TestApp::spawn_with(&[
        &format!("--google-issuer-url={}", provider.issuer),
        &format!("--google-client-id={CLIENT_ID}"),
        &format!("--google-client-secret={CLIENT_SECRET}"),
    ])
    .await
}

fn identity(email: &str, verified: bool) -> Identity {
    Identity {
        subject: format!("google-{email}"),
        email: email.into(),
        email_verified: verified,
        name: "Gina Google".into(),
    }
}

/// Follows the browser's path: our start URL → the provider → our callback. Returns where the
/// callback sends the browser.
async fn sign_in_with_google(app: &TestApp, browser: &Browser) -> String {
    sign_in_with(app, browser, "google").await
}

async fn sign_in_with(app: &TestApp, browser: &Browser, provider: &str) -> String {
    let start = browser.get(&format!("/api/v1/auth/oidc/{provider}/start?next=/app/settings")).await;
    assert_eq!(start.status, 302, "{}", start.body);
    let authorize = start.headers.get("location").unwrap().to_str().unwrap().to_owned();
    let url = url::Url::parse(&authorize).unwrap();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert!(query.contains_key("state") && query.contains_key("nonce"));
    assert_eq!(query["redirect_uri"], format!("http://vitrine.test/api/v1/auth/oidc/{provider}/callback"));

    let at_provider = browser.send(browser.client.get(&authorize)).await;
    assert_eq!(at_provider.status, 303);
    let callback = url::Url::parse(at_provider.headers.get("location").unwrap().to_str().unwrap()).unwrap();
    // The callback is on the public URL; this test reaches the app at its local address.
    let local = format!("{}{}?{}", app.base, callback.path(), callback.query().unwrap());
    let back = browser.send(browser.client.get(local)).await;
    assert_eq!(back.status, 302, "{}", back.body);
    back.headers.get("location").unwrap().to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_new_google_user_gets_a_verified_account_and_a_session() {
    let provider = OpenIdProvider::start(identity("gina@example.com", true)).await;
    let app = app_with(&provider).await;
    let browser = app.browser();
    assert_eq!(browser.get("/api/v1/auth/providers").await.body, json!({ "google": true, "linkedin": false }));
    assert_eq!(sign_in_with_google(&app, &browser).await, "/app/settings");
    let me = browser.get("/api/v1/me").await.expect(200);
    assert_eq!(
        (me.body["email"].as_str(), me.body["email_verified"].as_bool()),
        (Some("gina@example.com"), Some(true))
    );
    assert_eq!(me.body["full_name"], "Gina Google");
    assert_eq!(app.personal_workspace(&browser).await["role"], "owner");

    // Signing in again finds the same account through the linked identity.
    let again = app.browser();
    sign_in_with_google(&app, &again).await;
    assert_eq!(again.get("/api/v1/me").await.body["id"], me.body["id"]);
    assert_eq!(app.db.count("users").await, 1);
}

#[tokio::test]
async fn google_sign_in_links_to_the_account_with_the_same_verified_email() {
    let provider = OpenIdProvider::start(identity("ann@example.com", true)).await;
    let app = app_with(&provider).await;
    let (ann, user) = app.signed_in("ann@example.com", "Ann").await;
    drop(ann);
    let browser = app.browser();
    sign_in_with_google(&app, &browser).await;
    let me = browser.get("/api/v1/me").await.expect(200);
    assert_eq!(me.body["id"], user["id"]);
    assert_eq!(me.body["full_name"], "Ann", "linking keeps the account's own name");
    assert_eq!(app.db.count("identities").await, 1);
    // The password still works too.
    app.browser()
        .post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": PASSWORD }))
        .await
        .expect(200);
}

#[tokio::test]
async fn forged_or_misdirected_id_tokens_sign_no_one_in() {
    let provider = OpenIdProvider::start(identity("ann@example.com", true)).await;
    let app = app_with(&provider).await;
    for tokens in [Tokens::ForgedSignature, Tokens::WrongAudience, Tokens::WrongNonce] {
        provider.set_tokens(tokens);
        let browser = app.browser();
        let landing = sign_in_with_google(&app, &browser).await;
        assert_eq!(landing, "/app/login?error=google_sign_in_failed", "{tokens:?}");
        browser.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);
    }
    assert_eq!(app.db.count("users").await, 0);
    assert_eq!(app.db.count("sessions").await, 0);
}

#[tokio::test]
async fn an_unverified_provider_email_does_not_take_over_an_account() {
    let provider = OpenIdProvider::start(identity("ann@example.com", false)).await;
    let app = app_with(&provider).await;
    app.signed_in("ann@example.com", "Ann").await;
    let browser = app.browser();
    assert_eq!(sign_in_with_google(&app, &browser).await, "/app/login?error=google_sign_in_failed");
    browser.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);
    assert_eq!(app.db.count("identities").await, 0);
}

#[tokio::test]
async fn a_callback_from_another_browser_or_replayed_is_refused() {
    let provider = OpenIdProvider::start(identity("gina@example.com", true)).await;
    let app = app_with(&provider).await;
    let victim = app.browser();
    let attacker = app.browser();
    let start = attacker.get("/api/v1/auth/oidc/google/start").await;
    let authorize = start.headers.get("location").unwrap().to_str().unwrap().to_owned();
    let at_provider = attacker.send(attacker.client.get(&authorize)).await;
    let callback = url::Url::parse(at_provider.headers.get("location").unwrap().to_str().unwrap()).unwrap();
    let local = format!("{}{}?{}", app.base, callback.path(), callback.query().unwrap());
    // The attacker's callback link, opened in the victim's browser, must not sign the victim in.
    let hijack = victim.send(victim.client.get(&local)).await;
    assert_eq!(hijack.headers.get("location").unwrap(), "/app/login?error=google_sign_in_failed");
    victim.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);
    assert_eq!(app.db.count("sessions").await, 0);
}

#[tokio::test]
async fn only_the_apps_own_pages_are_gone_to_after_sign_in() {
    let provider = OpenIdProvider::start(identity("hal@example.com", true)).await;
    let app = app_with(&provider).await;
    let browser = app.browser();
    for next in
        ["https://evil.example/app", "//evil.example/app", "/app%00x", "/app%0d%0aSet-Cookie:x=1", "/app/settings"]
    {
        let start = browser.get(&format!("/api/v1/auth/oidc/google/start?next={next}")).await;
        assert_eq!(start.status, 302, "{next}: {}", start.body);
    }
    let kept: Vec<String> = sqlx::query_scalar("SELECT next_path FROM oidc_logins ORDER BY expires_at")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(kept, ["/app", "/app", "/app", "/app", "/app/settings"]);
}

#[tokio::test]
async fn without_a_google_client_the_feature_is_off() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    assert_eq!(browser.get("/api/v1/auth/providers").await.body, json!({ "google": false, "linkedin": false }));
    browser.get("/api/v1/auth/oidc/google/start").await.expect_error(404, "not_found", None);
}

#[tokio::test]
async fn linkedin_sign_in_creates_or_links_the_account_with_its_verified_email() {
    let provider = OpenIdProvider::start(identity("lina@example.com", true)).await;
    let app = TestApp::spawn_with(&[
        &format!("--google-issuer-url={}", provider.issuer),
        &format!("--google-client-id={CLIENT_ID}"),
        &format!("--google-client-secret={CLIENT_SECRET}"),
        &format!("--linkedin-issuer-url={}", provider.issuer),
        &format!("--linkedin-client-id={CLIENT_ID}"),
        &format!("--linkedin-client-secret={CLIENT_SECRET}"),
    ])
    .await;
    let browser = app.browser();
    assert_eq!(browser.get("/api/v1/auth/providers").await.body, json!({ "google": true, "linkedin": true }));
    provider.set_identity(Identity {
        subject: "linkedin-lina".into(),
        email: "lina@example.com".into(),
        email_verified: true,
        name: "Lina Linked".into(),
    });
    assert_eq!(sign_in_with(&app, &browser, "linkedin").await, "/app/settings");
    let me = browser.get("/api/v1/me").await.expect(200);
    assert_eq!((me.body["full_name"].as_str(), me.body["email_verified"].as_bool()), (Some("Lina Linked"), Some(true)));

    // The same person through Google later: one account, two identities.
    provider.set_identity(identity("lina@example.com", true));
    let other = app.browser();
    sign_in_with(&app, &other, "google").await;
    assert_eq!(other.get("/api/v1/me").await.body["id"], me.body["id"]);
    assert_eq!(app.db.count("users").await, 1);
    assert_eq!(app.db.count("identities").await, 2);

    // Without LinkedIn set up, its endpoints do not exist.
    let plain = TestApp::spawn().await;
    assert_eq!(plain.browser().get("/api/v1/auth/oidc/linkedin/start").await.status, 404);
}
