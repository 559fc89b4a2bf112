//! The worker delivers every email: after a crash mid-send, and through failures with retries,
//! keeping a job that keeps failing.

use std::time::Duration;

use vitrine_core::email::EmailMessage;
use vitrine_core::jobs::{EMAIL_QUEUE, MAX_ATTEMPTS};
use vitrine_testing::smtp::{Behaviour, SmtpServer};
use vitrine_testing::{TestDatabase, eventually};

use crate::processes::{Process, free_port, wait_ready};

fn start_worker(db: &TestDatabase, smtp: &SmtpServer) -> (Process, String) {
    let address = format!("127.0.0.1:{}", free_port());
    let worker = Process::start(
        "worker",
        &[
            ("VITRINE_DATABASE_URL", db.url.clone()),
            ("VITRINE_SMTP_URL", smtp.url()),
            ("VITRINE_WORKER_ADDR", address.clone()),
            ("VITRINE_WORKER_HEARTBEAT_SECONDS", "1".into()),
            ("VITRINE_JOB_RETRY_BASE_MS", "20".into()),
        ],
    );
    (worker, format!("http://{address}"))
}

async fn enqueue(db: &TestDatabase, to: &str) {
    let message = EmailMessage {
        to: to.into(),
        subject: "Confirm your email".into(),
        text: "Open http://vitrine.test/app/verify-email?token=abc".into(),
        html: "<p>Open <a href=\"http://vitrine.test/app/verify-email?token=abc\">this</a></p>".into(),
    };
    let mut connection = db.pool.acquire().await.unwrap();
    vitrine_core::jobs::enqueue_email(&mut connection, message).await.unwrap();
}

async fn job_state(db: &TestDatabase) -> (String, i32) {
    sqlx::query_as("SELECT status, attempts FROM apalis.jobs WHERE job_type = $1")
        .bind(EMAIL_QUEUE)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_email_reaches_the_smtp_server_with_text_and_html() {
    let db = TestDatabase::create().await;
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let (_worker, health) = start_worker(&db, &smtp);
    wait_ready(&format!("{health}/readyz")).await;
    enqueue(&db, "ann@example.com").await;
    let mail = eventually(Duration::from_secs(20), "the email", || async { smtp.received().pop() }).await;
    assert_eq!(mail.recipients, ["ann@example.com"]);
    assert!(mail.data.contains("Subject: Confirm your email"), "{}", mail.data);
    assert!(mail.data.contains("multipart/alternative"), "{}", mail.data);
    assert!(mail.data.contains("text/plain") && mail.data.contains("text/html"), "{}", mail.data);
    eventually(Duration::from_secs(10), "the job to be done", || async {
        (job_state(&db).await.0 == "Done").then_some(())
    })
    .await;
    let metrics = reqwest::get(format!("{health}/metrics")).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("vitrine_worker_jobs_total{queue=\"email\",outcome=\"succeeded\"} 1"), "{metrics}");
    assert!(metrics.contains("vitrine_worker_jobs_started_total{queue=\"email\"} 1"), "{metrics}");
    assert!(metrics.contains("vitrine_worker_job_duration_seconds_count{queue=\"email\"} 1"), "{metrics}");
    assert!(metrics.contains("vitrine_worker_queue_jobs{queue=\"vitrine.email\",state=\"done\"} 1"), "{metrics}");
}

