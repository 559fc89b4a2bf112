//! Sign-up, verification, sign-in, sessions and the account itself.

use serde_json::json;
use vitrine_testing::token_in;

use crate::helpers::{PASSWORD, TestApp, stored};

#[tokio::test]
async fn signing_up_stores_an_unverified_user_with_a_workspace_and_emails_a_link() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let reply = browser
        .post(
            "/api/v1/auth/signup",
            json!({ "email": "Ann@Example.com", "password": PASSWORD, "full_name": "Ann Lee" }),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["email"], "Ann@Example.com");
    assert_eq!(reply.body["email_verified"], false);
    assert_eq!(stored(&app.db).await[..3], [1, 1, 1]);
    let email = app.db.last_email("ann@example.com").await;
    assert!(email.text.contains("http://vitrine.test/app/verify-email?token="), "{}", email.text);
    assert!(email.html.contains("Confirm my email"));
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users").fetch_one(&app.db.pool).await.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

#[tokio::test]
async fn bad_sign_ups_get_an_error_naming_the_field_and_store_nothing() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let before = stored(&app.db).await;
    let long_name = "x".repeat(101);
    let cases = [
        (json!({ "email": "ann@example.com", "password": PASSWORD }), 422, "missing_field", "full_name"),
        (json!({ "email": 42, "password": PASSWORD, "full_name": "Ann" }), 422, "invalid_type", "email"),
        (json!({ "email": "not-an-email", "password": PASSWORD, "full_name": "Ann" }), 422, "invalid_email", "email"),
        (
            json!({ "email": "ann@example.com", "password": "short", "full_name": "Ann" }),
            422,
            "password_too_short",
            "password",
        ),
        (
            json!({ "email": "ann@example.com", "password": "password123", "full_name": "Ann" }),
            422,
            "password_too_common",
            "password",
        ),
        (
            json!({ "email": "ann@example.com", "password": PASSWORD, "full_name": long_name }),
            422,
            "too_long",
            "full_name",
        ),
        (json!({ "email": "ann@example.com", "password": PASSWORD, "full_name": "  " }), 422, "required", "full_name"),
        (
            json!({ "email": "ann@example.com", "password": PASSWORD, "full_name": "Ann", "admin": true }),
            422,
            "unknown_field",
            "admin",
        ),
    ];
    for (body, status, code, field) in cases {
        let reply = browser.post("/api/v1/auth/signup", body.clone()).await;
        reply.expect_error(status, code, Some(field));
    }
    browser.post_raw("/api/v1/auth/signup", "{\"email\": \"ann@").await.expect_error(400, "malformed_json", None);
    browser.post_raw("/api/v1/auth/signup", "[1, 2]").await.expect_error(422, "invalid_type", None);
    assert_eq!(stored(&app.db).await, before);
}

#[tokio::test]
async fn an_email_is_taken_whatever_its_case() {
    let app = TestApp::spawn().await;
    app.signed_in("ann@example.com", "Ann").await;
    let before = stored(&app.db).await;
    let reply = app
        .browser()
        .post(
            "/api/v1/auth/signup",
            json!({ "email": "ANN@example.COM", "password": PASSWORD, "full_name": "Other Ann" }),
        )
        .await;
    reply.expect_error(409, "email_taken", Some("email"));
    assert_eq!(stored(&app.db).await, before);
}

