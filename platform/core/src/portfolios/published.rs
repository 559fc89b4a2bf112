//! What visitors read: the frozen published version of a portfolio, found by the workspace's
//! handle and the portfolio's slug. Every change that alters what a visitor may see is
//! announced on a Postgres channel, so each platform replica drops what it cached.

use sqlx::{PgConnection, PgPool};

use super::{Access, PortfolioId, read_stored};
use crate::Result;
use crate::document::Document;
use crate::themes::Theme;
use crate::workspaces::WorkspaceId;

/// The channel that carries the id of a portfolio whose public page changed.
pub const CHANNEL: &str = "vitrine_portfolios";

pub(super) async fn notify_changed(executor: &mut PgConnection, id: PortfolioId) -> Result<()> {
    // Sent at commit, so no replica reloads before the change is visible.
    sqlx::query!("SELECT pg_notify($1, $2::uuid::text)", CHANNEL, id.0).execute(executor).await?;
    Ok(())
}

/// A published page and what deciding access to it needs.
#[derive(Debug, Clone)]
pub struct PublishedPage {
    pub portfolio_id: PortfolioId,
    pub workspace_id: WorkspaceId,
    pub handle: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub access: Access,
    pub password_hash: Option<String>,
    pub secret_key: Option<String>,
    /// Changes with the password; part of what an unlock cookie signs.
    pub access_epoch: i32,
    pub revision: i64,
    pub template: Theme,
    pub document: Document,
}

/// The page at `{handle}.{BASE_DOMAIN}/{slug}`, or at `{handle}.{BASE_DOMAIN}/` when `slug`
/// is `None`: the `landing` portfolio (a custom domain's) or else the workspace's primary
/// portfolio if it is published, else its first published one.
pub async fn find(
    pool: &PgPool,
    handle: &str,
    slug: Option<&str>,
    landing: Option<uuid::Uuid>,
) -> Result<Option<PublishedPage>> {
    let row = sqlx::query!(
        r#"SELECT p.id, p.workspace_id, w.handle::text AS "handle!", p.slug, p.title, p.description, p.access,
                  p.password_hash, p.secret_key, p.access_epoch, v.revision, v.template, v.document
           FROM workspaces w
           JOIN portfolios p ON p.workspace_id = w.id
           JOIN portfolio_versions v ON v.id = p.published_version_id
           WHERE w.handle = $1 AND p.deleted_at IS NULL
             AND (p.slug = $2 OR $2 IS NULL)
           ORDER BY (p.id = COALESCE($3, w.primary_portfolio_id)) DESC, p.published_at ASC
           LIMIT 1"#,
        handle,
        slug,
        landing,
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(PublishedPage {
        portfolio_id: PortfolioId(row.id),
        workspace_id: WorkspaceId(row.workspace_id),
        handle: row.handle,
        slug: row.slug,
        title: row.title,
        description: row.description,
        access: Access::parse(&row.access).unwrap_or(Access::Private),
        password_hash: row.password_hash,
        secret_key: row.secret_key,
        access_epoch: row.access_epoch,
        revision: row.revision,
        template: Theme::parse(&row.template).unwrap_or(Theme::Minimal),
        document: read_stored(row.document)?,
    }))
}
