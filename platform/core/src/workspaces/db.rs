//! SQL for workspaces, members and invitations; every query names the workspace it touches.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::{Invitation, Member, Role, Workspace, WorkspaceId};
use crate::accounts::{Email, User, UserId};
use crate::error::on_unique_violation;
use crate::{Error, Result};

fn role(value: &str) -> Role {
    // The column's CHECK constraint admits only the three names.
    Role::parse("role", value).unwrap_or(Role::Viewer)
}

/// Creates the workspace with `owner` as its owner, or `None` when the handle is taken.
pub(super) async fn insert_workspace_if_free(
    connection: &mut PgConnection,
    id: WorkspaceId,
    handle: &str,
    name: &str,
    owner: UserId,
) -> Result<Option<Workspace>> {
    let created = sqlx::query!(
        r#"INSERT INTO workspaces (id, handle, name) VALUES ($1, $2, $3)
           ON CONFLICT (handle) DO NOTHING
           RETURNING created_at"#,
        id.0,
        handle,
        name,
    )
    .fetch_optional(&mut *connection)
    .await?;
    let Some(created) = created else { return Ok(None) };
    add_member(connection, id, owner, Role::Owner).await?;
    Ok(Some(Workspace {
        id,
        handle: handle.to_owned(),
        name: name.to_owned(),
        role: Role::Owner,
        created_at: created.created_at,
    }))
}

pub(super) async fn role_of(
    executor: impl PgExecutor<'_>,
    workspace: WorkspaceId,
    user: UserId,
) -> Result<Option<Role>> {
    let found = sqlx::query_scalar!(
        "SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
        workspace.0,
        user.0,
    )
    .fetch_optional(executor)
    .await?;
    Ok(found.as_deref().map(role))
}

pub(super) async fn list_for_user(executor: impl PgExecutor<'_>, user: UserId) -> Result<Vec<Workspace>> {
    let rows = sqlx::query!(
        r#"SELECT w.id, w.handle, w.name, w.created_at, m.role
           FROM workspaces w JOIN workspace_members m ON m.workspace_id = w.id
           WHERE m.user_id = $1
           ORDER BY w.created_at, w.id"#,
        user.0,
    )
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Workspace {
            id: WorkspaceId(row.id),
            handle: row.handle,
            name: row.name,
            role: role(&row.role),
            created_at: row.created_at,
        })
        .collect())
}

pub(super) async fn find_for_user(
    executor: impl PgExecutor<'_>,
    workspace: WorkspaceId,
    user: UserId,
) -> Result<Option<Workspace>> {
    let row = sqlx::query!(
        r#"SELECT w.id, w.handle, w.name, w.created_at, m.role
           FROM workspaces w JOIN workspace_members m ON m.workspace_id = w.id
           WHERE w.id = $1 AND m.user_id = $2"#,
        workspace.0,
        user.0,
    )
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|row| Workspace {
        id: WorkspaceId(row.id),
        handle: row.handle,
        name: row.name,
        role: role(&row.role),
        created_at: row.created_at,
    }))
}

pub(super) async fn update_workspace(
    executor: impl PgExecutor<'_>,
    workspace: WorkspaceId,
    handle: Option<&str>,
    name: Option<&str>,
) -> Result<()> {
    sqlx::query!(
        "UPDATE workspaces SET handle = coalesce($2, handle), name = coalesce($3, name) WHERE id = $1",
        workspace.0,
        handle,
        name,
    )
    .execute(executor)
    .await
    .map_err(|error| {
        on_unique_violation(
            error,
            "workspaces_handle_key",
            "handle_taken",
            "handle",
            "this handle is taken; choose another",
        )
    })?;
    Ok(())
}

pub(super) async fn members(executor: impl PgExecutor<'_>, workspace: WorkspaceId) -> Result<Vec<Member>> {
    let rows = sqlx::query!(
        r#"SELECT u.id, u.email::text AS "email!", u.full_name, m.role, m.joined_at
           FROM workspace_members m JOIN users u ON u.id = m.user_id
           WHERE m.workspace_id = $1
           ORDER BY m.joined_at, u.id"#,
        workspace.0,
    )
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Member {
            user_id: UserId(row.id),
            email: row.email,
            full_name: row.full_name,
            role: role(&row.role),
            joined_at: row.joined_at,
        })
        .collect())
}

