//! Periodic work the worker does for everyone: version snapshots and their retention, and
//! housekeeping (the trash, expired sessions and tokens, old rate-limit windows, old
//! notifications). Each task
//! runs once per time slot across all worker replicas: the slot is claimed in `periodic_runs`.

use std::time::Duration;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sqlx::PgPool;

use crate::Result;
use crate::portfolios::TRASH_DAYS;

/// Versions younger than this are all kept…
const KEEP_ALL_DAYS: i64 = 7;
/// …then one a day up to this age, then one a week.
const KEEP_DAILY_DAYS: i64 = 90;

/// The start of the slot of length `every` that `now` falls in.
pub fn slot(now: DateTime<Utc>, every: Duration) -> DateTime<Utc> {
    let every = TimeDelta::from_std(every).unwrap_or(TimeDelta::minutes(10)).max(TimeDelta::seconds(1));
    now.duration_trunc(every).unwrap_or(now)
}

/// Claims `task` for the slot; `false` when another worker has it already.
pub async fn claim(pool: &PgPool, task: &str, slot: DateTime<Utc>, worker: &str) -> Result<bool> {
    let claimed = sqlx::query!(
        "INSERT INTO periodic_runs (task, slot, worker) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        task,
        slot,
        worker,
    )
    .execute(pool)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

pub async fn finish(pool: &PgPool, task: &str, slot: DateTime<Utc>, outcome: &str) -> Result<()> {
    sqlx::query!(
        "UPDATE periodic_runs SET finished_at = now(), outcome = $3 WHERE task = $1 AND slot = $2",
        task,
        slot,
        outcome,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A snapshot of every live portfolio whose current revision has none yet. Returns how many.
pub async fn take_snapshots(pool: &PgPool) -> Result<u64> {
    let taken = sqlx::query!(
        "INSERT INTO portfolio_versions (id, portfolio_id, workspace_id, revision, document, template, kind)
         SELECT gen_random_uuid(), p.id, p.workspace_id, p.revision, p.document, p.template, 'snapshot'
         FROM portfolios p
         WHERE p.deleted_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM portfolio_versions v
                           WHERE v.portfolio_id = p.id AND v.revision = p.revision AND v.kind = 'snapshot')",
    )
    .execute(pool)
    .await?;
    Ok(taken.rows_affected())
}

/// Thins the history as it ages: every version of the last 7 days, the newest of each day up
/// to 90 days, the newest of each week after that. Published and named versions, and each
/// portfolio's newest version, are never deleted. Returns how many were deleted.
pub async fn prune_versions(pool: &PgPool, now: DateTime<Utc>) -> Result<u64> {
    let pruned = sqlx::query!(
        "WITH candidates AS (
             SELECT v.id,
                    row_number() OVER (
                        PARTITION BY v.portfolio_id,
                            CASE WHEN v.created_at > $1::timestamptz - make_interval(days => $2) THEN v.id::text
                                 WHEN v.created_at > $1::timestamptz - make_interval(days => $3)
                                     THEN date_trunc('day', v.created_at AT TIME ZONE 'UTC')::text
                                 ELSE date_trunc('week', v.created_at AT TIME ZONE 'UTC')::text END
                        ORDER BY v.created_at DESC, v.revision DESC) AS rank,
                    row_number() OVER (PARTITION BY v.portfolio_id ORDER BY v.revision DESC, v.created_at DESC)
                        AS recency
             FROM portfolio_versions v
             WHERE v.kind <> 'publish' AND v.name IS NULL
               AND NOT EXISTS (SELECT 1 FROM portfolios p WHERE p.published_version_id = v.id)
         )
         DELETE FROM portfolio_versions v USING candidates c
         WHERE v.id = c.id AND c.rank > 1 AND c.recency > 1",
        now,
        KEEP_ALL_DAYS as i32,
        KEEP_DAILY_DAYS as i32,
    )
    .execute(pool)
    .await?;
    Ok(pruned.rows_affected())
}

/// What one housekeeping round removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub portfolios: u64,
    pub sessions: u64,
    pub tokens: u64,
    pub sign_ins: u64,
    pub rate_windows: u64,
    pub notifications: u64,
}

/// Notifications are kept this long.
const NOTIFICATION_DAYS: i32 = 180;

/// Empties the trash of portfolios older than 30 days and drops what has expired.
pub async fn sweep(pool: &PgPool, now: DateTime<Utc>) -> Result<Swept> {
    let portfolios = sqlx::query!(
        "DELETE FROM portfolios WHERE deleted_at < $1::timestamptz - make_interval(days => $2)",
        now,
        TRASH_DAYS as i32,
    )
    .execute(pool)
    .await?
    .rows_affected();
    let sessions = sqlx::query!("DELETE FROM sessions WHERE expires_at < $1", now).execute(pool).await?.rows_affected();
    // Used tokens are kept a day, so a second click on an emailed link can say it was used.
    let tokens = sqlx::query!(
        "DELETE FROM user_tokens WHERE expires_at < $1 OR used_at < $1::timestamptz - interval '1 day'",
        now,
    )
    .execute(pool)
    .await?
    .rows_affected();
    let sign_ins =
        sqlx::query!("DELETE FROM oidc_logins WHERE expires_at < $1", now).execute(pool).await?.rows_affected();
    let rate_windows =
        sqlx::query!("DELETE FROM rate_limits WHERE window_start < $1::timestamptz - interval '1 day'", now)
            .execute(pool)
            .await?
            .rows_affected();
    let notifications = sqlx::query!(
        "DELETE FROM notifications WHERE created_at < $1::timestamptz - make_interval(days => $2)",
        now,
        NOTIFICATION_DAYS,
    )
    .execute(pool)
    .await?
    .rows_affected();
    // Jobs are long settled by then: no run of theirs can come back to check.
    sqlx::query!("DELETE FROM sent_emails WHERE sent_at < $1::timestamptz - interval '30 days'", now)
        .execute(pool)
        .await?;
    Ok(Swept { portfolios, sessions, tokens, sign_ins, rate_windows, notifications })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_aligned_to_their_length() {
        let now: DateTime<Utc> = "2026-11-25T10:17:31Z".parse().unwrap();
        assert_eq!(slot(now, Duration::from_secs(600)).to_rfc3339(), "2026-11-25T10:10:00+00:00");
        assert_eq!(slot(now, Duration::from_secs(3600)).to_rfc3339(), "2026-11-25T10:00:00+00:00");
    }
}