#[tokio::test]
async fn a_worker_killed_while_sending_loses_no_email() {
    let db = TestDatabase::create().await;
    let smtp = SmtpServer::start(Behaviour::HangAfterData).await;
    let (worker, health) = start_worker(&db, &smtp);
    wait_ready(&format!("{health}/readyz")).await;
    enqueue(&db, "ann@example.com").await;
    eventually(Duration::from_secs(20), "the worker to be mid-send", || async {
        (smtp.hung_messages() == 1).then_some(())
    })
    .await;

    worker.kill().await;
    assert!(smtp.received().is_empty());
    assert_eq!(job_state(&db).await.0, "Running", "the job was taken and not finished");

    smtp.set_behaviour(Behaviour::Accept);
    let (_restarted, health) = start_worker(&db, &smtp);
    wait_ready(&format!("{health}/readyz")).await;
    let mail =
        eventually(Duration::from_secs(30), "the email after the restart", || async { smtp.received().pop() }).await;
    assert_eq!(mail.recipients, ["ann@example.com"]);
    eventually(Duration::from_secs(10), "the job to be done", || async {
        (job_state(&db).await.0 == "Done").then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_job_that_keeps_failing_is_retried_then_kept_as_failed() {
    let db = TestDatabase::create().await;
    let smtp = SmtpServer::start(Behaviour::RejectRecipients).await;
    let (_worker, health) = start_worker(&db, &smtp);
    wait_ready(&format!("{health}/readyz")).await;
    enqueue(&db, "nobody@example.com").await;
    let (status, attempts) = eventually(Duration::from_secs(60), "the job to give up", || async {
        let state = job_state(&db).await;
        (state.0 == "Failed" && state.1 as usize >= MAX_ATTEMPTS).then_some(state)
    })
    .await;
    assert_eq!((status.as_str(), attempts as usize), ("Failed", MAX_ATTEMPTS));
    assert_eq!(smtp.refused_recipients(), MAX_ATTEMPTS, "one delivery attempt per try");
    // Each retry waits at least twice as long as the one before (VITRINE_JOB_RETRY_BASE_MS=20):
    // without the back-off the queue would hand the job back at once.
    let times = smtp.refusal_times();
    for (retry, pair) in times.windows(2).enumerate() {
        let waited = pair[1] - pair[0];
        let least = Duration::from_millis(20 << retry);
        assert!(waited >= least, "retry {} came after {waited:?}, before its back-off of {least:?}", retry + 1);
    }
    let last_result: serde_json::Value =
        sqlx::query_scalar("SELECT last_result FROM apalis.jobs").fetch_one(&db.pool).await.unwrap();
    assert!(last_result.to_string().contains("refused"), "the failure is recorded: {last_result}");
    // Given up means given up: through several heartbeats it stays failed and is not run again.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(job_state(&db).await, ("Failed".to_owned(), MAX_ATTEMPTS as i32));
    let metrics = reqwest::get(format!("{health}/metrics")).await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains(&format!(
            "vitrine_worker_jobs_total{{queue=\"email\",outcome=\"retried\"}} {}",
            MAX_ATTEMPTS - 1
        )),
        "{metrics}"
    );
    assert!(metrics.contains("vitrine_worker_jobs_total{queue=\"email\",outcome=\"failed\"} 1"), "{metrics}");
    assert_eq!(smtp.refused_recipients(), MAX_ATTEMPTS);
}

#[tokio::test]
async fn without_smtp_the_email_lands_in_the_outbox() {
    let db = TestDatabase::create().await;
    let outbox = std::env::temp_dir().join(format!("vitrine-outbox-{}", uuid::Uuid::new_v4()));
    let address = format!("127.0.0.1:{}", free_port());
    let _worker = Process::start(
        "worker",
        &[
            ("VITRINE_DATABASE_URL", db.url.clone()),
            ("VITRINE_OUTBOX_DIR", outbox.display().to_string()),
            ("VITRINE_WORKER_ADDR", address.clone()),
        ],
    );
    wait_ready(&format!("http://{address}/readyz")).await;
    enqueue(&db, "ann@example.com").await;
    let file = eventually(Duration::from_secs(20), "an .eml file", || async {
        std::fs::read_dir(&outbox)
            .ok()?
            .filter_map(Result::ok)
            .find(|entry| entry.path().extension().is_some_and(|ext| ext == "eml"))
    })
    .await;
    let content = std::fs::read_to_string(file.path()).unwrap();
    assert!(content.contains("To: ann@example.com"), "{content}");
    assert!(content.contains("verify-email?token=abc"), "{content}");
    let _ = std::fs::remove_dir_all(&outbox);
}

#[tokio::test]
async fn an_email_job_run_again_after_sending_sends_nothing_more() {
    let db = TestDatabase::create().await;
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    enqueue(&db, "ann@example.com").await;
    let (_worker, health) = start_worker(&db, &smtp);
    wait_ready(&format!("{health}/readyz")).await;
    let done = || async { job_state(&db).await.0 == "Done" };
    eventually(Duration::from_secs(20), "the first run", || async { done().await.then_some(()) }).await;
    assert_eq!(smtp.received().len(), 1);

    // At-least-once: the job comes back as if its worker had died after sending.
    sqlx::query(
        "UPDATE apalis.jobs SET status = 'Pending', attempts = 0, done_at = NULL, lock_by = NULL, lock_at = NULL",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    eventually(Duration::from_secs(30), "the second run", || async { done().await.then_some(()) }).await;
    assert_eq!(smtp.received().len(), 1, "the second run sends nothing");
}

#[tokio::test]
async fn sigterm_lets_the_running_job_finish() {
    let db = TestDatabase::create().await;
    let smtp = SmtpServer::start(Behaviour::SlowAccept(Duration::from_millis(1500))).await;
    let (mut worker, health) = start_worker(&db, &smtp);
    wait_ready(&format!("{health}/readyz")).await;
    enqueue(&db, "ann@example.com").await;
    eventually(Duration::from_secs(20), "the job to run", || async {
        (job_state(&db).await.0 == "Running").then_some(())
    })
    .await;
    let pid = worker.child.id().expect("the worker runs").to_string();
    let signalled = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(signalled.success());
    let exit = tokio::time::timeout(Duration::from_secs(30), worker.child.wait()).await.unwrap().unwrap();
    assert!(exit.success(), "the worker stops cleanly: {exit:?}");
    assert_eq!(smtp.received().len(), 1, "the email in flight was delivered before stopping");
    assert_eq!(job_state(&db).await.0, "Done");
}

#[tokio::test]
async fn the_worker_keeps_working_after_its_database_connections_are_cut() {
    let db = TestDatabase::create().await;
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let (_worker, health) = start_worker(&db, &smtp);
    wait_ready(&format!("{health}/readyz")).await;
    // What a database restart or a failover does to every connection the worker holds.
    for _ in 0..3 {
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .execute(&db.pool)
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    enqueue(&db, "ann@example.com").await;
    let mail = eventually(Duration::from_secs(60), "the email after the cut", || async { smtp.received().pop() }).await;
    assert_eq!(mail.recipients, ["ann@example.com"]);
}

#[tokio::test]
async fn an_import_that_keeps_failing_ends_failed_on_its_page() {
    let db = TestDatabase::create().await;
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let (_worker, health) = start_worker(&db, &smtp);
    wait_ready(&format!("{health}/readyz")).await;
    let user = vitrine_core::accounts::create_by_operator(
        &db.pool,
        "ann@example.com",
        "correct horse battery",
        "Ann",
        true,
        false,
    )
    .await
    .unwrap();
    let workspace: uuid::Uuid = sqlx::query_scalar("SELECT workspace_id FROM workspace_members WHERE user_id = $1")
        .bind(user.id.0)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    // An input no version of the worker can read: every attempt fails the same way.
    let mut transaction = db.pool.begin().await.unwrap();
    let id: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO jobs (id, workspace_id, created_by, kind, status, input)
         VALUES (gen_random_uuid(), $1, $2, 'import', 'queued', '{}') RETURNING id",
    )
    .bind(workspace)
    .bind(user.id.0)
    .fetch_one(&mut *transaction)
    .await
    .unwrap();
    vitrine_core::jobs::enqueue(
        &mut transaction,
        vitrine_core::jobs::IMPORT_QUEUE,
        &vitrine_core::jobs::Import { job_id: id },
    )
    .await
    .unwrap();
    transaction.commit().await.unwrap();
    let (status, error): (String, Option<String>) =
        eventually(Duration::from_secs(60), "the import to fail for good", || async {
            let row: (String, Option<String>) = sqlx::query_as("SELECT status, error FROM jobs WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
            (row.0 == "failed").then_some(row)
        })
        .await;
    assert_eq!(status, "failed");
    assert!(error.is_some_and(|error| error.contains("does not read")));
    // Only after every attempt: the queue shows it failed with all of them made.
    let queue_state = async || -> (String, i32) {
        sqlx::query_as("SELECT status, attempts FROM apalis.jobs WHERE job_type = $1")
            .bind(vitrine_core::jobs::IMPORT_QUEUE)
            .fetch_one(&db.pool)
            .await
            .unwrap()
    };
    let given_up = eventually(Duration::from_secs(10), "the queue to give up", || async {
        let state = queue_state().await;
        (state.0 == "Failed").then_some(state)
    })
    .await;
    assert_eq!(given_up.1 as usize, MAX_ATTEMPTS, "every attempt was made first");
}
