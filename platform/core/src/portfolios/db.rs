//! SQL for portfolios. Reads go through the caller's membership, so a portfolio of another
//! workspace is simply not found.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{Access, PortfolioId};
use crate::accounts::UserId;
use crate::document::Document;
use crate::error::on_unique_violation;
use crate::themes::Theme;
use crate::workspaces::{Role, WorkspaceId};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct Portfolio {
    pub id: PortfolioId,
    pub workspace_id: WorkspaceId,
    pub workspace_handle: String,
    pub title: String,
    pub description: String,
    pub slug: String,
    pub template: Theme,
    pub access: Access,
    pub has_password: bool,
    pub secret_key: Option<String>,
    pub revision: i64,
    pub published_revision: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    pub is_primary: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Maps a row selected with the columns [`Portfolio`] needs.
macro_rules! portfolio_from {
    ($row:expr) => {{
        let row = $row;
        Portfolio {
            id: PortfolioId(row.id),
            workspace_id: WorkspaceId(row.workspace_id),
            workspace_handle: row.handle,
            title: row.title,
            description: row.description,
            slug: row.slug,
            // Both columns are written only from the enums.
            template: Theme::parse(&row.template).unwrap_or(Theme::Minimal),
            access: Access::parse(&row.access).unwrap_or(Access::Private),
            has_password: row.password_hash.is_some(),
            secret_key: row.secret_key,
            revision: row.revision,
            published_revision: row.published_revision,
            published_at: row.published_at,
            is_primary: row.primary_portfolio_id == Some(row.id),
            created_at: row.created_at,
            updated_at: row.updated_at,
            deleted_at: row.deleted_at,
        }
    }};
}

pub(super) async fn find(
    executor: &mut PgConnection,
    id: PortfolioId,
    actor: UserId,
) -> Result<Option<(Portfolio, Role)>> {
    let row = sqlx::query!(
        r#"SELECT p.id, p.workspace_id, w.handle::text AS "handle!", p.title, p.description, p.slug, p.template,
                  p.access, p.password_hash, p.secret_key, p.revision, v.revision AS "published_revision?",
                  p.published_at, w.primary_portfolio_id, p.created_at, p.updated_at, p.deleted_at, m.role
           FROM portfolios p
           JOIN workspaces w ON w.id = p.workspace_id
           JOIN workspace_members m ON m.workspace_id = p.workspace_id AND m.user_id = $2
           LEFT JOIN portfolio_versions v ON v.id = p.published_version_id
           WHERE p.id = $1"#,
        id.0,
        actor.0,
    )
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|row| {
        let role = Role::parse("role", &row.role).unwrap_or(Role::Viewer);
        (portfolio_from!(row), role)
    }))
}

pub(super) async fn list(
    pool: &PgPool,
    workspace: WorkspaceId,
    trashed: bool,
    trash_days: i64,
) -> Result<Vec<Portfolio>> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.workspace_id, w.handle::text AS "handle!", p.title, p.description, p.slug, p.template,
                  p.access, p.password_hash, p.secret_key, p.revision, v.revision AS "published_revision?",
                  p.published_at, w.primary_portfolio_id, p.created_at, p.updated_at, p.deleted_at
           FROM portfolios p
           JOIN workspaces w ON w.id = p.workspace_id
           LEFT JOIN portfolio_versions v ON v.id = p.published_version_id
           WHERE p.workspace_id = $1
             AND (CASE WHEN $2 THEN p.deleted_at > now() - make_interval(days => $3::int)
                       ELSE p.deleted_at IS NULL END)
           ORDER BY p.updated_at DESC"#,
        workspace.0,
        trashed,
        trash_days as i32,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|row| portfolio_from!(row)).collect())
}

pub(super) struct NewRow<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub slug: &'a str,
    pub template: Theme,
    pub document: &'a Document,
}

pub(super) async fn insert(
    executor: &mut PgConnection,
    id: PortfolioId,
    workspace: WorkspaceId,
    actor: UserId,
    row: NewRow<'_>,
) -> Result<()> {
    let document = serde_json::to_value(row.document).map_err(anyhow::Error::from)?;
    sqlx::query!(
        "INSERT INTO portfolios (id, workspace_id, title, description, slug, template, document, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        id.0,
        workspace.0,
        row.title,
        row.description,
        row.slug,
        row.template.id(),
        document,
        actor.0,
    )
    .execute(executor)
    .await
    .map_err(slug_taken)?;
    Ok(())
}

