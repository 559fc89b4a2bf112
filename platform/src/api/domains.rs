//! Custom domains of a workspace: claim a hostname, read the DNS records to create, check
//! them now, point the domain at another portfolio, let it go. Owners only; another
//! workspace's domains answer 404.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::domains::{self, Domain, Status};
use vitrine_core::workspaces::WorkspaceId;

use super::ApiTags;
use super::auth::NoContent;
use crate::State;
use crate::error::ApiResult;
use crate::payload::ApiJson;
use crate::session::Session;

pub struct DomainsApi {
    pub state: Arc<State>,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDomain {
    /// The name visitors type, such as `www.alice.dev` (IDNA names are accepted)
    hostname: String,
    /// The portfolio the domain lands on
    portfolio_id: Uuid,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainChange {
    /// The portfolio the domain lands on
    portfolio_id: Uuid,
}

/// A DNS record to create at the domain's DNS provider.
#[derive(Debug, Object)]
pub struct DnsRecord {
    /// `TXT`, `CNAME`, `A` or `AAAA`
    #[oai(rename = "type")]
    kind: String,
    name: String,
    value: String,
}

#[derive(Debug, Object)]
#[oai(rename = "Domain")]
pub struct DomainView {
    id: Uuid,
    workspace_id: Uuid,
    portfolio_id: Uuid,
    /// Lowercase, as DNS holds it (`xn--` for international names)
    hostname: String,
    status: Status,
    /// What the last check found, in words
    last_check_result: Option<String>,
    last_checked_at: Option<DateTime<Utc>>,
    next_check_at: DateTime<Utc>,
    verified_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    /// The records that make the domain work
    records: Vec<DnsRecord>,
}

impl DomainsApi {
    fn view(&self, domain: Domain) -> DomainView {
        let checker = &self.state.domains;
        let records = domains::records(&domain, checker.edge_hostname(), checker.edge_addresses())
            .into_iter()
            .map(|record| DnsRecord { kind: record.kind.to_owned(), name: record.name, value: record.value })
            .collect();
        DomainView {
            id: domain.id,
            workspace_id: domain.workspace_id.0,
            portfolio_id: domain.portfolio_id,
            hostname: domain.hostname,
            status: domain.status,
            last_check_result: domain.last_check_result,
            last_checked_at: domain.last_checked_at,
            next_check_at: domain.next_check_at,
            verified_at: domain.verified_at,
            created_at: domain.created_at,
            records,
        }
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Domains")]
impl DomainsApi {
    /// Connect a domain (owners); the answer lists the DNS records to create
    #[oai(path = "/workspaces/:workspace_id/domains", method = "post", operation_id = "addDomain")]
    async fn add(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        body: ApiJson<NewDomain>,
    ) -> ApiResult<Json<DomainView>> {
        let domain = domains::add(
            &self.state.pool,
            WorkspaceId(workspace_id.0),
            session.user.id,
            &body.0.hostname,
            body.0.portfolio_id,
            self.state.sites.base_domain(),
        )
        .await?;
        Ok(Json(self.view(domain)))
    }

    /// The workspace's domains with their status
    #[oai(path = "/workspaces/:workspace_id/domains", method = "get", operation_id = "listDomains")]
    async fn list(&self, session: Session, workspace_id: Path<Uuid>) -> ApiResult<Json<Vec<DomainView>>> {
        let found = domains::list(&self.state.pool, WorkspaceId(workspace_id.0), session.user.id).await?;
        Ok(Json(found.into_iter().map(|domain| self.view(domain)).collect()))
    }

    /// Check the domain's DNS records now (owners)
    #[oai(path = "/workspaces/:workspace_id/domains/:domain_id/check", method = "post", operation_id = "checkDomain")]
    async fn check(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        domain_id: Path<Uuid>,
    ) -> ApiResult<Json<DomainView>> {
        let domain = domains::check_now(
            &self.state.pool,
            &self.state.domains,
            WorkspaceId(workspace_id.0),
            session.user.id,
            domain_id.0,
        )
        .await?;
        Ok(Json(self.view(domain)))
    }

    /// Point the domain at another portfolio of the workspace (owners)
    #[oai(path = "/workspaces/:workspace_id/domains/:domain_id", method = "patch", operation_id = "updateDomain")]
    async fn update(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        domain_id: Path<Uuid>,
        body: ApiJson<DomainChange>,
    ) -> ApiResult<Json<DomainView>> {
        let domain = domains::point(
            &self.state.pool,
            WorkspaceId(workspace_id.0),
            session.user.id,
            domain_id.0,
            body.0.portfolio_id,
        )
        .await?;
        Ok(Json(self.view(domain)))
    }

    /// Disconnect the domain (owners); its certificate is no longer served
    #[oai(path = "/workspaces/:workspace_id/domains/:domain_id", method = "delete", operation_id = "deleteDomain")]
    async fn delete(&self, session: Session, workspace_id: Path<Uuid>, domain_id: Path<Uuid>) -> ApiResult<NoContent> {
        domains::remove(&self.state.pool, WorkspaceId(workspace_id.0), session.user.id, domain_id.0).await?;
        Ok(NoContent::Done)
    }
}
