//! Asking for a PDF, following its job, downloading the file until it expires: the API's side.
//! The worker's side (WeasyPrint, the PDF's content) is tested end to end in tests/e2e.

use chrono::{Duration, Utc};
use serde_json::json;
use uuid::Uuid;
use vitrine_core::accounts::UserId;
use vitrine_core::exports::{self, run};
use vitrine_core::media::MediaStore;

use crate::helpers::{TestApp, create_portfolio};

async fn job_counts(app: &TestApp) -> [i64; 2] {
    [app.db.count("jobs").await, app.db.count("apalis.jobs").await]
}

#[tokio::test]
async fn asking_for_a_pdf_queues_one_job_and_bad_input_stores_nothing() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let portfolio = create_portfolio(&app, &ann, json!({ "title": "Ann's CV", "start_with": "sample" })).await;
    let path = format!("/api/v1/portfolios/{}/exports/pdf", portfolio["id"].as_str().unwrap());
    let before = job_counts(&app).await;

    ann.post(&path, json!({ "page_size": "A3" })).await.expect_error(422, "invalid_value", Some("page_size"));
    ann.post(&path, json!({ "revision": 99 })).await.expect_error(422, "unknown_revision", Some("revision"));
    ann.post(&path, json!({ "pages": 2 })).await.expect_error(422, "unknown_field", Some("pages"));
    ann.post_raw(&path, "{").await.expect_error(400, "malformed_json", None);
    assert_eq!(job_counts(&app).await, before, "refused requests queue nothing");

    let accepted = ann.post(&path, json!({ "page_size": "Letter", "revision": 1 })).await.expect(202);
    let job = &accepted.body;
    assert_eq!(job["kind"], "pdf_export");
    assert_eq!(job["status"], "queued");
    assert_eq!(job["progress"], 0);
    assert!(job.get("download_url").is_none());
    let location = accepted.headers["location"].to_str().unwrap();
    assert_eq!(location, format!("/api/v1/jobs/{}", job["id"].as_str().unwrap()));
    assert_eq!(job_counts(&app).await, [before[0] + 1, before[1] + 1], "one job and its queue entry");
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM apalis.jobs WHERE job_type = 'vitrine.export'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(queued, 1);
    let input: serde_json::Value = sqlx::query_scalar("SELECT input FROM jobs").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(input["page_size"], "Letter");
    assert_eq!(input["revision"], 1);
    assert_eq!(input["document"]["sections"][0]["type"], "header", "the document is frozen into the job");

    assert_eq!(ann.get(location).await.expect(200).body["id"], job["id"]);
    ann.get(&format!("/api/v1/jobs/{}", Uuid::new_v4())).await.expect_error(404, "not_found", None);
    ann.get("/api/v1/jobs/not-a-uuid").await.expect_error(404, "not_found", None);

    // Another tenant can neither export this portfolio nor see the job.
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    bob.post(&path, json!({})).await.expect_error(404, "not_found", None);
    bob.get(location).await.expect_error(404, "not_found", None);
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(jobs, 1, "the refused export queued nothing");

    // A portfolio in the trash has nothing to export.
    ann.delete(&format!("/api/v1/portfolios/{}", portfolio["id"].as_str().unwrap())).await.expect(204);
    ann.post(&path, json!({})).await.expect_error(404, "not_found", None);
}

