//! Fixed-window attempt counters in PostgreSQL, so every platform replica shares them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::{Error, Result};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_hits: i32,
    pub window: Duration,
}

/// Counts one hit against `key`; over the limit it answers `RateLimited` with the seconds until
/// the window ends.
pub async fn hit(pool: &PgPool, key: &str, limit: Limit) -> Result<()> {
    let window_seconds = limit.window.as_secs().max(1) as i64;
    let now = Utc::now();
    let window_start = DateTime::from_timestamp(now.timestamp() - now.timestamp() % window_seconds, 0).unwrap_or(now);
    let hits = sqlx::query_scalar!(
        r#"INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
           ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
           RETURNING hits"#,
        key,
        window_start,
    )
    .fetch_one(pool)
    .await?;
    if hits > limit.max_hits {
        let ends = window_start + chrono::Duration::seconds(window_seconds);
        let retry_after = (ends - now).to_std().unwrap_or_default().max(Duration::from_secs(1));
        return Err(Error::RateLimited { retry_after });
    }
    Ok(())
}
