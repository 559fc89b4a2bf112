//! The operator's page: an admin sees a failed job with its error and retries or discards it;
//! anyone else gets the 404 of a page that does not exist.

use serde_json::json;
use vitrine_core::email::EmailMessage;

use crate::helpers::{PASSWORD, TestApp};

async fn failed_job(app: &TestApp) -> String {
    let message = EmailMessage {
        to: "someone@example.com".into(),
        subject: "Hello".into(),
        text: "Hello".into(),
        html: "<p>Hello</p>".into(),
    };
    let mut connection = app.db.pool.acquire().await.unwrap();
    vitrine_core::jobs::enqueue_email(&mut connection, message).await.unwrap();
    sqlx::query_scalar(
        "UPDATE apalis.jobs SET status = 'Failed', attempts = max_attempts,
                last_result = '{\"Err\": \"550 mailbox unavailable\"}'
         RETURNING id",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

async fn job_state(app: &TestApp, id: &str) -> (String, i32) {
    sqlx::query_as("SELECT status, attempts FROM apalis.jobs WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_sees_a_failed_job_and_retries_it_and_nobody_else_sees_the_page() {
    let app = TestApp::spawn().await;
    vitrine_core::accounts::create_by_operator(&app.db.pool, "ops@example.com", PASSWORD, "Operator", true, true)
        .await
        .unwrap();
    let admin = app.browser();
    admin.post("/api/v1/auth/login", json!({ "email": "ops@example.com", "password": PASSWORD })).await.expect(200);
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let job = failed_job(&app).await;

    for outsider in [&ann, &app.browser()] {
        let page = outsider.get("/ops").await;
        assert_eq!(page.status, 404);
        assert!(!page.body.to_string().contains("mailbox"));
        assert_eq!(outsider.post_empty(&format!("/ops/jobs/{job}/retry")).await.status, 404);
    }
    assert_eq!(job_state(&app, &job).await.0, "Failed", "outsiders changed nothing");

    // A router's failed certificate order shows, with its error and back-off.
    vitrine_core::certificates::record_failure(&app.db.pool, "ann.dev", "the CA could not connect", chrono::Utc::now())
        .await
        .unwrap();
    let page = admin.get("/ops").await.expect(200);
    let html = page.body.as_str().unwrap();
    assert!(html.contains("<code>ann.dev</code>") && html.contains("the CA could not connect"), "{html}");
    assert!(html.contains("vitrine.email"));
    assert!(html.contains("550 mailbox unavailable"));
    assert!(html.contains(&format!("/ops/jobs/{job}/retry")));

    assert_eq!(admin.post_empty(&format!("/ops/jobs/{job}/retry")).await.status, 303);
    assert_eq!(job_state(&app, &job).await, ("Pending".into(), 0), "back in the queue with fresh attempts");

    sqlx::query("UPDATE apalis.jobs SET status = 'Failed' WHERE id = $1")
        .bind(&job)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(admin.post_empty(&format!("/ops/jobs/{job}/discard")).await.status, 303);
    assert_eq!(job_state(&app, &job).await.0, "Killed");
    assert!(admin.get("/ops").await.body.as_str().unwrap().contains("discarded"));
}