#[tokio::test]
async fn sign_in_needs_a_verified_email_and_the_right_password() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    browser
        .post("/api/v1/auth/signup", json!({ "email": "ann@example.com", "password": PASSWORD, "full_name": "Ann" }))
        .await
        .expect(201);
    let login = json!({ "email": "ann@example.com", "password": PASSWORD });
    browser.post("/api/v1/auth/login", login.clone()).await.expect_error(403, "email_not_verified", None);
    browser.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);

    let token = token_in(&app.db.last_email("ann@example.com").await.text);
    browser.post("/api/v1/auth/verify-email", json!({ "token": token })).await.expect(200);
    browser
        .post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": "wrong password!" }))
        .await
        .expect_error(401, "invalid_credentials", None);
    browser
        .post("/api/v1/auth/login", json!({ "email": "nobody@example.com", "password": PASSWORD }))
        .await
        .expect_error(401, "invalid_credentials", None);
    // An address no one can have, longer than any key the rate limits can index, and one
    // holding a character PostgreSQL cannot store.
    let endless: String = (0..4000u32).map(|n| char::from_u32(0x4e00 + (n * 7919) % 20000).unwrap()).collect();
    for (email, status) in [(format!("{endless}@example.com"), 401), ("ann\u{0}@example.com".to_owned(), 422)] {
        let login = browser.post("/api/v1/auth/login", json!({ "email": email, "password": PASSWORD })).await;
        assert_eq!(login.status, status, "{}", login.body);
        let reset = browser.post("/api/v1/auth/password-reset", json!({ "email": email })).await;
        assert_eq!(reset.status, 422, "{}", reset.body);
        assert_eq!(reset.body["error"]["field"], "email");
    }

    let reply = browser
        .post("/api/v1/auth/login", json!({ "email": "ANN@example.com", "password": PASSWORD }))
        .await
        .expect(200);
    let cookie = reply.headers.get("set-cookie").expect("a session cookie").to_str().unwrap().to_owned();
    assert!(cookie.starts_with("vitrine_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP cannot keep a Secure cookie: {cookie}");
    let me = browser.get("/api/v1/me").await.expect(200);
    assert_eq!(me.body["email_verified"], true);
    let stored_token: Vec<u8> =
        sqlx::query_scalar("SELECT token_hash FROM sessions").fetch_one(&app.db.pool).await.unwrap();
    let cookie_value = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    assert_ne!(stored_token, cookie_value.as_bytes(), "only a hash of the session token is stored");
}