pub(super) async fn member(
    executor: impl PgExecutor<'_>,
    workspace: WorkspaceId,
    user: UserId,
) -> Result<Option<Member>> {
    let row = sqlx::query!(
        r#"SELECT u.id, u.email::text AS "email!", u.full_name, m.role, m.joined_at
           FROM workspace_members m JOIN users u ON u.id = m.user_id
           WHERE m.workspace_id = $1 AND m.user_id = $2"#,
        workspace.0,
        user.0,
    )
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|row| Member {
        user_id: UserId(row.id),
        email: row.email,
        full_name: row.full_name,
        role: role(&row.role),
        joined_at: row.joined_at,
    }))
}

/// Serialises membership changes of one workspace, so two owners demoting each other at the
/// same moment cannot leave it without an owner.
pub(super) async fn lock_members(connection: &mut PgConnection, workspace: WorkspaceId) -> Result<()> {
    sqlx::query!("SELECT id FROM workspaces WHERE id = $1 FOR UPDATE", workspace.0).fetch_optional(connection).await?;
    Ok(())
}

pub(super) async fn set_role(
    connection: &mut PgConnection,
    workspace: WorkspaceId,
    user: UserId,
    new_role: Role,
) -> Result<()> {
    let updated = sqlx::query!(
        "UPDATE workspace_members SET role = $3 WHERE workspace_id = $1 AND user_id = $2",
        workspace.0,
        user.0,
        new_role.as_str(),
    )
    .execute(connection)
    .await?
    .rows_affected();
    if updated == 0 { Err(Error::NotFound) } else { Ok(()) }
}

pub(super) async fn add_member(
    connection: &mut PgConnection,
    workspace: WorkspaceId,
    user: UserId,
    new_role: Role,
) -> Result<()> {
    // An existing member keeps the more powerful of their role and the offered one.
    sqlx::query!(
        r#"INSERT INTO workspace_members (workspace_id, user_id, role) VALUES ($1, $2, $3)
           ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = CASE
               WHEN workspace_members.role = 'owner' OR EXCLUDED.role = 'owner' THEN 'owner'
               WHEN workspace_members.role = 'editor' OR EXCLUDED.role = 'editor' THEN 'editor'
               ELSE 'viewer' END"#,
        workspace.0,
        user.0,
        new_role.as_str(),
    )
    .execute(connection)
    .await?;
    Ok(())
}

pub(super) async fn delete_member(connection: &mut PgConnection, workspace: WorkspaceId, user: UserId) -> Result<bool> {
    let deleted =
        sqlx::query!("DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2", workspace.0, user.0,)
            .execute(connection)
            .await?
            .rows_affected();
    Ok(deleted > 0)
}

pub(super) async fn owner_count(connection: &mut PgConnection, workspace: WorkspaceId) -> Result<i64> {
    let count = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM workspace_members WHERE workspace_id = $1 AND role = 'owner'"#,
        workspace.0,
    )
    .fetch_one(connection)
    .await?;
    Ok(count)
}

pub(super) async fn delete_workspaces_only_member_of(connection: &mut PgConnection, user: UserId) -> Result<()> {
    sqlx::query!(
        r#"DELETE FROM workspaces w
           WHERE EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = w.id AND m.user_id = $1)
             AND NOT EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = w.id AND m.user_id <> $1)"#,
        user.0,
    )
    .execute(connection)
    .await?;
    Ok(())
}

pub(super) async fn is_last_owner_anywhere(connection: &mut PgConnection, user: UserId) -> Result<bool> {
    let found = sqlx::query_scalar!(
        r#"SELECT EXISTS (
               SELECT 1 FROM workspace_members mine
               WHERE mine.user_id = $1 AND mine.role = 'owner'
                 AND NOT EXISTS (SELECT 1 FROM workspace_members other
                                 WHERE other.workspace_id = mine.workspace_id
                                   AND other.user_id <> $1 AND other.role = 'owner')
           ) AS "found!""#,
        user.0,
    )
    .fetch_one(connection)
    .await?;
    Ok(found)
}

