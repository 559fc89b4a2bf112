//! Periodic work: one worker at a time leads (it holds a Postgres advisory lock on a connection
//! of its own) and runs each task once per slot; a slot claimed in `periodic_runs` is never run
//! twice, even across a change of leader.

use std::time::Duration;

use chrono::Utc;
use sqlx::PgPool;
use sqlx::postgres::PgConnection;
use vitrine_core::domains::{self, Checker};
use vitrine_core::maintenance;
use vitrine_core::media::MediaStore;
use vitrine_core::stats::rollup;

/// The advisory lock key the leader holds ("vitrine" in ASCII).
const LEADER_LOCK: i64 = 0x0076_6974_7269_6e65;
/// The weekly digest's period.
const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);
/// How often, at most, the leader looks for due work and a follower for a lost leader.
const TICK: Duration = Duration::from_secs(5);
/// How often custom domains due for a check are looked for (each has its own next time).
const DOMAIN_CHECKS: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    pub snapshots: Duration,
    pub housekeeping: Duration,
    pub rollups: Duration,
    /// How long raw page views are kept; their daily aggregates stay.
    pub stats_retention: Duration,
}

pub async fn run(pool: PgPool, store: MediaStore, checker: Checker, worker: String, schedule: Schedule) {
    let tick = TICK.min(schedule.snapshots).min(schedule.housekeeping).min(schedule.rollups);
    let mut leader: Option<PgConnection> = None;
    loop {
        if leader.is_none() {
            leader = try_lead(&pool).await;
            if leader.is_some() {
                tracing::info!(worker = %worker, "leading periodic work");
            }
        }
        if let Some(connection) = &mut leader {
            // A leader whose lock connection broke has lost the lock with it.
            if sqlx::query("SELECT 1").execute(&mut *connection).await.is_err() {
                leader = None;
                continue;
            }
            run_due(&pool, &store, &checker, &worker, schedule).await;
        }
        tokio::time::sleep(tick).await;
    }
}

async fn try_lead(pool: &PgPool) -> Option<PgConnection> {
    let mut connection = pool.acquire().await.ok()?.detach();
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(LEADER_LOCK)
        .fetch_one(&mut connection)
        .await
        .ok()?;
    locked.then_some(connection)
}

async fn run_due(pool: &PgPool, store: &MediaStore, checker: &Checker, worker: &str, schedule: Schedule) {
    let now = Utc::now();
    let tasks: [(&str, Duration); 5] = [
        ("snapshots", schedule.snapshots),
        ("housekeeping", schedule.housekeeping),
        ("rollups", schedule.rollups),
        ("digest", WEEK),
        ("domains", DOMAIN_CHECKS),
    ];
    for (task, every) in tasks {
        let slot = maintenance::slot(now, every);
        match maintenance::claim(pool, task, slot, worker).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                tracing::warn!(task, error = %error, "cannot claim periodic work");
                continue;
            }
        }
        let outcome = match task {
            "snapshots" => snapshots(pool).await,
            "rollups" => rollups(pool).await,
            "digest" => digest(pool).await,
            "domains" => domains::check_due(pool, checker, now).await.map(|count| format!("{count} domains checked")),
            _ => housekeeping(pool, store, schedule.stats_retention).await,
        };
        let outcome = outcome.unwrap_or_else(|error| {
            tracing::error!(task, error = %error, "periodic work failed");
            format!("failed: {error}")
        });
        tracing::info!(task, %outcome, "periodic work done");
        if let Err(error) = maintenance::finish(pool, task, slot, &outcome).await {
            tracing::warn!(task, error = %error, "cannot record periodic work");
        }
    }
}

async fn snapshots(pool: &PgPool) -> vitrine_core::Result<String> {
    let taken = maintenance::take_snapshots(pool).await?;
    let pruned = maintenance::prune_versions(pool, Utc::now()).await?;
    Ok(format!("{taken} snapshots taken, {pruned} old versions pruned"))
}

async fn housekeeping(pool: &PgPool, store: &MediaStore, retention: Duration) -> vitrine_core::Result<String> {
    let swept = maintenance::sweep(pool, Utc::now()).await?;
    let exports = vitrine_core::exports::expire(pool, store, Utc::now()).await?;
    let retention = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::days(90));
    let views = rollup::prune(pool, Utc::now(), retention).await?;
    Ok(format!("{swept:?}, {exports} expired exports deleted, {views} old page views deleted"))
}

async fn digest(pool: &PgPool) -> vitrine_core::Result<String> {
    // The week's last views are in the aggregates first.
    rollup::roll_up(pool, rollup::SETTLE).await?;
    Ok(format!("{} weekly digests written", vitrine_core::stats::digest::send_weekly(pool, Utc::now()).await?))
}

async fn rollups(pool: &PgPool) -> vitrine_core::Result<String> {
    Ok(format!("{} page views added to the daily statistics", rollup::roll_up(pool, rollup::SETTLE).await?))
}
