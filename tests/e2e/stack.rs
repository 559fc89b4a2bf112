//! The whole product as it runs: router → platform, worker → outbox. A person signs up through
//! the router, gets the emailed link, confirms and signs in.

use std::time::Duration;

use serde_json::json;
use vitrine_testing::{TestDatabase, eventually, token_in};

use crate::processes::{Process, free_port, wait_ready};

#[tokio::test]
async fn sign_up_through_the_router_with_the_emailed_link() {
    let db = TestDatabase::create().await;
    let outbox = std::env::temp_dir().join(format!("vitrine-outbox-{}", uuid::Uuid::new_v4()));
    let (platform, worker, public, admin) = (free_port(), free_port(), free_port(), free_port());
    let public_url = format!("http://localhost:{public}");
    let database = ("VITRINE_DATABASE_URL", db.url.clone());
    let _platform = Process::start(
        "platform",
        &[
            database.clone(),
            ("VITRINE_PLATFORM_ADDR", format!("127.0.0.1:{platform}")),
            ("VITRINE_PUBLIC_URL", public_url.clone()),
        ],
    );
    let _worker = Process::start(
        "worker",
        &[
            database.clone(),
            ("VITRINE_WORKER_ADDR", format!("127.0.0.1:{worker}")),
            ("VITRINE_OUTBOX_DIR", outbox.display().to_string()),
        ],
    );
    let _router = Process::start(
        "tenant-router",
        &[
            database,
            ("VITRINE_PLATFORM_URL", format!("http://127.0.0.1:{platform}")),
            ("VITRINE_HTTP_PORT", public.to_string()),
            ("VITRINE_ROUTER_ADMIN_ADDR", format!("127.0.0.1:{admin}")),
            ("VITRINE_ROUTER_SECRET", "the routers' secret for end-to-end tests".to_owned()),
        ],
    );
    for ready in [
        format!("http://127.0.0.1:{platform}/readyz"),
        format!("http://127.0.0.1:{worker}/readyz"),
        format!("http://127.0.0.1:{admin}/readyz"),
    ] {
        wait_ready(&ready).await;
    }

    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let post = |path: &str, body: serde_json::Value| {
        browser.post(format!("{public_url}{path}")).header("origin", public_url.as_str()).json(&body).send()
    };
    let signup = post(
        "/api/v1/auth/signup",
        json!({ "email": "ann@example.com", "password": "correct horse battery", "full_name": "Ann" }),
    )
    .await
    .unwrap();
    assert_eq!(signup.status(), 201, "{:?}", signup.text().await);
    let email = eventually(Duration::from_secs(20), "the verification email", || async {
        let entry = std::fs::read_dir(&outbox).ok()?.filter_map(Result::ok).next()?;
        std::fs::read_to_string(entry.path()).ok()
    })
    .await;
    let email = vitrine_testing::mail::text_part(&email);
    let link = email.lines().find(|line| line.starts_with("http")).expect("a link line in the text part").trim();
    assert!(link.starts_with(&format!("{public_url}/app/verify-email?token=")), "{link}");
    let token = token_in(link);
    assert_eq!(post("/api/v1/auth/verify-email", json!({ "token": token })).await.unwrap().status(), 200);
    let login = post("/api/v1/auth/login", json!({ "email": "ann@example.com", "password": "correct horse battery" }))
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let me: serde_json::Value =
        browser.get(format!("{public_url}/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["email_verified"], true);
    let _ = std::fs::remove_dir_all(&outbox);
}
