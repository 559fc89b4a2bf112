//! The weekly digest: each person's portfolios, their views and visitors over the last seven
//! days against the seven before, as a notification (emailed by the person's preferences).

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::rollup::group_thousands;
use crate::accounts::UserId;
use crate::notifications::{self, Category};

/// Tells everyone whose portfolios were viewed in the seven days before `now`. Returns how
/// many digests were written; a second run for the same week writes none.
pub async fn send_weekly(pool: &PgPool, now: DateTime<Utc>) -> crate::Result<u64> {
    let to = now.date_naive() - Duration::days(1);
    let from = to - Duration::days(6);
    let before = from - Duration::days(7);
    let rows = sqlx::query!(
        r#"SELECT p.created_by AS "owner!", p.id, p.title,
                  coalesce(sum(s.views) FILTER (WHERE s.day >= $1), 0)::bigint AS "views!",
                  coalesce(sum(s.uniques) FILTER (WHERE s.day >= $1), 0)::bigint AS "uniques!",
                  coalesce(sum(s.views) FILTER (WHERE s.day < $1), 0)::bigint AS "views_before!"
           FROM stats_daily s JOIN portfolios p ON p.id = s.portfolio_id
           WHERE s.day BETWEEN $2 AND $3 AND p.created_by IS NOT NULL AND p.deleted_at IS NULL
           GROUP BY p.created_by, p.id, p.title
           ORDER BY p.created_by, 4 DESC"#,
        from,
        before,
        to,
    )
    .fetch_all(pool)
    .await?;
    let week = now.format("%G-W%V");
    let mut sent = 0;
    let mut index = 0;
    while index < rows.len() {
        let owner: Uuid = rows[index].owner;
        let mine: Vec<_> = rows[index..].iter().take_while(|row| row.owner == owner).collect();
        index += mine.len();
        let views: i64 = mine.iter().map(|row| row.views).sum();
        if views == 0 {
            continue;
        }
        let uniques: i64 = mine.iter().map(|row| row.uniques).sum();
        let views_before: i64 = mine.iter().map(|row| row.views_before).sum();
        let trend = match views_before {
            0 => String::new(),
            before => {
                let percent = ((views - before) as f64 / before as f64 * 100.0).round() as i64;
                format!(" ({}{percent}% on the week before)", if percent >= 0 { "+" } else { "" })
            }
        };
        let pages: Vec<String> = mine
            .iter()
            .filter(|row| row.views > 0)
            .take(5)
            .map(|row| format!("“{}”: {} views", row.title, group_thousands(row.views)))
            .collect();
        let body = format!(
            "{} views by {} visitors from {from} to {to}{trend}. {}.",
            group_thousands(views),
            group_thousands(uniques),
            pages.join("; ")
        );
        let mut transaction = pool.begin().await?;
        let new = notifications::New {
            user: UserId(owner),
            workspace: None,
            category: Category::Digest,
            kind: "weekly_digest",
            title: format!("Your week on Vitrine: {} views", group_thousands(views)),
            body,
            link: Some("/app/stats".into()),
            dedupe_key: Some(format!("digest:{week}")),
            may_email: true,
        };
        let written = notifications::notify(&mut transaction, new).await?;
        transaction.commit().await?;
        sent += u64::from(written);
    }
    Ok(sent)
}
