//! The worker's side: adding new views to the daily aggregates (only rows past the watermark,
//! never a re-scan), telling owners of view milestones, and deleting what has aged out.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::postgres::types::PgInterval;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::notifications::{self, Category};
use crate::workspaces::WorkspaceId;

/// Views added per round, at most; a round is one transaction.
const ROUND: i64 = 20_000;
/// Visitors already counted are kept this long, for views that arrive late.
const VISITOR_DAYS: i64 = 7;

type Key = (Uuid, NaiveDate);

/// How long after its transaction began a view row is surely committed or gone: the
/// recorder's transactions are two statements, each cut off after five seconds.
pub const SETTLE: std::time::Duration = std::time::Duration::from_secs(30);

/// Adds the views written since the last round to the aggregates, up to those written
/// `settle` ago: a view id is only passed once every lower id has settled, since ids are
/// handed out before commit. Returns how many views were added.
pub async fn roll_up(pool: &PgPool, settle: std::time::Duration) -> crate::Result<u64> {
    let settle = Duration::from_std(settle).unwrap_or(Duration::seconds(30));
    let mut total = 0;
    loop {
        let mut transaction = pool.begin().await?;
        let added = round(&mut transaction, settle).await?;
        transaction.commit().await?;
        total += added;
        if added == 0 {
            return Ok(total);
        }
    }
}

async fn round(connection: &mut PgConnection, settle: Duration) -> crate::Result<u64> {
    let last =
        sqlx::query_scalar!("SELECT last_view_id FROM stats_rollup FOR UPDATE").fetch_one(&mut *connection).await?;
    let upto = sqlx::query_scalar!(
        r#"SELECT max(id) AS "upto" FROM (
               SELECT id FROM page_views WHERE id > $1 AND inserted_at <= now() - $2::interval ORDER BY id LIMIT $3
           ) settled"#,
        last,
        PgInterval::try_from(settle).map_err(|error| anyhow::anyhow!("the settle time: {error}"))?,
        ROUND,
    )
    .fetch_one(&mut *connection)
    .await?;
    let Some(upto) = upto else { return Ok(0) };
    let rows = sqlx::query!(
        r#"SELECT portfolio_id, workspace_id, (viewed_at AT TIME ZONE 'UTC')::date AS "day!", country, referrer,
                  device, visitor, views
           FROM page_views WHERE id > $1 AND id <= $2"#,
        last,
        upto,
    )
    .fetch_all(&mut *connection)
    .await?;
    sqlx::query!("UPDATE stats_rollup SET last_view_id = $1", upto).execute(&mut *connection).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut daily: HashMap<Key, (Uuid, i64)> = HashMap::new();
    let mut breakdown: HashMap<(Uuid, NaiveDate, &'static str, String), (Uuid, i64)> = HashMap::new();
    let mut visitors = (Vec::new(), Vec::new(), Vec::new());
    for row in &rows {
        let views = i64::from(row.views);
        daily.entry((row.portfolio_id, row.day)).or_insert((row.workspace_id, 0)).1 += views;
        let values = [
            ("country", row.country.clone().unwrap_or_default()),
            ("referrer", row.referrer.clone().unwrap_or_default()),
            ("device", row.device.clone()),
        ];
        for (dimension, value) in values {
            breakdown.entry((row.portfolio_id, row.day, dimension, value)).or_insert((row.workspace_id, 0)).1 += views;
        }
        visitors.0.push(row.portfolio_id);
        visitors.1.push(row.day);
        visitors.2.push(row.visitor.clone());
    }
    // Visitors new to their day are the day's new uniques.
    let new_visitors = sqlx::query!(
        r#"INSERT INTO stats_visitors (portfolio_id, day, visitor)
           SELECT DISTINCT * FROM UNNEST($1::uuid[], $2::date[], $3::bytea[])
           ON CONFLICT DO NOTHING
           RETURNING portfolio_id, day"#,
        &visitors.0,
        &visitors.1,
        &visitors.2,
    )
    .fetch_all(&mut *connection)
    .await?;
    let mut uniques: HashMap<Key, i64> = HashMap::new();
    for visitor in new_visitors {
        *uniques.entry((visitor.portfolio_id, visitor.day)).or_default() += 1;
    }
    let before = totals(connection, daily.keys().map(|(portfolio, _)| *portfolio).collect()).await?;

    let mut columns = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((portfolio, day), (workspace, views)) in &daily {
        columns.0.push(*portfolio);
        columns.1.push(*workspace);
        columns.2.push(*day);
        columns.3.push(*views);
        columns.4.push(uniques.get(&(*portfolio, *day)).copied().unwrap_or(0));
    }
    sqlx::query!(
        "INSERT INTO stats_daily (portfolio_id, workspace_id, day, views, uniques)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::date[], $4::bigint[], $5::bigint[])
         ON CONFLICT (portfolio_id, day)
         DO UPDATE SET views = stats_daily.views + excluded.views, uniques = stats_daily.uniques + excluded.uniques",
        &columns.0,
        &columns.1,
        &columns.2,
        &columns.3,
        &columns.4,
    )
    .execute(&mut *connection)
    .await?;
    let mut columns = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((portfolio, day, dimension, value), (workspace, views)) in breakdown {
        columns.0.push(portfolio);
        columns.1.push(workspace);
        columns.2.push(day);
        columns.3.push(dimension.to_owned());
        columns.4.push(value);
        columns.5.push(views);
    }
    sqlx::query!(
        "INSERT INTO stats_daily_breakdown (portfolio_id, workspace_id, day, dimension, value, views)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::date[], $4::text[], $5::text[], $6::bigint[])
         ON CONFLICT (portfolio_id, day, dimension, value) DO UPDATE SET views = stats_daily_breakdown.views + excluded.views",
        &columns.0,
        &columns.1,
        &columns.2,
        &columns.3,
        &columns.4,
        &columns.5,
    )
    .execute(&mut *connection)
    .await?;
    let after = totals(connection, before.keys().copied().collect()).await?;
    for (portfolio, was) in before {
        let now = after.get(&portfolio).copied().unwrap_or(was);
        if let Some(milestone) = milestone_crossed(was, now) {
            tell_milestone(connection, portfolio, milestone).await?;
        }
    }
    Ok(daily.values().map(|(_, views)| *views as u64).sum())
}

