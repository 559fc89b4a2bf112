//! What the statistics pages show, read only from the daily aggregates: views and unique
//! visitors per day, the same for the period before (the trend), and the top countries,
//! referrers and devices. A workspace's figures are the sum of its portfolios'.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use sqlx::PgPool;
use uuid::Uuid;

use crate::accounts::UserId;
use crate::portfolios::{self, PortfolioId};
use crate::workspaces::{self, Role, WorkspaceId};
use crate::{Error, Result};

/// The longest range one request may ask for.
const MAX_DAYS: i64 = 731;
/// The dates a range may name: no statistics lie outside, and arithmetic on dates near the
/// calendar's ends would overflow.
const EARLIEST: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");
const LATEST: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");
/// Entries of each ranked list.
const TOP: i64 = 10;

/// Days from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Range {
    /// The range asked for: the last 30 days up to `today` by default.
    pub fn new(from: Option<NaiveDate>, to: Option<NaiveDate>, today: NaiveDate) -> Result<Range> {
        for (field, date) in [("from", from), ("to", to)] {
            if date.is_some_and(|date| !(EARLIEST..=LATEST).contains(&date)) {
                return Err(Error::invalid(field, "out_of_range", format!("dates run from {EARLIEST} to {LATEST}")));
            }
        }
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - Duration::days(29));
        if from > to {
            return Err(Error::invalid("from", "invalid_range", "`from` must not be after `to`"));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(Error::invalid("from", "invalid_range", format!("a range is at most {MAX_DAYS} days")));
        }
        Ok(Range { from, to })
    }

    pub fn days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of the same length just before.
    pub fn previous(self) -> Range {
        Range { from: self.from - Duration::days(self.days()), to: self.from - Duration::days(1) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub views: i64,
    pub uniques: i64,
    pub bots: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub views: i64,
    pub uniques: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// A country code, a domain or a device class; empty for unknown countries and direct visits
    pub value: String,
    pub views: i64,
}

/// One portfolio's views in a workspace report, for its card's sparkline.
#[derive(Debug, Clone)]
pub struct PortfolioViews {
    pub portfolio_id: Uuid,
    pub views: i64,
    pub daily_views: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub range: Range,
    /// Every day of the range, oldest first, with zeros where nothing happened.
    pub days: Vec<Day>,
    pub totals: Totals,
    /// The period of the same length just before, day by day and in total.
    pub previous_days: Vec<Day>,
    pub previous: Totals,
    pub countries: Vec<Ranked>,
    pub referrers: Vec<Ranked>,
    pub devices: Vec<Ranked>,
    /// In a workspace's report: each portfolio with views in the range.
    pub portfolios: Vec<PortfolioViews>,
}

#[derive(Clone, Copy)]
enum Scope {
    Portfolio(Uuid),
    Workspace(Uuid),
}

impl Scope {
    fn ids(self) -> (Option<Uuid>, Option<Uuid>) {
        match self {
            Scope::Portfolio(id) => (Some(id), None),
            Scope::Workspace(id) => (None, Some(id)),
        }
    }
}

/// A portfolio's statistics, for members of its workspace.
pub async fn portfolio(pool: &PgPool, id: PortfolioId, actor: UserId, range: Range) -> Result<Report> {
    let mut connection = pool.acquire().await?;
    portfolios::load(&mut connection, id, actor, Role::Viewer).await?;
    drop(connection);
    build(pool, Scope::Portfolio(id.0), range).await
}

/// Statistics across a workspace's portfolios, for its members.
pub async fn workspace(pool: &PgPool, id: WorkspaceId, actor: UserId, range: Range) -> Result<Report> {
    workspaces::require_role(pool, id, actor, Role::Viewer).await?;
    build(pool, Scope::Workspace(id.0), range).await
}

async fn build(pool: &PgPool, scope: Scope, range: Range) -> Result<Report> {
    let previous = range.previous();
    let (portfolio, workspace) = scope.ids();
    let rows = sqlx::query!(
        r#"SELECT portfolio_id, day, views, uniques, bots FROM stats_daily
           WHERE (portfolio_id = $1 OR ($1 IS NULL AND workspace_id = $2)) AND day BETWEEN $3 AND $4"#,
        portfolio,
        workspace,
        previous.from,
        range.to,
    )
    .fetch_all(pool)
    .await?;
    let mut by_day: HashMap<NaiveDate, (i64, i64)> = HashMap::new();
    let (mut totals, mut before) = (Totals::default(), Totals::default());
    let mut per_portfolio: HashMap<Uuid, HashMap<NaiveDate, i64>> = HashMap::new();
    for row in &rows {
        let entry = by_day.entry(row.day).or_default();
        entry.0 += row.views;
        entry.1 += row.uniques;
        let sum = if row.day >= range.from { &mut totals } else { &mut before };
        sum.views += row.views;
        sum.uniques += row.uniques;
        sum.bots += row.bots;
        if row.day >= range.from && row.views > 0 {
            *per_portfolio.entry(row.portfolio_id).or_default().entry(row.day).or_default() += row.views;
        }
    }
    let series = |range: Range| -> Vec<Day> {
        (0..range.days())
            .map(|offset| {
                let date = range.from + Duration::days(offset);
                let (views, uniques) = by_day.get(&date).copied().unwrap_or_default();
                Day { date, views, uniques }
            })
            .collect()
    };
    let mut portfolios: Vec<PortfolioViews> = match scope {
        Scope::Portfolio(_) => Vec::new(),
        Scope::Workspace(_) => per_portfolio
            .into_iter()
            .map(|(portfolio_id, days)| PortfolioViews {
                portfolio_id,
                views: days.values().sum(),
                daily_views: (0..range.days())
                    .map(|offset| days.get(&(range.from + Duration::days(offset))).copied().unwrap_or(0))
                    .collect(),
            })
            .collect(),
    };
    portfolios.sort_by_key(|entry| std::cmp::Reverse(entry.views));
    Ok(Report {
        range,
        days: series(range),
        totals,
        previous_days: series(previous),
        previous: before,
        countries: ranked(pool, scope, range, "country").await?,
        referrers: ranked(pool, scope, range, "referrer").await?,
        devices: ranked(pool, scope, range, "device").await?,
        portfolios,
    })
}

async fn ranked(pool: &PgPool, scope: Scope, range: Range, dimension: &str) -> Result<Vec<Ranked>> {
    let (portfolio, workspace) = scope.ids();
    let rows = sqlx::query!(
        r#"SELECT value, sum(views)::bigint AS "views!" FROM stats_daily_breakdown
           WHERE (portfolio_id = $1 OR ($1 IS NULL AND workspace_id = $2)) AND day BETWEEN $3 AND $4
             AND dimension = $5
           GROUP BY value ORDER BY 2 DESC, 1 LIMIT $6"#,
        portfolio,
        workspace,
        range.from,
        range.to,
        dimension,
        TOP,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|row| Ranked { value: row.value, views: row.views }).collect())
}

/// The report's days as CSV: `date,views,unique_visitors`.
pub fn csv(report: &Report) -> String {
    let mut csv = String::from("date,views,unique_visitors\n");
    for day in &report.days {
        csv.push_str(&format!("{},{},{}\n", day.date, day.views, day.uniques));
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_default_to_thirty_days_and_compare_with_the_period_before() {
        let range = Range::new(None, None, date("2026-11-25")).unwrap();
        assert_eq!((range.from, range.to, range.days()), (date("2026-10-27"), date("2026-11-25"), 30));
        let previous = range.previous();
        assert_eq!((previous.from, previous.to), (date("2026-09-27"), date("2026-10-26")));
    }

    #[test]
    fn ranges_are_checked() {
        let today = date("2026-11-25");
        let backwards = Range::new(Some(date("2026-11-20")), Some(date("2026-11-10")), today).unwrap_err();
        assert!(matches!(backwards, Error::Invalid { ref field, .. } if field == "from"));
        assert!(Range::new(Some(date("2020-01-01")), None, today).is_err(), "at most two years");
        assert_eq!(Range::new(Some(today), Some(today), today).unwrap().days(), 1);
    }
}
