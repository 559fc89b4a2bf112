//! The history of a portfolio: every document write appends a version, except that
//! consecutive edits by one author within a short window update their last version instead
//! (autosave every few seconds would otherwise bury the history). Published versions are
//! frozen copies.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{Portfolio, PortfolioId, db, load, read_stored};
use crate::accounts::UserId;
use crate::document::Document;
use crate::themes::Theme;
use crate::workspaces::Role;
use crate::{Error, Result};

/// Edits this close to the previous one by the same author join its version…
const COALESCE_IDLE_SECONDS: f64 = 120.0;
/// …as long as that version is younger than this.
const COALESCE_SPAN_SECONDS: f64 = 900.0;

#[derive(Debug, Clone)]
pub struct Version {
    pub id: Uuid,
    pub portfolio_id: PortfolioId,
    pub revision: i64,
    pub template: Theme,
    /// `created`, `edit`, `restore`, `publish` or `snapshot`
    pub kind: String,
    pub name: Option<String>,
    pub author_name: Option<String>,
    pub restored_from: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Copies the portfolio's current document into a new version.
pub(super) async fn append(executor: &mut PgConnection, id: PortfolioId, actor: UserId, kind: &str) -> Result<Uuid> {
    insert(executor, id, actor, kind, None, None).await
}

async fn insert(
    executor: &mut PgConnection,
    id: PortfolioId,
    actor: UserId,
    kind: &str,
    restored_from: Option<Uuid>,
    editor: Option<&str>,
) -> Result<Uuid> {
    let version = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO portfolio_versions
             (id, portfolio_id, workspace_id, revision, document, template, kind, author_id, restored_from, editor_id)
         SELECT $1, id, workspace_id, revision, document, template, $3, $4, $5, $6 FROM portfolios WHERE id = $2",
        version,
        id.0,
        kind,
        actor.0,
        restored_from,
        editor,
    )
    .execute(executor)
    .await?;
    Ok(version)
}

/// Records the document just written: into the author's last edit from the same editor when it
/// is recent enough, else as a new version.
pub(super) async fn record_edit(
    executor: &mut PgConnection,
    id: PortfolioId,
    actor: UserId,
    editor: Option<&str>,
) -> Result<()> {
    let coalesced = sqlx::query!(
        "UPDATE portfolio_versions v
         SET document = p.document, template = p.template, revision = p.revision, updated_at = now()
         FROM portfolios p
         WHERE p.id = $1 AND v.id = (
               SELECT id FROM portfolio_versions WHERE portfolio_id = $1
               ORDER BY revision DESC, created_at DESC LIMIT 1)
           AND v.kind = 'edit' AND v.author_id = $2 AND v.name IS NULL
           AND v.editor_id IS NOT DISTINCT FROM $5
           AND v.updated_at > now() - make_interval(secs => $3)
           AND v.created_at > now() - make_interval(secs => $4)",
        id.0,
        actor.0,
        COALESCE_IDLE_SECONDS,
        COALESCE_SPAN_SECONDS,
        editor,
    )
    .execute(&mut *executor)
    .await?;
    if coalesced.rows_affected() == 0 {
        insert(executor, id, actor, "edit", None, editor).await?;
    }
    Ok(())
}

macro_rules! version_from {
    ($row:expr) => {{
        let row = $row;
        Version {
            id: row.id,
            portfolio_id: PortfolioId(row.portfolio_id),
            revision: row.revision,
            template: Theme::parse(&row.template).unwrap_or(Theme::Minimal),
            kind: row.kind,
            name: row.name,
            author_name: row.author_name,
            restored_from: row.restored_from,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }};
}

/// The portfolio's versions, newest first.
pub async fn list(pool: &PgPool, id: PortfolioId, actor: UserId) -> Result<Vec<Version>> {
    let mut connection = pool.acquire().await?;
    load(&mut connection, id, actor, Role::Viewer).await?;
    let rows = sqlx::query!(
        r#"SELECT v.id, v.portfolio_id, v.revision, v.template, v.kind, v.name, u.full_name AS "author_name?",
                  v.restored_from, v.created_at, v.updated_at
           FROM portfolio_versions v LEFT JOIN users u ON u.id = v.author_id
           WHERE v.portfolio_id = $1
           ORDER BY v.revision DESC, v.created_at DESC"#,
        id.0,
    )
    .fetch_all(&mut *connection)
    .await?;
    Ok(rows.into_iter().map(|row| version_from!(row)).collect())
}

/// One version with its document, if the caller may read its portfolio.
pub async fn get(pool: &PgPool, version: Uuid, actor: UserId) -> Result<(Version, Document)> {
    let mut connection = pool.acquire().await?;
    let (version, document) = find(&mut connection, version, actor, Role::Viewer).await?;
    Ok((version, read_stored(document)?))
}

async fn find(
    connection: &mut PgConnection,
    version: Uuid,
    actor: UserId,
    needed: Role,
) -> Result<(Version, serde_json::Value)> {
    let row = sqlx::query!(
        r#"SELECT v.id, v.portfolio_id, v.revision, v.template, v.kind, v.name, u.full_name AS "author_name?",
                  v.restored_from, v.created_at, v.updated_at, v.document
           FROM portfolio_versions v
           JOIN workspace_members m ON m.workspace_id = v.workspace_id AND m.user_id = $2
           LEFT JOIN users u ON u.id = v.author_id
           WHERE v.id = $1"#,
        version,
        actor.0,
    )
    .fetch_optional(&mut *connection)
    .await?
    .ok_or(Error::NotFound)?;
    let document = row.document.clone();
    let version = version_from!(row);
    load(connection, version.portfolio_id, actor, needed).await?;
    Ok((version, document))
}

/// Makes an old version current again, as a new revision: nothing in between is lost.
pub async fn restore(pool: &PgPool, version: Uuid, actor: UserId) -> Result<Portfolio> {
    let mut transaction = pool.begin().await?;
    let (found, document) = find(&mut transaction, version, actor, Role::Editor).await?;
    let (portfolio, _) = load(&mut transaction, found.portfolio_id, actor, Role::Editor).await?;
    if portfolio.deleted_at.is_some() {
        return Err(Error::NotFound);
    }
    // Stored by an older schema perhaps: write it in the current one.
    let document = serde_json::to_value(read_stored(document)?).map_err(anyhow::Error::from)?;
    db::overwrite_document(&mut transaction, found.portfolio_id, &document, found.template.id()).await?;
    insert(&mut transaction, found.portfolio_id, actor, "restore", Some(found.id), None).await?;
    transaction.commit().await?;
    super::get(pool, found.portfolio_id, actor).await
}