async fn totals(connection: &mut PgConnection, portfolios: Vec<Uuid>) -> crate::Result<HashMap<Uuid, i64>> {
    let mut portfolios = portfolios;
    portfolios.sort();
    portfolios.dedup();
    let rows = sqlx::query!(
        r#"SELECT p.id, coalesce(sum(s.views), 0)::bigint AS "views!"
           FROM UNNEST($1::uuid[]) AS p (id) LEFT JOIN stats_daily s ON s.portfolio_id = p.id GROUP BY p.id"#,
        &portfolios,
    )
    .fetch_all(connection)
    .await?;
    Ok(rows.into_iter().filter_map(|row| Some((row.id?, row.views))).collect())
}

/// The largest milestone (1, 10, 100, 1 000, …) that `now` reached and `was` had not.
pub fn milestone_crossed(was: i64, now: i64) -> Option<i64> {
    let mut milestone = 1;
    let mut crossed = None;
    while milestone <= now {
        if was < milestone {
            crossed = Some(milestone);
        }
        milestone = milestone.checked_mul(10)?;
    }
    crossed
}

async fn tell_milestone(connection: &mut PgConnection, portfolio: Uuid, milestone: i64) -> crate::Result<()> {
    let Some(row) = sqlx::query!("SELECT title, workspace_id, created_by FROM portfolios WHERE id = $1", portfolio)
        .fetch_optional(&mut *connection)
        .await?
    else {
        return Ok(());
    };
    let Some(owner) = row.created_by else { return Ok(()) };
    let title = if milestone == 1 {
        format!("“{}” had its first view", row.title)
    } else {
        format!("“{}” passed {} views", row.title, group_thousands(milestone))
    };
    let new = notifications::New {
        user: UserId(owner),
        workspace: Some(WorkspaceId(row.workspace_id)),
        category: Category::Milestones,
        kind: "view_milestone",
        title,
        body: "See who reads it, where they come from and on what, in its statistics.".into(),
        link: Some(format!("/app/portfolios/{portfolio}/stats")),
        dedupe_key: Some(format!("milestone:{portfolio}:{milestone}")),
        may_email: true,
    };
    notifications::notify(connection, new).await?;
    Ok(())
}

/// 1000000 → "1 000 000".
pub fn group_thousands(number: i64) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    grouped
}

/// Deletes raw views older than `retention` (their aggregates stay), visitors of days that are
/// complete, and salts of days gone by. Returns how many views were deleted.
pub async fn prune(pool: &PgPool, now: DateTime<Utc>, retention: Duration) -> crate::Result<u64> {
    let deleted = sqlx::query!(
        "DELETE FROM page_views WHERE viewed_at < $1 AND id <= (SELECT last_view_id FROM stats_rollup)",
        now - retention
    )
    .execute(pool)
    .await?
    .rows_affected();
    let today = now.date_naive();
    sqlx::query!("DELETE FROM stats_visitors WHERE day < $1", today - Duration::days(VISITOR_DAYS))
        .execute(pool)
        .await?;
    sqlx::query!("DELETE FROM view_salts WHERE day < $1", today - Duration::days(1)).execute(pool).await?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milestones_are_powers_of_ten() {
        assert_eq!(milestone_crossed(0, 1), Some(1));
        assert_eq!(milestone_crossed(1, 9), None);
        assert_eq!(milestone_crossed(9, 10), Some(10));
        assert_eq!(milestone_crossed(5, 150), Some(100), "the largest one crossed");
        assert_eq!(milestone_crossed(999, 1_000), Some(1_000));
        assert_eq!(milestone_crossed(1_000, 1_001), None);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(1), "1");
        assert_eq!(group_thousands(1_000), "1 000");
        assert_eq!(group_thousands(1_000_000), "1 000 000");
    }
}
