//! Workspaces are the tenants. Every user gets a personal one; members have roles. Every
//! function here takes the workspace first and the acting user, and a workspace the actor is
//! not a member of answers `NotFound`, exactly like one that does not exist.

mod db;

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::accounts::{Email, User, UserId};
use crate::email::Links;
use crate::{Error, Result, jobs, notifications, token};

const INVITATION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// Words that would collide with the product's own subdomains or mislead visitors.
const RESERVED_HANDLES: &[&str] = &[
    "www",
    "app",
    "api",
    "admin",
    "ops",
    "mail",
    "smtp",
    "imap",
    "pop",
    "ftp",
    "ns1",
    "ns2",
    "static",
    "assets",
    "cdn",
    "media",
    "docs",
    "help",
    "support",
    "status",
    "blog",
    "billing",
    "login",
    "signup",
    "auth",
    "account",
    "accounts",
    "dashboard",
    "vitrine",
    "root",
    "system",
    "security",
    "abuse",
    "postmaster",
    "hostmaster",
    "webmaster",
    "test",
    "staging",
    "dev",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[sqlx(transparent)]
pub struct WorkspaceId(pub Uuid);

/// A workspace's subdomain: 3–40 lowercase letters, digits and inner hyphens, not reserved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle(String);

impl Handle {
    pub fn parse(field: &str, value: &str) -> Result<Handle> {
        let value = value.trim();
        let length = value.chars().count();
        if !(3..=40).contains(&length) {
            return Err(Error::invalid(field, "invalid_handle", "use 3 to 40 characters"));
        }
        let allowed = value
            .chars()
            .all(|character| character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-');
        if !allowed || value.starts_with('-') || value.ends_with('-') {
            return Err(Error::invalid(
                field,
                "invalid_handle",
                "use lowercase letters, digits and hyphens, not starting or ending with a hyphen",
            ));
        }
        if RESERVED_HANDLES.contains(&value) {
            return Err(Error::invalid(field, "reserved_handle", "this name is reserved; choose another"));
        }
        Ok(Handle(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A valid handle made from any text (a name, an email's local part), for suggestions.
    fn derive_from(text: &str) -> String {
        let mut handle = String::new();
        for character in text.to_lowercase().chars() {
            if character.is_ascii_alphanumeric() {
                handle.push(character);
            } else if !handle.ends_with('-') && !handle.is_empty() {
                handle.push('-');
            }
        }
        let mut handle: String = handle.trim_matches('-').chars().take(30).collect();
        handle = handle.trim_end_matches('-').to_owned();
        if handle.len() < 3 || RESERVED_HANDLES.contains(&handle.as_str()) {
            handle = format!("{handle}-site").trim_start_matches('-').to_owned();
        }
        handle
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Editor,
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<Role> {
        match value {
            "owner" => Ok(Role::Owner),
            "editor" => Ok(Role::Editor),
            "viewer" => Ok(Role::Viewer),
            _ => Err(Error::invalid(field, "invalid_role", "choose owner, editor or viewer")),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A workspace as one member sees it, with that member's role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub handle: String,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: UserId,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

fn workspace_name(value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid("name", "required", "enter a name"));
    }
    if value.chars().count() > 80 || value.chars().any(char::is_control) {
        return Err(Error::invalid("name", "too_long", "use at most 80 printable characters"));
    }
    Ok(value.to_owned())
}

/// The actor's role in the workspace; `NotFound` when they are not a member.
pub async fn role_of(pool: &PgPool, workspace: WorkspaceId, actor: UserId) -> Result<Role> {
    db::role_of(pool, workspace, actor).await?.ok_or(Error::NotFound)
}

/// Like [`role_of`], and `Forbidden` when the role is below `needed`.
pub async fn require_role(pool: &PgPool, workspace: WorkspaceId, actor: UserId, needed: Role) -> Result<Role> {
    let role = role_of(pool, workspace, actor).await?;
    if role < needed {
        return Err(Error::forbidden("insufficient_role", format!("this needs the {needed} role in the workspace")));
    }
    Ok(role)
}

/// The personal workspace made at sign-up, with a free handle derived from the user's name.
pub(crate) async fn create_personal(connection: &mut PgConnection, user: &User) -> Result<Workspace> {
    let base = Handle::derive_from(&user.full_name);
    let base = if base.len() >= 3 { base } else { Handle::derive_from(user.email.split('@').next().unwrap_or("me")) };
    let name = format!("{}'s workspace", user.full_name.chars().take(60).collect::<String>());
    // Taken handles get a number; past a few, a random suffix ends the race with other sign-ups.
    let candidates = std::iter::once(base.clone()).chain((2..10).map(|number| format!("{base}-{number}"))).chain(
        std::iter::repeat_with(|| {
            format!("{base}-{}", &token::generate()[..6].to_lowercase().replace(['_', '-'], "x"))
        })
        .take(5),
    );
    for handle in candidates {
        let id = WorkspaceId(Uuid::new_v4());
        if let Some(workspace) = db::insert_workspace_if_free(&mut *connection, id, &handle, &name, user.id).await? {
            return Ok(workspace);
        }
    }
    Err(Error::Internal(anyhow::anyhow!("no free handle found for a personal workspace")))
}

pub async fn create(pool: &PgPool, actor: UserId, handle: &str, name: &str) -> Result<Workspace> {
    let handle = Handle::parse("handle", handle)?;
    let name = workspace_name(name)?;
    let mut transaction = pool.begin().await?;
    let workspace =
        db::insert_workspace_if_free(&mut transaction, WorkspaceId(Uuid::new_v4()), handle.as_str(), &name, actor)
            .await?
            .ok_or_else(|| Error::conflict("handle_taken", Some("handle"), "this handle is taken; choose another"))?;
    transaction.commit().await?;
    Ok(workspace)
}

pub async fn list(pool: &PgPool, actor: UserId) -> Result<Vec<Workspace>> {
    db::list_for_user(pool, actor).await
}

pub async fn get(pool: &PgPool, workspace: WorkspaceId, actor: UserId) -> Result<Workspace> {
    db::find_for_user(pool, workspace, actor).await?.ok_or(Error::NotFound)
}

pub async fn update(
    pool: &PgPool,
    workspace: WorkspaceId,
    actor: UserId,
    handle: Option<&str>,
    name: Option<&str>,
) -> Result<Workspace> {
    let handle = handle.map(|handle| Handle::parse("handle", handle)).transpose()?;
    let name = name.map(workspace_name).transpose()?;
    require_role(pool, workspace, actor, Role::Owner).await?;
    db::update_workspace(pool, workspace, handle.as_ref().map(Handle::as_str), name.as_deref()).await?;
    get(pool, workspace, actor).await
}

pub async fn members(pool: &PgPool, workspace: WorkspaceId, actor: UserId) -> Result<Vec<Member>> {
    role_of(pool, workspace, actor).await?;
    db::members(pool, workspace).await
}

pub async fn change_role(
    pool: &PgPool,
    workspace: WorkspaceId,
    actor: UserId,
    member: UserId,
    role: &str,
) -> Result<Member> {
    let role = Role::parse("role", role)?;
    require_role(pool, workspace, actor, Role::Owner).await?;
    let mut transaction = pool.begin().await?;
    db::lock_members(&mut transaction, workspace).await?;
    db::set_role(&mut transaction, workspace, member, role).await?;
    ensure_an_owner_remains(&mut transaction, workspace).await?;
    let changed = db::member(&mut *transaction, workspace, member).await?.ok_or(Error::NotFound)?;
    transaction.commit().await?;
    Ok(changed)
}

/// Owners remove anyone; every member may remove themselves (leave).
pub async fn remove_member(pool: &PgPool, workspace: WorkspaceId, actor: UserId, member: UserId) -> Result<()> {
    if actor == member {
        role_of(pool, workspace, actor).await?;
    } else {
        require_role(pool, workspace, actor, Role::Owner).await?;
    }
    let mut transaction = pool.begin().await?;
    db::lock_members(&mut transaction, workspace).await?;
    if !db::delete_member(&mut transaction, workspace, member).await? {
        return Err(Error::NotFound);
    }
    ensure_an_owner_remains(&mut transaction, workspace).await?;
    transaction.commit().await?;
    Ok(())
}

async fn ensure_an_owner_remains(connection: &mut PgConnection, workspace: WorkspaceId) -> Result<()> {
    if db::owner_count(connection, workspace).await? == 0 {
        return Err(Error::conflict(
            "last_owner",
            None,
            "a workspace needs at least one owner: make someone else owner first",
        ));
    }
    Ok(())
}

/// Before an account is deleted: workspaces it is the only member of are deleted; leaving one
/// with other members but no other owner is refused.
pub(crate) async fn release_member(connection: &mut PgConnection, user: UserId) -> Result<()> {
    db::delete_workspaces_only_member_of(&mut *connection, user).await?;
    if db::is_last_owner_anywhere(connection, user).await? {
        return Err(Error::conflict(
            "last_owner",
            None,
            "you are the last owner of a workspace with other members: make one of them owner first",
        ));
    }
    Ok(())
}

pub async fn invitations(pool: &PgPool, workspace: WorkspaceId, actor: UserId) -> Result<Vec<Invitation>> {
    role_of(pool, workspace, actor).await?;
    db::pending_invitations(pool, workspace).await
}

/// Invites an address (owners only). A new invitation to the same address replaces the last.
pub async fn invite(
    pool: &PgPool,
    links: &Links,
    workspace: WorkspaceId,
    actor: &User,
    email: &str,
    role: &str,
) -> Result<Invitation> {
    let email = Email::parse("email", email)?;
    let role = Role::parse("role", role)?;
    require_role(pool, workspace, actor.id, Role::Owner).await?;
    let details = get(pool, workspace, actor.id).await?;
    let mut transaction = pool.begin().await?;
    if db::is_member_by_email(&mut *transaction, workspace, &email).await? {
        return Err(Error::conflict("already_member", Some("email"), "this person is already a member"));
    }
    db::delete_pending_invitation(&mut *transaction, workspace, &email).await?;
    let token = token::generate();
    let expires_at = Utc::now() + chrono::Duration::from_std(INVITATION_LIFETIME).unwrap_or_default();
    let invitation =
        db::insert_invitation(&mut transaction, workspace, &email, role, &token::hash(&token), actor, expires_at)
            .await?;
    let message = links.invitation(email.as_str(), &actor.full_name, &details.name, role.as_str(), &token);
    jobs::enqueue_email(&mut transaction, message).await?;
    // Someone who has an account sees it in the app too; the email above is theirs already.
    let invitee = sqlx::query_scalar!("SELECT id FROM users WHERE email = $1::text::citext", email.as_str())
        .fetch_optional(&mut *transaction)
        .await?;
    if let Some(invitee) = invitee {
        let new = notifications::New {
            user: UserId(invitee),
            workspace: None,
            category: notifications::Category::Invitations,
            kind: "invitation",
            title: format!("{} invited you to {}", actor.full_name, details.name),
            body: format!("Join the workspace as {}; the invitation is valid for 7 days.", role.as_str()),
            link: Some(format!("/app/invitations/accept?token={token}")),
            dedupe_key: None,
            may_email: false,
        };
        notifications::notify(&mut transaction, new).await?;
    }
    transaction.commit().await?;
    Ok(invitation)
}

pub async fn revoke_invitation(pool: &PgPool, workspace: WorkspaceId, actor: UserId, invitation: Uuid) -> Result<()> {
    require_role(pool, workspace, actor, Role::Owner).await?;
    if db::delete_invitation(pool, workspace, invitation).await? { Ok(()) } else { Err(Error::NotFound) }
}

/// Joins the workspace an invitation is for. The token was emailed to the invited address, so
/// holding it is the proof; an existing member keeps the higher of the two roles.
pub async fn accept_invitation(pool: &PgPool, actor: UserId, token: &str) -> Result<Workspace> {
    let mut transaction = pool.begin().await?;
    let (workspace, role) =
        db::consume_invitation(&mut transaction, &token::hash(token), actor).await?.ok_or_else(|| {
            Error::invalid("token", "invalid_token", "this invitation is invalid, expired or was already used")
        })?;
    db::add_member(&mut transaction, workspace, actor, role).await?;
    transaction.commit().await?;
    get(pool, workspace, actor).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_follow_the_subdomain_rules() {
        assert_eq!(Handle::parse("handle", "ann-lee-2").unwrap().as_str(), "ann-lee-2");
        for bad in
            ["ab", "Ann", "-ann", "ann-", "an_n", "ann lee", "www", "app", "api", "admin", "ops", &"a".repeat(41)]
        {
            assert!(Handle::parse("handle", bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn derived_handles_are_valid() {
        for name in ["Ann Lee", "Zoë O'Brien", "李", "a", "www", "---", "A very long name that goes on and on and on"]
        {
            let derived = Handle::derive_from(name);
            assert!(Handle::parse("handle", &derived).is_ok(), "{name:?} gave {derived:?}");
        }
    }

    #[test]
    fn roles_order_by_power() {
        assert!(Role::Owner > Role::Editor && Role::Editor > Role::Viewer);
        assert!(Role::parse("role", "admin").is_err());
    }
}
