//! What operators see of the job queues and steer: counts per queue, the latest failures with
//! their error, retry and discard, and the workers with their last heartbeat. Read from
//! apalis-postgres's own tables (schema `apalis`), which its setup creates at migration time,
//! hence runtime-checked queries here.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::{Error, Result};

/// A worker silent for longer than this is shown as gone (apalis declares it dead after three
/// missed heartbeats).
const ALIVE_SECONDS: f64 = 60.0;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueCounts {
    pub queue: String,
    pub pending: i64,
    pub running: i64,
    pub done: i64,
    /// Failed, with attempts left: they run again after their back-off.
    pub retrying: i64,
    /// Failed for good (out of attempts), or discarded by an operator.
    pub failed: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Failure {
    pub id: String,
    pub queue: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub error: Option<String>,
    pub run_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkerSeen {
    pub id: String,
    pub queue: String,
    pub last_seen: DateTime<Utc>,
    pub alive: bool,
}

pub async fn queues(pool: &PgPool) -> Result<Vec<QueueCounts>> {
    let counts = sqlx::query_as(
        "SELECT job_type AS queue,
                count(*) FILTER (WHERE status IN ('Pending', 'Queued')) AS pending,
                count(*) FILTER (WHERE status = 'Running') AS running,
                count(*) FILTER (WHERE status = 'Done') AS done,
                count(*) FILTER (WHERE status = 'Failed' AND attempts < max_attempts) AS retrying,
                count(*) FILTER (WHERE status = 'Killed' OR (status = 'Failed' AND attempts >= max_attempts)) AS failed
         FROM apalis.jobs GROUP BY job_type ORDER BY job_type",
    )
    .fetch_all(pool)
    .await?;
    Ok(counts)
}

/// The latest jobs that failed, newest first.
pub async fn failures(pool: &PgPool, limit: i64) -> Result<Vec<Failure>> {
    let failures = sqlx::query_as(
        "SELECT id, job_type AS queue, status, attempts, max_attempts,
                coalesce(last_result->>'Err', last_result::text) AS error, run_at
         FROM apalis.jobs WHERE status IN ('Failed', 'Killed')
         ORDER BY coalesce(done_at, lock_at, run_at) DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(failures)
}

pub async fn workers(pool: &PgPool) -> Result<Vec<WorkerSeen>> {
    let workers = sqlx::query_as(
        "SELECT id, worker_type AS queue, last_seen, last_seen > now() - make_interval(secs => $1) AS alive
         FROM apalis.workers ORDER BY last_seen DESC",
    )
    .bind(ALIVE_SECONDS)
    .fetch_all(pool)
    .await?;
    Ok(workers)
}

/// Puts a failed or discarded job back in its queue with a fresh budget of attempts.
pub async fn retry(pool: &PgPool, job: &str) -> Result<()> {
    let changed = sqlx::query(
        "UPDATE apalis.jobs SET status = 'Pending', attempts = 0, run_at = now(), lock_by = NULL, lock_at = NULL,
                done_at = NULL
         WHERE id = $1 AND status IN ('Failed', 'Killed')",
    )
    .bind(job)
    .execute(pool)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(Error::conflict("not_failed", None, "only a failed or discarded job can be retried"));
    }
    Ok(())
}

/// Stops a failed job from being tried again; it stays listed as discarded.
pub async fn discard(pool: &PgPool, job: &str) -> Result<()> {
    let changed = sqlx::query(
        "UPDATE apalis.jobs SET status = 'Killed', done_at = now(), lock_by = NULL
         WHERE id = $1 AND status IN ('Failed', 'Pending')",
    )
    .bind(job)
    .execute(pool)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(Error::conflict("not_failed", None, "only a failed or waiting job can be discarded"));
    }
    Ok(())
}