pub(super) async fn is_member_by_email(
    executor: impl PgExecutor<'_>,
    workspace: WorkspaceId,
    email: &Email,
) -> Result<bool> {
    let found = sqlx::query_scalar!(
        r#"SELECT EXISTS (
               SELECT 1 FROM workspace_members m JOIN users u ON u.id = m.user_id
               WHERE m.workspace_id = $1 AND u.email = $2::text::citext
           ) AS "found!""#,
        workspace.0,
        email.as_str(),
    )
    .fetch_one(executor)
    .await?;
    Ok(found)
}

pub(super) async fn pending_invitations(
    executor: impl PgExecutor<'_>,
    workspace: WorkspaceId,
) -> Result<Vec<Invitation>> {
    let rows = sqlx::query!(
        r#"SELECT i.id, i.email::text AS "email!", i.role, coalesce(u.full_name, 'a former member') AS "invited_by!",
                  i.created_at, i.expires_at
           FROM invitations i LEFT JOIN users u ON u.id = i.invited_by
           WHERE i.workspace_id = $1 AND i.accepted_at IS NULL AND i.expires_at > now()
           ORDER BY i.created_at, i.id"#,
        workspace.0,
    )
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Invitation {
            id: row.id,
            email: row.email,
            role: role(&row.role),
            invited_by: row.invited_by,
            created_at: row.created_at,
            expires_at: row.expires_at,
        })
        .collect())
}

pub(super) async fn delete_pending_invitation(
    executor: impl PgExecutor<'_>,
    workspace: WorkspaceId,
    email: &Email,
) -> Result<()> {
    sqlx::query!(
        "DELETE FROM invitations WHERE workspace_id = $1 AND email = $2::text::citext AND accepted_at IS NULL",
        workspace.0,
        email.as_str(),
    )
    .execute(executor)
    .await?;
    Ok(())
}

pub(super) async fn insert_invitation(
    connection: &mut PgConnection,
    workspace: WorkspaceId,
    email: &Email,
    invited_role: Role,
    token_hash: &[u8],
    inviter: &User,
    expires_at: DateTime<Utc>,
) -> Result<Invitation> {
    let row = sqlx::query!(
        r#"INSERT INTO invitations (id, workspace_id, email, role, token_hash, invited_by, expires_at)
           VALUES ($1, $2, $3::text, $4, $5, $6, $7)
           RETURNING id, created_at"#,
        Uuid::new_v4(),
        workspace.0,
        email.as_str(),
        invited_role.as_str(),
        token_hash,
        inviter.id.0,
        expires_at,
    )
    .fetch_one(connection)
    .await?;
    Ok(Invitation {
        id: row.id,
        email: email.as_str().to_owned(),
        role: invited_role,
        invited_by: inviter.full_name.clone(),
        created_at: row.created_at,
        expires_at,
    })
}

pub(super) async fn delete_invitation(
    executor: impl PgExecutor<'_>,
    workspace: WorkspaceId,
    invitation: Uuid,
) -> Result<bool> {
    let deleted = sqlx::query!(
        "DELETE FROM invitations WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL",
        workspace.0,
        invitation,
    )
    .execute(executor)
    .await?
    .rows_affected();
    Ok(deleted > 0)
}

/// Marks a live invitation accepted and tells which workspace and role it grants.
pub(super) async fn consume_invitation(
    connection: &mut PgConnection,
    token_hash: &[u8],
    user: UserId,
) -> Result<Option<(WorkspaceId, Role)>> {
    let row = sqlx::query!(
        r#"UPDATE invitations SET accepted_at = now(), accepted_by = $2
           WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > now()
           RETURNING workspace_id, role"#,
        token_hash,
        user.0,
    )
    .fetch_optional(connection)
    .await?;
    Ok(row.map(|row| (WorkspaceId(row.workspace_id), role(&row.role))))
}
