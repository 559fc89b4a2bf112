//! An AI generation through the real worker: the platform queues it, the worker asks the
//! (local, OpenAI-compatible) provider and writes the new portfolio.

use std::time::Duration;

use serde_json::{Value, json};
use vitrine_testing::openai::{FakeOpenAi, Reply};
use vitrine_testing::{TestDatabase, eventually};

use crate::processes::{Process, free_port, wait_ready};

#[tokio::test]
async fn the_worker_writes_a_generated_portfolio() {
    let db = TestDatabase::create().await;
    let fake = FakeOpenAi::start().await;
    fake.reply(Reply::Text(
        r#"{"sections": [{"type": "header", "name": "Ana Ruiz", "headline": "Backend engineer"},
            {"type": "about", "body": "<p>Six years of payments systems.</p>"}]}"#
            .into(),
    ));
    let (platform_port, worker_port) = (free_port(), free_port());
    let base = format!("http://127.0.0.1:{platform_port}");
    let outbox = std::env::temp_dir().join(format!("vitrine-outbox-{}", uuid::Uuid::new_v4()));
    let ai = [
        ("VITRINE_DATABASE_URL", db.url.clone()),
        ("VITRINE_AI_BASE_URL", fake.base_url.clone()),
        ("VITRINE_AI_MODEL", "test-model".to_owned()),
    ];
    let mut platform = ai.to_vec();
    platform.extend([
        ("VITRINE_PLATFORM_ADDR", format!("127.0.0.1:{platform_port}")),
        ("VITRINE_PUBLIC_URL", base.clone()),
    ]);
    let mut worker = ai.to_vec();
    worker.extend([
        ("VITRINE_WORKER_ADDR", format!("127.0.0.1:{worker_port}")),
        ("VITRINE_OUTBOX_DIR", outbox.display().to_string()),
    ]);
    let _platform = Process::start("platform", &platform);
    let _worker = Process::start("worker", &worker);
    wait_ready(&format!("{base}/readyz")).await;
    wait_ready(&format!("http://127.0.0.1:{worker_port}/readyz")).await;

    vitrine_core::accounts::create_by_operator(
        &db.pool,
        "ana@example.com",
        "correct horse battery",
        "Ana",
        true,
        false,
    )
    .await
    .unwrap();
    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let send = |method: &str, path: &str, body: Option<Value>| {
        let mut request = http.request(method.parse().unwrap(), format!("{base}{path}")).header("origin", &base);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    let login = json!({ "email": "ana@example.com", "password": "correct horse battery" });
    assert_eq!(send("POST", "/api/v1/auth/login", Some(login)).await.unwrap().status(), 200);
    let workspaces: Value = send("GET", "/api/v1/workspaces", None).await.unwrap().json().await.unwrap();
    let workspace = workspaces[0]["id"].as_str().unwrap();
    let body = json!({ "prompt": "Backend engineer, six years of payments" });
    let accepted = send("POST", &format!("/api/v1/workspaces/{workspace}/ai/generations"), Some(body)).await.unwrap();
    assert_eq!(accepted.status(), 202);
    let job: Value = accepted.json().await.unwrap();
    let id = job["id"].as_str().unwrap().to_owned();
    let done = eventually(Duration::from_secs(30), "the generation to finish", || {
        let request = send("GET", &format!("/api/v1/jobs/{id}"), None);
        async move {
            let job: Value = request.await.ok()?.json().await.ok()?;
            (job["status"] == "done" || job["status"] == "failed").then_some(job)
        }
    })
    .await;
    assert_eq!(done["status"], "done", "{done}");
    let portfolio = done["result"]["portfolio_id"].as_str().unwrap();
    let document: Value =
        send("GET", &format!("/api/v1/portfolios/{portfolio}/document"), None).await.unwrap().json().await.unwrap();
    assert_eq!(document["document"]["sections"][0]["name"], "Ana Ruiz");
    assert_eq!(fake.requests()[0]["model"], "test-model");
    let _ = std::fs::remove_dir_all(&outbox);
}
