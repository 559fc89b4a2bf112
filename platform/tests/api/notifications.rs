//! Notifications: what causes them, the bell's list and count, preferences, unsubscribing.

use serde_json::{Value, json};
use vitrine_testing::token_in;

use crate::helpers::{Browser, TestApp, create_portfolio};

async fn notification_emails_queued(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM apalis.jobs WHERE job_type = 'vitrine.notification'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn save(browser: &Browser, portfolio: &str, title: &str) {
    let path = format!("/api/v1/portfolios/{portfolio}/document");
    let current = browser.get(&path).await.expect(200).body;
    let mut document = current["document"].clone();
    document["sections"] = json!([{ "type": "text", "id": "t", "title": title, "body": "<p>Hello</p>" }]);
    browser.put(&path, json!({ "base_revision": current["revision"], "document": document })).await.expect(200);
}

/// Ann owns a portfolio; Bob joins her workspace as an editor.
async fn ann_and_bob(app: &TestApp) -> (Browser, Browser, String) {
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let portfolio =
        create_portfolio(app, &ann, json!({ "title": "Ann's CV" })).await["id"].as_str().unwrap().to_owned();
    ann.post(
        &format!("/api/v1/workspaces/{workspace}/invitations"),
        json!({ "email": "bob@example.com", "role": "editor" }),
    )
    .await
    .expect(201);
    let invited = bob.get("/api/v1/notifications").await.expect(200).body;
    assert_eq!(invited["unread"], 1, "{invited}");
    assert_eq!(invited["items"][0]["kind"], "invitation");
    assert!(invited["items"][0]["title"].as_str().unwrap().starts_with("Ann invited you to "), "{invited}");
    let token = token_in(&app.db.last_email("bob@example.com").await.text);
    assert_eq!(invited["items"][0]["link"], format!("/app/invitations/accept?token={token}"));
    bob.post("/api/v1/invitations/accept", json!({ "token": token })).await.expect(200);
    (ann, bob, portfolio)
}

#[tokio::test]
async fn a_colleagues_edits_and_publishing_reach_the_owner_folded_by_hour() {
    let app = TestApp::spawn().await;
    let (ann, bob, portfolio) = ann_and_bob(&app).await;
    let emails_before = notification_emails_queued(&app).await;

    save(&ann, &portfolio, "Ann's own edit").await;
    assert_eq!(ann.get("/api/v1/notifications/unread-count").await.body["unread"], 0, "her own edits are no news");
    save(&bob, &portfolio, "First").await;
    save(&bob, &portfolio, "Second").await;
    let list = ann.get("/api/v1/notifications").await.expect(200).body;
    assert_eq!(list["unread"], 1, "two saves in an hour are one notification: {list}");
    assert_eq!(list["items"][0]["kind"], "portfolio_edited");
    assert_eq!(list["items"][0]["title"], "Bob edited “Ann's CV”");
    assert_eq!(list["items"][0]["link"], format!("/app/portfolios/{portfolio}/edit"));
    assert_eq!(notification_emails_queued(&app).await, emails_before, "edits are not emailed by default");

    bob.post_empty(&format!("/api/v1/portfolios/{portfolio}/publish")).await.expect(200);
    let list = ann.get("/api/v1/notifications").await.body;
    assert_eq!(list["unread"], 2);
    assert_eq!(list["items"][0]["kind"], "portfolio_published");
    let bobs = bob.get("/api/v1/notifications").await.body;
    assert_eq!(bobs["items"].as_array().unwrap().len(), 1, "Bob hears of his invitation, not of his own work: {bobs}");

    // Asking for activity emails makes the next one an email.
    ann.put("/api/v1/me/notification-preferences", json!([{ "category": "activity", "in_app": true, "email": true }]))
        .await
        .expect(200);
    bob.post_empty(&format!("/api/v1/portfolios/{portfolio}/publish")).await.expect(200);
    assert_eq!(notification_emails_queued(&app).await, emails_before + 1);

    // Reading: one, then all; another person's ids change nothing.
    let list = ann.get("/api/v1/notifications").await.body;
    let first = list["items"][0]["id"].clone();
    let marked = bob.post("/api/v1/notifications/read", json!({ "ids": [first] })).await.expect(200).body;
    assert_eq!(marked["marked"], 0);
    let marked = ann.post("/api/v1/notifications/read", json!({ "ids": [first] })).await.expect(200).body;
    assert_eq!((marked["marked"].as_u64(), marked["unread"].as_i64()), (Some(1), Some(2)));
    let list = ann.get("/api/v1/notifications").await.body;
    assert!(list["items"][0]["read_at"].is_string());
    let marked = ann.post("/api/v1/notifications/read", json!({})).await.expect(200).body;
    assert_eq!((marked["marked"].as_u64(), marked["unread"].as_i64()), (Some(2), Some(0)));
    ann.post("/api/v1/notifications/read", json!({ "ids": ["nope"] })).await.expect_error(
        422,
        "invalid_value",
        Some("ids[0]"),
    );
    ann.get("/api/v1/notifications?limit=0").await.expect_error(422, "invalid_value", Some("limit"));
}

#[tokio::test]
async fn preferences_choose_what_shows_and_what_is_emailed() {
    let app = TestApp::spawn().await;
    let (ann, bob, portfolio) = ann_and_bob(&app).await;
    let defaults = ann.get("/api/v1/me/notification-preferences").await.expect(200).body;
    let defaults = defaults.as_array().unwrap();
    assert_eq!(defaults.len(), 7);
    let find =
        |list: &[Value], category: &str| list.iter().find(|entry| entry["category"] == category).unwrap().clone();
    assert_eq!(find(defaults, "exports"), json!({ "category": "exports", "in_app": true, "email": true }));
    assert_eq!(find(defaults, "activity"), json!({ "category": "activity", "in_app": true, "email": false }));

    let path = "/api/v1/me/notification-preferences";
    ann.put(path, json!([{ "category": "weather", "in_app": true, "email": true }])).await.expect_error(
        422,
        "invalid_value",
        Some("[0].category"),
    );
    ann.put(path, json!([{ "category": "exports", "in_app": true }])).await.expect_error(
        422,
        "missing_field",
        Some("[0].email"),
    );
    assert_eq!(ann.get(path).await.body.as_array().unwrap(), defaults, "refused changes store nothing");

    let changed =
        ann.put(path, json!([{ "category": "activity", "in_app": false, "email": false }])).await.expect(200).body;
    assert_eq!(find(changed.as_array().unwrap(), "activity")["in_app"], false);
    assert_eq!(find(changed.as_array().unwrap(), "exports")["email"], true, "other categories keep theirs");
    save(&bob, &portfolio, "Unseen").await;
    assert_eq!(ann.get("/api/v1/notifications").await.body["unread"], 0, "activity is hidden from the bell");
    // Bob's preferences are his own.
    assert_eq!(find(bob.get(path).await.body.as_array().unwrap(), "activity")["in_app"], true);
}

#[tokio::test]
async fn the_unsubscribe_link_turns_off_one_category_of_emails() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let token: String = sqlx::query_scalar("SELECT unsubscribe_token FROM users WHERE email = 'ann@example.com'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(token.len() >= 60);
    let stranger = app.browser();
    stranger
        .post("/api/v1/notifications/unsubscribe", json!({ "token": "guess", "category": "exports" }))
        .await
        .expect_error(422, "invalid_token", Some("token"));
    stranger
        .post("/api/v1/notifications/unsubscribe", json!({ "token": token, "category": "exports" }))
        .await
        .expect(204);
    let preferences = ann.get("/api/v1/me/notification-preferences").await.body;
    for preference in preferences.as_array().unwrap() {
        let expected_email = !matches!(preference["category"].as_str(), Some("exports" | "activity"));
        assert_eq!(preference["email"], expected_email, "{preference}");
        assert_eq!(preference["in_app"], true);
    }
}