#[tokio::test]
async fn over_tls_the_cookie_is_secure_and_host_only() {
    let app = TestApp::spawn_with(&["--public-url=https://vitrine.test"]).await;
    let browser = app.browser_from("https://vitrine.test");
    browser
        .post("/api/v1/auth/signup", json!({ "email": "ann@example.com", "password": PASSWORD, "full_name": "Ann" }))
        .await
        .expect(201);
    let token = token_in(&app.db.last_email("ann@example.com").await.text);
    browser.post("/api/v1/auth/verify-email", json!({ "token": token })).await.expect(200);
    let reply = browser
        .post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": PASSWORD }))
        .await
        .expect(200);
    let cookie = reply.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("__Host-vitrine_session="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn verification_tokens_work_once_and_expire() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    browser
        .post("/api/v1/auth/signup", json!({ "email": "ann@example.com", "password": PASSWORD, "full_name": "Ann" }))
        .await
        .expect(201);
    let first = token_in(&app.db.last_email("ann@example.com").await.text);
    browser.post("/api/v1/auth/verify-email", json!({ "token": "made-up" })).await.expect_error(
        422,
        "invalid_token",
        Some("token"),
    );
    browser.post("/api/v1/auth/verify-email", json!({})).await.expect_error(422, "missing_field", Some("token"));

    // A second link replaces the first.
    browser.post("/api/v1/auth/resend-verification", json!({ "email": "ann@example.com" })).await.expect(202);
    let second = token_in(&app.db.last_email("ann@example.com").await.text);
    browser.post("/api/v1/auth/verify-email", json!({ "token": first })).await.expect_error(
        422,
        "invalid_token",
        Some("token"),
    );

    sqlx::query("UPDATE user_tokens SET expires_at = now() - interval '1 minute'").execute(&app.db.pool).await.unwrap();
    browser.post("/api/v1/auth/verify-email", json!({ "token": second })).await.expect_error(
        422,
        "invalid_token",
        Some("token"),
    );
    let verified: bool =
        sqlx::query_scalar("SELECT email_verified_at IS NOT NULL FROM users").fetch_one(&app.db.pool).await.unwrap();
    assert!(!verified);

    browser.post("/api/v1/auth/resend-verification", json!({ "email": "ann@example.com" })).await.expect(202);
    let third = token_in(&app.db.last_email("ann@example.com").await.text);
    browser.post("/api/v1/auth/verify-email", json!({ "token": third })).await.expect(200);
    browser.post("/api/v1/auth/verify-email", json!({ "token": third })).await.expect_error(
        422,
        "invalid_token",
        Some("token"),
    );

    // Verified accounts and unknown addresses get the same answer and no email.
    let emails = app.db.queued_emails("ann@example.com").await.len();
    browser.post("/api/v1/auth/resend-verification", json!({ "email": "ann@example.com" })).await.expect(202);
    browser.post("/api/v1/auth/resend-verification", json!({ "email": "nobody@example.com" })).await.expect(202);
    assert_eq!(app.db.queued_emails("ann@example.com").await.len(), emails);
    assert!(app.db.queued_emails("nobody@example.com").await.is_empty());
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_per_account() {
    let app = TestApp::spawn().await;
    app.signed_in("ann@example.com", "Ann").await;
    let browser = app.browser();
    let wrong = json!({ "email": "ann@example.com", "password": "wrong password!" });
    for _ in 0..9 {
        browser.post("/api/v1/auth/login", wrong.clone()).await.expect_error(401, "invalid_credentials", None);
    }
    let reply = browser.post("/api/v1/auth/login", wrong.clone()).await;
    reply.expect_error(429, "rate_limited", None);
    let retry_after: u64 = reply.headers.get("retry-after").expect("Retry-After").to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    // Even the right password waits: the limit is on the account, not on failures.
    browser.post("/api/v1/auth/login", json!({ "email": "ANN@example.com", "password": PASSWORD })).await.expect_error(
        429,
        "rate_limited",
        None,
    );
}

#[tokio::test]
async fn sign_ups_are_rate_limited_per_address() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    for number in 0..10 {
        let email = format!("user{number}@example.com");
        browser
            .post("/api/v1/auth/signup", json!({ "email": email, "password": PASSWORD, "full_name": "U" }))
            .await
            .expect(201);
    }
    let before = stored(&app.db).await;
    let reply = browser
        .post("/api/v1/auth/signup", json!({ "email": "late@example.com", "password": PASSWORD, "full_name": "U" }))
        .await;
    reply.expect_error(429, "rate_limited", None);
    assert!(reply.headers.contains_key("retry-after"));
    assert_eq!(stored(&app.db).await, before);
}

#[tokio::test]
async fn signing_out_ends_this_session_and_signing_out_everywhere_ends_all() {
    let app = TestApp::spawn().await;
    let (laptop, _) = app.signed_in("ann@example.com", "Ann").await;
    let phone = app.browser();
    phone.post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": PASSWORD })).await.expect(200);
    let tablet = app.browser();
    tablet.post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": PASSWORD })).await.expect(200);

    laptop.post_empty("/api/v1/auth/logout").await.expect(204);
    laptop.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);
    phone.get("/api/v1/me").await.expect(200);

    phone.post_empty("/api/v1/auth/logout-all").await.expect(204);
    phone.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);
    tablet.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);
    laptop.post_empty("/api/v1/auth/logout").await.expect_error(401, "unauthenticated", None);
}

