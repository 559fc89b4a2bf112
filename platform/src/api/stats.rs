//! Visit statistics of a portfolio and of a whole workspace, as JSON and as CSV. Members of
//! the workspace only; anyone else gets 404.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, Object, OpenApi};
use uuid::Uuid;
use vitrine_core::portfolios::PortfolioId;
use vitrine_core::stats::report::{self, Range, Report};
use vitrine_core::workspaces::WorkspaceId;

use super::ApiTags;
use crate::State;
use crate::error::ApiResult;
use crate::session::Session;

pub struct StatsApi {
    pub state: Arc<State>,
}

#[derive(Debug, Object)]
pub struct DayStats {
    date: NaiveDate,
    views: i64,
    /// Distinct visitors that day
    uniques: i64,
}

#[derive(Debug, Object)]
pub struct StatsTotals {
    views: i64,
    /// The sum of each day's unique visitors (and, for a workspace, of each portfolio's)
    uniques: i64,
    /// Views by robots, not counted in `views`
    bots: i64,
}

#[derive(Debug, Object)]
pub struct RankedStat {
    /// A country code (ISO 3166), a referring domain or a device class (`desktop`, `tablet`,
    /// `phone`); empty for an unknown country or a direct visit
    value: String,
    views: i64,
}

#[derive(Debug, Object)]
pub struct PortfolioStat {
    portfolio_id: Uuid,
    views: i64,
    /// Views on each day of the range, oldest first
    daily_views: Vec<i64>,
}

#[derive(Debug, Object)]
#[oai(rename = "Stats")]
pub struct StatsView {
    from: NaiveDate,
    to: NaiveDate,
    /// Every day of the range, oldest first
    days: Vec<DayStats>,
    totals: StatsTotals,
    /// The period of the same length just before, for the trend
    previous_days: Vec<DayStats>,
    previous_totals: StatsTotals,
    countries: Vec<RankedStat>,
    referrers: Vec<RankedStat>,
    devices: Vec<RankedStat>,
    /// Workspace statistics only: each portfolio with views in the range, most viewed first
    portfolios: Vec<PortfolioStat>,
}

impl From<Report> for StatsView {
    fn from(report: Report) -> Self {
        let days = |days: Vec<report::Day>| {
            days.into_iter().map(|day| DayStats { date: day.date, views: day.views, uniques: day.uniques }).collect()
        };
        let totals =
            |totals: report::Totals| StatsTotals { views: totals.views, uniques: totals.uniques, bots: totals.bots };
        let ranked = |list: Vec<report::Ranked>| {
            list.into_iter().map(|entry| RankedStat { value: entry.value, views: entry.views }).collect()
        };
        StatsView {
            from: report.range.from,
            to: report.range.to,
            days: days(report.days),
            totals: totals(report.totals),
            previous_days: days(report.previous_days),
            previous_totals: totals(report.previous),
            countries: ranked(report.countries),
            referrers: ranked(report.referrers),
            devices: ranked(report.devices),
            portfolios: report
                .portfolios
                .into_iter()
                .map(|entry| PortfolioStat {
                    portfolio_id: entry.portfolio_id,
                    views: entry.views,
                    daily_views: entry.daily_views,
                })
                .collect(),
        }
    }
}

#[derive(ApiResponse)]
pub enum CsvFile {
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Csv(PlainText<String>, #[oai(header = "Content-Disposition")] String),
}

fn range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> vitrine_core::Result<Range> {
    Range::new(from, to, Utc::now().date_naive())
}

impl StatsApi {
    async fn portfolio_report(
        &self,
        session: &Session,
        id: Uuid,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> ApiResult<Report> {
        Ok(report::portfolio(&self.state.pool, PortfolioId(id), session.user.id, range(from, to)?).await?)
    }

    async fn workspace_report(
        &self,
        session: &Session,
        id: Uuid,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> ApiResult<Report> {
        Ok(report::workspace(&self.state.pool, WorkspaceId(id), session.user.id, range(from, to)?).await?)
    }
}

fn csv(report: &Report, name: &str) -> CsvFile {
    let filename = format!("vitrine-stats-{name}-{}-{}.csv", report.range.from, report.range.to);
    CsvFile::Csv(PlainText(report::csv(report)), format!("attachment; filename=\"{filename}\""))
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Stats")]
impl StatsApi {
    /// A portfolio's views and visitors per day from `from` to `to` (both included; the last
    /// 30 days by default), with the period before, top countries, referrers and devices
    #[oai(path = "/portfolios/:portfolio_id/stats", method = "get", operation_id = "getPortfolioStats")]
    async fn portfolio(
        &self,
        session: Session,
        portfolio_id: Path<Uuid>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<Json<StatsView>> {
        Ok(Json(self.portfolio_report(&session, portfolio_id.0, from.0, to.0).await?.into()))
    }

    /// The same days as CSV: `date,views,unique_visitors`
    #[oai(path = "/portfolios/:portfolio_id/stats.csv", method = "get", operation_id = "getPortfolioStatsCsv")]
    async fn portfolio_csv(
        &self,
        session: Session,
        portfolio_id: Path<Uuid>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<CsvFile> {
        Ok(csv(&self.portfolio_report(&session, portfolio_id.0, from.0, to.0).await?, "portfolio"))
    }

    /// The workspace's statistics across its portfolios, with each portfolio's daily views
    #[oai(path = "/workspaces/:workspace_id/stats", method = "get", operation_id = "getWorkspaceStats")]
    async fn workspace(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<Json<StatsView>> {
        Ok(Json(self.workspace_report(&session, workspace_id.0, from.0, to.0).await?.into()))
    }

    /// The workspace's days as CSV: `date,views,unique_visitors`
    #[oai(path = "/workspaces/:workspace_id/stats.csv", method = "get", operation_id = "getWorkspaceStatsCsv")]
    async fn workspace_csv(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<CsvFile> {
        Ok(csv(&self.workspace_report(&session, workspace_id.0, from.0, to.0).await?, "workspace"))
    }
}