#[tokio::test]
async fn an_export_downloads_until_it_expires_and_is_then_deleted_with_its_file() {
    let media = std::env::temp_dir().join(format!("vitrine-media-{}", Uuid::new_v4()));
    let app = TestApp::spawn_with(&[&format!("--media-dir={}", media.display())]).await;
    let store = MediaStore::Folder(media.clone());
    let (ann, login) = app.signed_in("ann@example.com", "Ann").await;
    let ann_id = UserId(login["id"].as_str().unwrap().parse().unwrap());
    let portfolio = create_portfolio(&app, &ann, json!({ "title": "Ann's CV" })).await;
    let path = format!("/api/v1/portfolios/{}/exports/pdf", portfolio["id"].as_str().unwrap());
    let job_id: Uuid = ann.post(&path, json!({})).await.expect(202).body["id"].as_str().unwrap().parse().unwrap();

    // The worker's steps, as it takes them: start, a failed attempt, a retry that succeeds.
    let pool = &app.db.pool;
    let claimed = run::start(pool, job_id).await.unwrap().expect("the job exists");
    assert!(!claimed.finished);
    assert_eq!(ann.get(&format!("/api/v1/jobs/{job_id}")).await.body["status"], "running");
    run::fail(&mut pool.acquire().await.unwrap(), job_id, "WeasyPrint: out of paper", false).await.unwrap();
    let job = ann.get(&format!("/api/v1/jobs/{job_id}")).await.body;
    assert_eq!((job["status"].as_str(), job["error"].as_str()), (Some("queued"), Some("WeasyPrint: out of paper")));
    let claimed = run::start(pool, job_id).await.unwrap().unwrap();
    let key = format!("exports/{job_id}.pdf");
    store.put(&key, b"%PDF-1.7 pretend".to_vec()).await.unwrap();
    let file = run::Produced {
        filename: "anns-cv.pdf",
        content_type: "application/pdf",
        storage_key: &key,
        size_bytes: 16,
        pages: Some(1),
    };
    let mut transaction = pool.begin().await.unwrap();
    run::finish(&mut transaction, job_id, &claimed, file).await.unwrap();
    transaction.commit().await.unwrap();
    let told = ann.get("/api/v1/notifications").await.expect(200).body;
    assert_eq!(told["items"][0]["kind"], "export_ready", "{told}");
    assert_eq!(told["items"][0]["title"], "Your PDF of “Ann's CV” is ready (1 page)");
    assert_eq!(told["items"][0]["link"], format!("/app/jobs/{job_id}"));
    let emails: i64 = sqlx::query_scalar("SELECT count(*) FROM apalis.jobs WHERE job_type = 'vitrine.notification'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(emails, 1, "exports are emailed by default");
    // A run of the same job after it finished (at-least-once delivery) finds it done.
    assert!(run::start(pool, job_id).await.unwrap().unwrap().finished);
    assert_eq!(app.db.count("exports").await, 1);

    let job = ann.get(&format!("/api/v1/jobs/{job_id}")).await.expect(200).body;
    assert_eq!(job["status"], "done");
    assert!(job["error"].is_null(), "{job}");
    assert_eq!(job["pages"], 1);
    let url = job["download_url"].as_str().unwrap();
    let download = ann.send(ann.client.get(format!("{}{url}", ann.base))).await.expect(200);
    assert_eq!(download.headers["content-type"], "application/pdf");
    assert_eq!(download.headers["content-disposition"], "attachment; filename=\"anns-cv.pdf\"");
    assert_eq!(download.body, "%PDF-1.7 pretend");

    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    bob.get(url).await.expect_error(404, "not_found", None);
    let export_id: Uuid = url.split('/').nth(4).unwrap().parse().unwrap();
    assert_eq!(exports::download(pool, &store, export_id, ann_id).await.unwrap().filename, "anns-cv.pdf");

    // After a week the link says it expired, and housekeeping deletes the file and the row.
    let week_later = Utc::now() + Duration::days(exports::EXPORT_DAYS) + Duration::minutes(1);
    sqlx::query("UPDATE exports SET expires_at = now() - interval '1 minute'").execute(pool).await.unwrap();
    ann.get(url).await.expect_error(410, "export_expired", None);
    assert_eq!(exports::expire(pool, &store, week_later).await.unwrap(), 1);
    assert!(store.get(&key).await.unwrap().is_none(), "the file is deleted");
    assert_eq!(app.db.count("exports").await, 0);
    assert_eq!(app.db.count("jobs").await, 1, "the job is listed a while longer");
    exports::expire(pool, &store, Utc::now() + Duration::days(31)).await.unwrap();
    assert_eq!(app.db.count("jobs").await, 0);
    let _ = std::fs::remove_dir_all(&media);
}

#[tokio::test]
async fn the_last_failed_attempt_marks_the_job_failed() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let portfolio = create_portfolio(&app, &ann, json!({ "title": "CV" })).await;
    let path = format!("/api/v1/portfolios/{}/exports/pdf", portfolio["id"].as_str().unwrap());
    let job_id: Uuid = ann.post(&path, json!({})).await.expect(202).body["id"].as_str().unwrap().parse().unwrap();
    run::start(&app.db.pool, job_id).await.unwrap();
    run::fail(&mut app.db.pool.acquire().await.unwrap(), job_id, "the PDF took longer than 60 s to render", true)
        .await
        .unwrap();
    let job = ann.get(&format!("/api/v1/jobs/{job_id}")).await.expect(200).body;
    assert_eq!(job["status"], "failed");
    assert_eq!(job["error"], "the PDF took longer than 60 s to render");
    assert!(job["finished_at"].is_string());
    let told = ann.get("/api/v1/notifications").await.body;
    assert_eq!(told["items"][0]["kind"], "export_failed", "{told}");
    assert_eq!(told["items"][0]["title"], "The PDF of “CV” could not be made");
}
