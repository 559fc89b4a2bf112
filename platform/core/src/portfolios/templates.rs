//! Workspace templates: a portfolio saved as a starting point for new ones, listed beside the
//! built-in designs.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{PortfolioId, db, load, read_stored};
use crate::accounts::UserId;
use crate::document::Document;
use crate::themes::Theme;
use crate::workspaces::{self, Role, WorkspaceId};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct WorkspaceTemplate {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub template: Theme,
    pub document: Document,
    pub created_at: DateTime<Utc>,
}

macro_rules! template_from {
    ($row:expr) => {{
        let row = $row;
        WorkspaceTemplate {
            id: row.id,
            workspace_id: WorkspaceId(row.workspace_id),
            name: row.name,
            description: row.description,
            template: Theme::parse(&row.template).unwrap_or(Theme::Minimal),
            document: read_stored(row.document)?,
            created_at: row.created_at,
        }
    }};
}

/// A template of `workspace`; the caller has checked the actor's role there.
pub(super) async fn get(pool: &PgPool, workspace: WorkspaceId, id: Uuid) -> Result<WorkspaceTemplate> {
    let row = sqlx::query!(
        "SELECT id, workspace_id, name, description, template, document, created_at
         FROM workspace_templates WHERE id = $1 AND workspace_id = $2",
        id,
        workspace.0,
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| Error::invalid("workspace_template_id", "unknown_template", "no such template in this workspace"))?;
    Ok(template_from!(row))
}

pub async fn list(pool: &PgPool, workspace: WorkspaceId, actor: UserId) -> Result<Vec<WorkspaceTemplate>> {
    workspaces::require_role(pool, workspace, actor, Role::Viewer).await?;
    let rows = sqlx::query!(
        "SELECT id, workspace_id, name, description, template, document, created_at
         FROM workspace_templates WHERE workspace_id = $1 ORDER BY created_at DESC",
        workspace.0,
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|row| Ok(template_from!(row))).collect()
}

/// Saves the portfolio's current document and design as a template of its workspace.
pub async fn save_from(
    pool: &PgPool,
    portfolio: PortfolioId,
    actor: UserId,
    name: &str,
    description: Option<&str>,
) -> Result<WorkspaceTemplate> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "invalid_name", "use 1 to 100 characters"));
    }
    let description = description.unwrap_or("").trim();
    if description.chars().count() > 500 {
        return Err(Error::invalid("description", "too_long", "use at most 500 characters"));
    }
    let mut transaction = pool.begin().await?;
    let (source, _) = load(&mut transaction, portfolio, actor, Role::Editor).await?;
    if source.deleted_at.is_some() {
        return Err(Error::NotFound);
    }
    let (document, _) = db::document(&mut transaction, portfolio).await?;
    let id = Uuid::new_v4();
    let row = sqlx::query!(
        "INSERT INTO workspace_templates (id, workspace_id, name, description, template, document, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, workspace_id, name, description, template, document, created_at",
        id,
        source.workspace_id.0,
        name,
        description,
        source.template.id(),
        document,
        actor.0,
    )
    .fetch_one(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(template_from!(row))
}

pub async fn delete(pool: &PgPool, workspace: WorkspaceId, id: Uuid, actor: UserId) -> Result<()> {
    workspaces::require_role(pool, workspace, actor, Role::Editor).await?;
    let deleted = sqlx::query!("DELETE FROM workspace_templates WHERE id = $1 AND workspace_id = $2", id, workspace.0)
        .execute(pool)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}
