//! Password reset by emailed, single-use, expiring token.

use serde_json::json;
use vitrine_testing::token_in;

use crate::helpers::{TestApp, stored};

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let app = TestApp::spawn().await;
    let (laptop, _) = app.signed_in("ann@example.com", "Ann").await;
    let browser = app.browser();
    browser.post("/api/v1/auth/password-reset", json!({ "email": "ANN@example.com" })).await.expect(202);
    let email = app.db.last_email("ann@example.com").await;
    assert!(email.text.contains("/app/reset-password?token="), "{}", email.text);
    let token = token_in(&email.text);

    browser
        .post("/api/v1/auth/password-reset/confirm", json!({ "token": token, "password": "short" }))
        .await
        .expect_error(422, "password_too_short", Some("password"));
    // A refused password leaves the token usable.
    browser
        .post("/api/v1/auth/password-reset/confirm", json!({ "token": token, "password": "a whole new secret" }))
        .await
        .expect(204);
    laptop.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);
    browser
        .post("/api/v1/auth/password-reset/confirm", json!({ "token": token, "password": "another new secret" }))
        .await
        .expect_error(422, "invalid_token", Some("token"));
    browser
        .post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": "a whole new secret" }))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_reset_request_tells_nothing_about_which_addresses_have_accounts() {
    let app = TestApp::spawn().await;
    app.signed_in("ann@example.com", "Ann").await;
    let before = stored(&app.db).await;
    let unknown =
        app.browser().post("/api/v1/auth/password-reset", json!({ "email": "nobody@example.com" })).await.expect(202);
    assert_eq!(stored(&app.db).await, before, "nothing is stored or sent for an unknown address");
    let known = app.browser().post("/api/v1/auth/password-reset", json!({ "email": "ann@example.com" })).await;
    assert_eq!((known.status, &known.body), (202, &unknown.body));
    app.browser().post("/api/v1/auth/password-reset", json!({ "email": "not an email" })).await.expect_error(
        422,
        "invalid_email",
        Some("email"),
    );
}

#[tokio::test]
async fn an_expired_reset_link_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.signed_in("ann@example.com", "Ann").await;
    let browser = app.browser();
    browser.post("/api/v1/auth/password-reset", json!({ "email": "ann@example.com" })).await.expect(202);
    let token = token_in(&app.db.last_email("ann@example.com").await.text);
    sqlx::query("UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'password_reset'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let hash_before: String =
        sqlx::query_scalar("SELECT password_hash FROM users").fetch_one(&app.db.pool).await.unwrap();
    browser
        .post("/api/v1/auth/password-reset/confirm", json!({ "token": token, "password": "a whole new secret" }))
        .await
        .expect_error(422, "invalid_token", Some("token"));
    let hash_after: String =
        sqlx::query_scalar("SELECT password_hash FROM users").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(hash_before, hash_after);
}

#[tokio::test]
async fn reset_emails_are_rate_limited_per_account() {
    let app = TestApp::spawn().await;
    app.signed_in("ann@example.com", "Ann").await;
    let browser = app.browser();
    for _ in 0..5 {
        browser.post("/api/v1/auth/password-reset", json!({ "email": "ann@example.com" })).await.expect(202);
    }
    let reply = browser.post("/api/v1/auth/password-reset", json!({ "email": "Ann@Example.com" })).await;
    reply.expect_error(429, "rate_limited", None);
    assert!(reply.headers.contains_key("retry-after"));
}
