//! Custom domains: a workspace claims a hostname, proves it with a TXT record, points it at
//! the edge, and the router serves the chosen portfolio there over TLS. Checks run when the
//! owner asks and, from the worker, on a schedule: with back-off until the domain works, then
//! daily.

pub mod dns;
pub mod hostname;

/// Told at commit whenever a domain or a workspace's handle changes (by triggers in the
/// schema): routers forget which tenant a host names, platforms which page an address names.
pub const HOSTS_CHANNEL: &str = "vitrine_hosts";

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::notifications::{self, Category};
use crate::portfolios;
use crate::workspaces::{self, Role, WorkspaceId};
use crate::{Error, Result, token};

pub use dns::Checker;

/// The most checks one worker pass makes, so a pass stays short.
const CHECK_BATCH: i64 = 50;
/// Checks made at once.
const CONCURRENT_CHECKS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum)]
#[oai(rename = "DomainStatus", rename_all = "snake_case")]
pub enum Status {
    /// The TXT record has not been seen yet
    Pending,
    /// Ownership is proven; the name does not lead to the edge yet
    Verified,
    /// Proven and leading to the edge: served, with a certificate
    Active,
    /// Was active; the last re-check failed (still served while the owner fixes it)
    Failing,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Verified => "verified",
            Status::Active => "active",
            Status::Failing => "failing",
        }
    }

    fn parse(value: &str) -> Status {
        match value {
            "verified" => Status::Verified,
            "active" => Status::Active,
            "failing" => Status::Failing,
            _ => Status::Pending,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Domain {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    pub portfolio_id: Uuid,
    pub hostname: String,
    pub verification_token: String,
    pub status: Status,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub last_check_result: Option<String>,
    pub next_check_at: DateTime<Utc>,
    pub verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A record the owner creates at their DNS provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecord {
    pub kind: &'static str,
    pub name: String,
    pub value: String,
}

/// The records that make `domain` work: the TXT proof, and a CNAME to the edge, or for a
/// two-label name (an apex, which cannot hold a CNAME) A/AAAA records of the edge.
pub fn records(domain: &Domain, edge_hostname: &str, edge_addresses: &[IpAddr]) -> Vec<DnsRecord> {
    let mut records = vec![DnsRecord {
        kind: "TXT",
        name: dns::txt_name(&domain.hostname),
        value: domain.verification_token.clone(),
    }];
    if domain.hostname.matches('.').count() == 1 {
        records.extend(edge_addresses.iter().map(|address| DnsRecord {
            kind: if address.is_ipv4() { "A" } else { "AAAA" },
            name: domain.hostname.clone(),
            value: address.to_string(),
        }));
    } else {
        records.push(DnsRecord { kind: "CNAME", name: domain.hostname.clone(), value: edge_hostname.to_owned() });
    }
    records
}

struct Row {
    id: Uuid,
    workspace_id: Uuid,
    portfolio_id: Uuid,
    hostname: String,
    verification_token: String,
    status: String,
    last_checked_at: Option<DateTime<Utc>>,
    last_check_result: Option<String>,
    next_check_at: DateTime<Utc>,
    verified_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<Row> for Domain {
    fn from(row: Row) -> Self {
        Domain {
            id: row.id,
            workspace_id: WorkspaceId(row.workspace_id),
            portfolio_id: row.portfolio_id,
            hostname: row.hostname,
            verification_token: row.verification_token,
            status: Status::parse(&row.status),
            last_checked_at: row.last_checked_at,
            last_check_result: row.last_check_result,
            next_check_at: row.next_check_at,
            verified_at: row.verified_at,
            created_at: row.created_at,
        }
    }
}

async fn require_portfolio(connection: &mut PgConnection, workspace: WorkspaceId, portfolio: Uuid) -> Result<()> {
    if !portfolios::is_in_workspace(connection, workspace, portfolio).await? {
        return Err(Error::invalid("portfolio_id", "not_found", "no such portfolio in this workspace"));
    }
    Ok(())
}

/// Claims `hostname` for the workspace, landing on `portfolio`.
pub async fn add(
    pool: &PgPool,
    workspace: WorkspaceId,
    actor: UserId,
    hostname: &str,
    portfolio: Uuid,
    base_domain: &str,
) -> Result<Domain> {
    workspaces::require_role(pool, workspace, actor, Role::Owner).await?;
    let hostname = hostname::parse_custom("hostname", hostname, base_domain)?;
    let mut transaction = pool.begin().await?;
    require_portfolio(&mut transaction, workspace, portfolio).await?;
    let token = format!("vitrine-verify={}", token::generate());
    let row = sqlx::query_as!(
        Row,
        "INSERT INTO domains (id, workspace_id, portfolio_id, hostname, verification_token, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, workspace_id, portfolio_id, hostname, verification_token, status, last_checked_at,
                   last_check_result, next_check_at, verified_at, created_at",
        Uuid::new_v4(),
        workspace.0,
        portfolio,
        hostname,
        token,
        actor.0,
    )
    .fetch_one(&mut *transaction)
    .await
    .map_err(|error| {
        crate::error::on_unique_violation(
            error,
            "domains_hostname_key",
            "hostname_taken",
            "hostname",
            "this domain is already connected to a workspace",
        )
    })?;
    transaction.commit().await?;
    Ok(row.into())
}

pub async fn list(pool: &PgPool, workspace: WorkspaceId, actor: UserId) -> Result<Vec<Domain>> {
    workspaces::role_of(pool, workspace, actor).await?;
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, workspace_id, portfolio_id, hostname, verification_token, status, last_checked_at,
                last_check_result, next_check_at, verified_at, created_at
         FROM domains WHERE workspace_id = $1 ORDER BY hostname",
        workspace.0,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Domain::from).collect())
}

async fn find(connection: &mut PgConnection, workspace: WorkspaceId, id: Uuid) -> Result<Domain> {
    let row = sqlx::query_as!(
        Row,
        "SELECT id, workspace_id, portfolio_id, hostname, verification_token, status, last_checked_at,
                last_check_result, next_check_at, verified_at, created_at
         FROM domains WHERE id = $1 AND workspace_id = $2 FOR UPDATE",
        id,
        workspace.0,
    )
    .fetch_optional(connection)
    .await?;
    row.map(Domain::from).ok_or(Error::NotFound)
}

/// Points the domain at another of the workspace's portfolios.
pub async fn point(pool: &PgPool, workspace: WorkspaceId, actor: UserId, id: Uuid, portfolio: Uuid) -> Result<Domain> {
    workspaces::require_role(pool, workspace, actor, Role::Owner).await?;
    let mut transaction = pool.begin().await?;
    find(&mut transaction, workspace, id).await?;
    require_portfolio(&mut transaction, workspace, portfolio).await?;
    sqlx::query!("UPDATE domains SET portfolio_id = $1 WHERE id = $2", portfolio, id)
        .execute(&mut *transaction)
        .await?;
    let domain = find(&mut transaction, workspace, id).await?;
    transaction.commit().await?;
    Ok(domain)
}

pub async fn remove(pool: &PgPool, workspace: WorkspaceId, actor: UserId, id: Uuid) -> Result<()> {
    workspaces::require_role(pool, workspace, actor, Role::Owner).await?;
    let deleted =
        sqlx::query!("DELETE FROM domains WHERE id = $1 AND workspace_id = $2", id, workspace.0).execute(pool).await?;
    if deleted.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Checks the domain now, as its owner asked.
pub async fn check_now(
    pool: &PgPool,
    checker: &Checker,
    workspace: WorkspaceId,
    actor: UserId,
    id: Uuid,
) -> Result<Domain> {
    workspaces::require_role(pool, workspace, actor, Role::Owner).await?;
    let domain = find(&mut *pool.acquire().await?, workspace, id).await?;
    let finding = checker.check(&domain.hostname, &domain.verification_token).await;
    record(pool, &domain, &finding, Utc::now()).await?;
    find(&mut *pool.acquire().await?, workspace, id).await
}

/// Checks the domains whose time has come; answers how many were checked.
pub async fn check_due(pool: &PgPool, checker: &Checker, now: DateTime<Utc>) -> Result<usize> {
    let due = sqlx::query_as!(
        Row,
        "SELECT id, workspace_id, portfolio_id, hostname, verification_token, status, last_checked_at,
                last_check_result, next_check_at, verified_at, created_at
         FROM domains WHERE next_check_at <= $1 ORDER BY next_check_at LIMIT $2",
        now,
        CHECK_BATCH,
    )
    .fetch_all(pool)
    .await?;
    let count = due.len();
    // A name whose DNS does not answer takes its full time-out; the others need not wait.
    let checked: Vec<Result<()>> = futures::stream::iter(due.into_iter().map(Domain::from))
        .map(|domain| async move {
            let finding = checker.check(&domain.hostname, &domain.verification_token).await;
            record(pool, &domain, &finding, now).await
        })
        .buffer_unordered(CONCURRENT_CHECKS)
        .collect()
        .await;
    checked.into_iter().collect::<Result<Vec<()>>>()?;
    Ok(count)
}

/// The status a finding leads to, from the status before.
fn next_status(before: Status, finding: &dns::Finding) -> Status {
    match (finding.owned, finding.points_here, before) {
        (true, true, _) => Status::Active,
        (_, _, Status::Active | Status::Failing) => Status::Failing,
        (true, false, _) => Status::Verified,
        (false, _, _) => Status::Pending,
    }
}

/// When to look again: daily once it works, else after a wait that doubles with every failed
/// check, from a minute to six hours.
fn next_check(status: Status, failed_checks: i32, now: DateTime<Utc>) -> DateTime<Utc> {
    match status {
        Status::Active => now + Duration::days(1),
        _ => now + Duration::minutes(1i64 << failed_checks.clamp(0, 9)).min(Duration::hours(6)),
    }
}

async fn record(pool: &PgPool, domain: &Domain, finding: &dns::Finding, now: DateTime<Utc>) -> Result<()> {
    let status = next_status(domain.status, finding);
    let mut transaction = pool.begin().await?;
    let failed = sqlx::query_scalar!(
        "UPDATE domains SET status = $2, last_checked_at = $3, last_check_result = $4,
                failed_checks = CASE WHEN $2 = 'active' THEN 0 ELSE failed_checks + 1 END,
                verified_at = CASE WHEN $5 THEN COALESCE(verified_at, $3) ELSE verified_at END
         WHERE id = $1 RETURNING failed_checks",
        domain.id,
        status.as_str(),
        now,
        finding.words,
        finding.owned,
    )
    .fetch_optional(&mut *transaction)
    .await?;
    // Deleted while it was being checked.
    let Some(failed) = failed else { return Ok(()) };
    sqlx::query!("UPDATE domains SET next_check_at = $2 WHERE id = $1", domain.id, next_check(status, failed, now))
        .execute(&mut *transaction)
        .await?;
    let news = match (domain.status, status) {
        (before, Status::Active) if before != Status::Active => Some((
            "domain_active",
            format!("{} is live", domain.hostname),
            format!("Your portfolio is now served at https://{}/.", domain.hostname),
        )),
        (Status::Active, Status::Failing) => Some((
            "domain_failing",
            format!("{} stopped checking out", domain.hostname),
            format!("{} Fix the records to keep the domain.", finding.words),
        )),
        _ => None,
    };
    if let Some((kind, title, body)) = news {
        let owners = sqlx::query_scalar!(
            "SELECT user_id FROM workspace_members WHERE workspace_id = $1 AND role = 'owner'",
            domain.workspace_id.0,
        )
        .fetch_all(&mut *transaction)
        .await?;
        for owner in owners {
            notifications::notify(
                &mut transaction,
                notifications::New {
                    user: UserId(owner),
                    workspace: Some(domain.workspace_id),
                    category: Category::Domains,
                    kind,
                    title: title.clone(),
                    body: body.clone(),
                    link: Some("/app/domains".into()),
                    dedupe_key: Some(format!("{kind}:{}:{}", domain.id, now.date_naive())),
                    may_email: true,
                },
            )
            .await?;
        }
    }
    transaction.commit().await?;
    Ok(())
}

/// Where the router sends a custom domain's visitors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub handle: String,
    pub portfolio_id: Uuid,
}

/// A custom domain's status and site, for the router: it serves active (and failing, which
/// does not take a working site down at once) domains and orders certificates for proven ones.
pub async fn lookup(pool: &PgPool, hostname: &str) -> Result<Option<(Status, Site)>> {
    let row = sqlx::query!(
        r#"SELECT d.status, w.handle::text AS "handle!", d.portfolio_id
           FROM domains d JOIN workspaces w ON w.id = d.workspace_id
           WHERE d.hostname = $1"#,
        hostname,
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| {
        let site = Site { handle: row.handle, portfolio_id: row.portfolio_id };
        (Status::parse(&row.status), site)
    }))
}

/// Whether a workspace has this handle.
pub async fn handle_exists(pool: &PgPool, handle: &str) -> Result<bool> {
    Ok(sqlx::query_scalar!("SELECT 1 FROM workspaces WHERE handle = $1", handle).fetch_optional(pool).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(owned: bool, points_here: bool) -> dns::Finding {
        dns::Finding { owned, points_here, words: String::new() }
    }

    #[test]
    fn status_follows_the_records() {
        assert_eq!(next_status(Status::Pending, &finding(false, true)), Status::Pending);
        assert_eq!(next_status(Status::Pending, &finding(true, false)), Status::Verified);
        assert_eq!(next_status(Status::Verified, &finding(true, true)), Status::Active);
        assert_eq!(next_status(Status::Active, &finding(true, false)), Status::Failing);
        assert_eq!(next_status(Status::Failing, &finding(false, false)), Status::Failing);
        assert_eq!(next_status(Status::Failing, &finding(true, true)), Status::Active);
    }

    #[test]
    fn checks_back_off_until_the_domain_works() {
        let now = Utc::now();
        assert_eq!(next_check(Status::Pending, 1, now) - now, Duration::minutes(2));
        assert_eq!(next_check(Status::Pending, 5, now) - now, Duration::minutes(32));
        assert_eq!(next_check(Status::Failing, 40, now) - now, Duration::hours(6));
        assert_eq!(next_check(Status::Active, 0, now) - now, Duration::days(1));
    }

    #[test]
    fn apexes_get_addresses_and_subdomains_a_cname() {
        let domain = |hostname: &str| Domain {
            id: Uuid::nil(),
            workspace_id: WorkspaceId(Uuid::nil()),
            portfolio_id: Uuid::nil(),
            hostname: hostname.into(),
            verification_token: "t".into(),
            status: Status::Pending,
            last_checked_at: None,
            last_check_result: None,
            next_check_at: Utc::now(),
            verified_at: None,
            created_at: Utc::now(),
        };
        let edge = ["192.0.2.1".parse().unwrap(), "2001:db8::1".parse().unwrap()];
        let apex = records(&domain("alice.dev"), "edge.vitrine.app", &edge);
        let kinds: Vec<_> = apex.iter().map(|record| record.kind).collect();
        assert_eq!(kinds, ["TXT", "A", "AAAA"]);
        assert_eq!(apex[0].name, "_vitrine.alice.dev");
        let sub = records(&domain("www.alice.dev"), "edge.vitrine.app", &edge);
        assert_eq!(sub[1], DnsRecord { kind: "CNAME", name: "www.alice.dev".into(), value: "edge.vitrine.app".into() });
    }
}