#[tokio::test]
async fn the_profile_can_be_changed_and_bad_values_are_refused() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("ann@example.com", "Ann").await;
    let reply = browser
        .patch(
            "/api/v1/me",
            json!({ "full_name": "Ann Lee", "photo": "https://example.com/ann.jpg", "is_private": true }),
        )
        .await
        .expect(200);
    assert_eq!(reply.body["full_name"], "Ann Lee");
    assert_eq!(reply.body["photo"], "https://example.com/ann.jpg");
    assert_eq!(reply.body["is_private"], true);

    for (body, code, field) in [
        (json!({ "photo": "javascript:alert(1)" }), "invalid_url", "photo"),
        (json!({ "full_name": "x".repeat(101) }), "too_long", "full_name"),
        (json!({ "is_private": "yes" }), "invalid_type", "is_private"),
        (json!({ "email": "other@example.com" }), "unknown_field", "email"),
    ] {
        browser.patch("/api/v1/me", body).await.expect_error(422, code, Some(field));
    }
    let unchanged = browser.get("/api/v1/me").await.expect(200);
    assert_eq!(unchanged.body["full_name"], "Ann Lee");
    assert_eq!(unchanged.body["photo"], "https://example.com/ann.jpg");

    // Absent fields stay; null removes the photo.
    let reply = browser.patch("/api/v1/me", json!({ "photo": null })).await.expect(200);
    assert_eq!(reply.body["photo"], serde_json::Value::Null);
    assert_eq!(reply.body["full_name"], "Ann Lee");
    assert_eq!(reply.body["is_private"], true);
}

#[tokio::test]
async fn changing_the_password_checks_the_old_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let (laptop, _) = app.signed_in("ann@example.com", "Ann").await;
    let phone = app.browser();
    phone.post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": PASSWORD })).await.expect(200);

    laptop
        .post(
            "/api/v1/me/password",
            json!({ "current_password": "not my password", "new_password": "a brand new secret" }),
        )
        .await
        .expect_error(401, "invalid_credentials", Some("current_password"));
    laptop
        .post("/api/v1/me/password", json!({ "current_password": PASSWORD, "new_password": "1234567890" }))
        .await
        .expect_error(422, "password_too_common", Some("new_password"));
    phone.get("/api/v1/me").await.expect(200);

    laptop
        .post("/api/v1/me/password", json!({ "current_password": PASSWORD, "new_password": "a brand new secret" }))
        .await
        .expect(204);
    laptop.get("/api/v1/me").await.expect(200);
    phone.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);
    app.browser()
        .post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": "a brand new secret" }))
        .await
        .expect(200);
}

#[tokio::test]
async fn deleting_the_account_needs_the_password_and_removes_it_with_its_own_workspace() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("ann@example.com", "Ann").await;
    let (_bob, _) = app.signed_in("bob@example.com", "Bob").await;
    browser.delete_with("/api/v1/me", json!({ "password": "not my password" })).await.expect_error(
        401,
        "invalid_credentials",
        Some("password"),
    );
    browser.delete_with("/api/v1/me", json!({})).await.expect_error(422, "missing_field", Some("password"));
    assert_eq!(app.db.count("users").await, 2);

    browser.delete_with("/api/v1/me", json!({ "password": PASSWORD })).await.expect(204);
    browser.get("/api/v1/me").await.expect_error(401, "unauthenticated", None);
    assert_eq!(app.db.count("users").await, 1);
    assert_eq!(app.db.count("workspaces").await, 1);
    app.browser()
        .post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": PASSWORD }))
        .await
        .expect_error(401, "invalid_credentials", None);
}

#[tokio::test]
async fn the_last_owner_of_a_shared_workspace_cannot_delete_their_account() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    let workspace = app.personal_workspace(&ann).await;
    let id = workspace["id"].as_str().unwrap();
    ann.post(&format!("/api/v1/workspaces/{id}/invitations"), json!({ "email": "bob@example.com", "role": "editor" }))
        .await
        .expect(201);
    let token = token_in(&app.db.last_email("bob@example.com").await.text);
    bob.post("/api/v1/invitations/accept", json!({ "token": token })).await.expect(200);

    ann.delete_with("/api/v1/me", json!({ "password": PASSWORD })).await.expect_error(409, "last_owner", None);
    assert_eq!(app.db.count("users").await, 2);
    assert_eq!(app.db.count("workspace_members").await, 3);
}