fn slug_taken(error: sqlx::Error) -> Error {
    on_unique_violation(error, "portfolios_live_slug", "slug_taken", "slug", "another portfolio here has this slug")
}

/// `base`, or `base-2`, `base-3`… whichever no live portfolio of the workspace uses.
pub(super) async fn free_slug(executor: &mut PgConnection, workspace: WorkspaceId, base: &str) -> Result<String> {
    let base: String = base.chars().take(52).collect::<String>().trim_end_matches('-').to_owned();
    let taken: Vec<String> = sqlx::query_scalar!(
        r#"SELECT slug FROM portfolios
           WHERE workspace_id = $1 AND deleted_at IS NULL AND (slug = $2 OR slug LIKE $2 || '-%')"#,
        workspace.0,
        base,
    )
    .fetch_all(executor)
    .await?;
    let free = std::iter::once(base.clone())
        .chain((2..).map(|number| format!("{base}-{number}")))
        .find(|candidate| !taken.contains(candidate))
        .expect("an unbounded sequence has a free name");
    Ok(free)
}

pub(super) struct Update<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub slug: &'a str,
    pub template: Theme,
}

pub(super) async fn update(executor: &mut PgConnection, id: PortfolioId, update: &Update<'_>) -> Result<()> {
    sqlx::query!(
        "UPDATE portfolios SET title = $2, description = $3, slug = $4, template = $5 WHERE id = $1",
        id.0,
        update.title,
        update.description,
        update.slug,
        update.template.id(),
    )
    .execute(executor)
    .await
    .map_err(slug_taken)?;
    Ok(())
}

pub(super) async fn set_slug(executor: &mut PgConnection, id: PortfolioId, slug: &str) -> Result<()> {
    sqlx::query!("UPDATE portfolios SET slug = $2 WHERE id = $1", id.0, slug)
        .execute(executor)
        .await
        .map_err(slug_taken)?;
    Ok(())
}

pub(super) async fn set_deleted(executor: &mut PgConnection, id: PortfolioId, deleted: bool) -> Result<()> {
    sqlx::query!("UPDATE portfolios SET deleted_at = CASE WHEN $2 THEN now() END WHERE id = $1", id.0, deleted,)
        .execute(executor)
        .await?;
    Ok(())
}

pub(super) async fn document(executor: &mut PgConnection, id: PortfolioId) -> Result<(Value, i64)> {
    let row = sqlx::query!("SELECT document, revision FROM portfolios WHERE id = $1", id.0).fetch_one(executor).await?;
    Ok((row.document, row.revision))
}

/// Writes the document only if the stored revision is still `base`; the row lock this takes
/// makes concurrent saves of one portfolio queue, so exactly one of two wins.
pub(super) async fn compare_and_set_document(
    executor: &mut PgConnection,
    id: PortfolioId,
    base: i64,
    document: &Document,
) -> Result<Option<i64>> {
    let document = serde_json::to_value(document).map_err(anyhow::Error::from)?;
    let revision = sqlx::query_scalar!(
        "UPDATE portfolios SET document = $3, revision = revision + 1
         WHERE id = $1 AND revision = $2 AND deleted_at IS NULL
         RETURNING revision",
        id.0,
        base,
        document,
    )
    .fetch_optional(executor)
    .await?;
    Ok(revision)
}

/// Replaces the document and design without a base revision (restoring a version).
pub(super) async fn overwrite_document(
    executor: &mut PgConnection,
    id: PortfolioId,
    document: &Value,
    template: &str,
) -> Result<i64> {
    let revision = sqlx::query_scalar!(
        "UPDATE portfolios SET document = $2, template = $3, revision = revision + 1 WHERE id = $1 RETURNING revision",
        id.0,
        document,
        template,
    )
    .fetch_one(executor)
    .await?;
    Ok(revision)
}

pub(super) async fn set_published(executor: &mut PgConnection, id: PortfolioId, version: Option<Uuid>) -> Result<()> {
    sqlx::query!(
        "UPDATE portfolios SET published_version_id = $2, published_at = CASE WHEN $2::uuid IS NULL THEN NULL ELSE now() END
         WHERE id = $1",
        id.0,
        version,
    )
    .execute(executor)
    .await?;
    Ok(())
}

pub(super) async fn set_primary(executor: &mut PgConnection, workspace: WorkspaceId, id: PortfolioId) -> Result<()> {
    sqlx::query!("UPDATE workspaces SET primary_portfolio_id = $2 WHERE id = $1", workspace.0, id.0)
        .execute(executor)
        .await?;
    Ok(())
}
