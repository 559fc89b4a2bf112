//! Periodic work with two workers: one leads and snapshots once per change; when it dies the
//! other takes over.

use std::time::Duration;

use vitrine_core::accounts;
use vitrine_core::portfolios::{self, NewPortfolio, Origin};
use vitrine_core::workspaces;
use vitrine_testing::{TestDatabase, eventually};

use crate::processes::{Process, free_port, wait_ready};

fn start_worker(db: &TestDatabase, name: &str) -> (Process, String) {
    let address = format!("127.0.0.1:{}", free_port());
    let worker = Process::start(
        "worker",
        &[
            ("VITRINE_DATABASE_URL", db.url.clone()),
            ("VITRINE_WORKER_NAME", name.into()),
            ("VITRINE_WORKER_ADDR", address.clone()),
            ("VITRINE_OUTBOX_DIR", std::env::temp_dir().join("vitrine-e2e-outbox").display().to_string()),
            ("VITRINE_SNAPSHOT_INTERVAL", "1s".into()),
        ],
    );
    (worker, format!("http://{address}/readyz"))
}

async fn leaders(db: &TestDatabase) -> Vec<String> {
    sqlx::query_scalar("SELECT DISTINCT worker FROM periodic_runs WHERE task = 'snapshots' ORDER BY worker")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn two_workers_snapshot_once_and_the_survivor_takes_over() {
    let db = TestDatabase::create().await;
    let user = accounts::create_by_operator(&db.pool, "ann@example.com", "a long password 1", "Ann", true, false)
        .await
        .unwrap();
    let workspace = workspaces::list(&db.pool, user.id).await.unwrap().remove(0);
    let request = NewPortfolio { title: "CV", description: None, slug: None, template: None, origin: Origin::Blank };
    let portfolio = portfolios::create(&db.pool, workspace.id, user.id, request).await.unwrap();

    let (first, first_ready) = start_worker(&db, "worker-one");
    let (second, second_ready) = start_worker(&db, "worker-two");
    wait_ready(&first_ready).await;
    wait_ready(&second_ready).await;

    let snapshots = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM portfolio_versions WHERE portfolio_id = $1 AND kind = 'snapshot'",
        )
        .bind(portfolio.id.0)
        .fetch_one(&db.pool)
        .await
        .unwrap()
    };
    eventually(Duration::from_secs(20), "a snapshot", || async { (snapshots().await == 1).then_some(()) }).await;
    // Several slots pass: the unchanged portfolio gets no second snapshot, and one worker led.
    eventually(Duration::from_secs(20), "three slots run", || async {
        let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM periodic_runs WHERE task = 'snapshots'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        (runs >= 3).then_some(())
    })
    .await;
    assert_eq!(snapshots().await, 1);
    let led = leaders(&db).await;
    assert_eq!(led.len(), 1, "one leader at a time: {led:?}");

    // The leader dies; the other takes over and snapshots the next change.
    let (survivor, leader) = if led[0] == "worker-one" { (second, first) } else { (first, second) };
    leader.kill().await;
    let document = vitrine_core::document::demo();
    portfolios::save_document(&db.pool, portfolio.id, user.id, 1, &document, None).await.unwrap();
    eventually(Duration::from_secs(30), "the survivor's snapshot", || async { (snapshots().await == 2).then_some(()) })
        .await;
    assert_eq!(leaders(&db).await.len(), 2, "the survivor ran the later slots");
    drop(survivor);
}
