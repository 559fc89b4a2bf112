//! SQL for accounts. `email` is citext: it is compared as `$n::text::citext` so the comparison
//! stays case-insensitive, and read back as text.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::{Email, FullName, User, UserId};
use crate::error::on_unique_violation;
use crate::{Error, Result, token};

struct UserRow {
    id: Uuid,
    email: String,
    full_name: String,
    photo: Option<String>,
    is_private: bool,
    email_verified_at: Option<DateTime<Utc>>,
    is_admin: bool,
    created_at: DateTime<Utc>,
}

/// Builds a `User` from any query result that selected the user's columns by their names.
macro_rules! user_from {
    ($row:expr) => {
        User {
            id: UserId($row.id),
            email: $row.email,
            full_name: $row.full_name,
            photo: $row.photo,
            is_private: $row.is_private,
            email_verified: $row.email_verified_at.is_some(),
            is_admin: $row.is_admin,
            created_at: $row.created_at,
        }
    };
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        user_from!(row)
    }
}

fn expiry(lifetime: Duration) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::days(1))
}

pub(super) async fn insert_user(
    connection: &mut PgConnection,
    email: &Email,
    password_hash: Option<&str>,
    full_name: &FullName,
    verified: bool,
    admin: bool,
) -> Result<User> {
    sqlx::query_as!(
        UserRow,
        r#"INSERT INTO users (id, email, password_hash, full_name, email_verified_at, is_admin)
           VALUES ($1, $2::text, $3, $4, CASE WHEN $5 THEN now() END, $6)
           RETURNING id, email::text AS "email!", full_name, photo, is_private,
                     email_verified_at, is_admin, created_at"#,
        Uuid::new_v4(),
        email.as_str(),
        password_hash,
        full_name.as_str(),
        verified,
        admin,
    )
    .fetch_one(connection)
    .await
    .map(User::from)
    .map_err(|error| {
        on_unique_violation(
            error,
            "users_email_key",
            "email_taken",
            "email",
            "an account with this email already exists",
        )
    })
}

pub(super) async fn find_user(executor: impl PgExecutor<'_>, id: UserId) -> Result<Option<User>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"SELECT id, email::text AS "email!", full_name, photo, is_private, email_verified_at,
                  is_admin, created_at
           FROM users WHERE id = $1"#,
        id.0,
    )
    .fetch_optional(executor)
    .await?;
    Ok(row.map(User::from))
}

/// The user and their password hash.
pub(super) async fn find_user_by_email(
    executor: impl PgExecutor<'_>,
    email: &Email,
) -> Result<Option<(User, Option<String>)>> {
    let row = sqlx::query!(
        r#"SELECT id, email::text AS "email!", full_name, photo, is_private, email_verified_at,
                  is_admin, created_at, password_hash
           FROM users WHERE email = $1::text::citext"#,
        email.as_str(),
    )
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|row| {
        let hash = row.password_hash;
        (user_from!(row), hash)
    }))
}

pub(super) async fn password_hash(executor: impl PgExecutor<'_>, id: UserId) -> Result<Option<String>> {
    let hash = sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", id.0)
        .fetch_optional(executor)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(hash)
}

pub(super) async fn set_password(connection: &mut PgConnection, id: UserId, hash: &str) -> Result<()> {
    sqlx::query!("UPDATE users SET password_hash = $2 WHERE id = $1", id.0, hash).execute(connection).await?;
    Ok(())
}

pub(super) async fn mark_verified(connection: &mut PgConnection, id: UserId) -> Result<()> {
    sqlx::query!("UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1", id.0)
        .execute(connection)
        .await?;
    Ok(())
}

pub(super) async fn update_profile(
    executor: impl PgExecutor<'_>,
    id: UserId,
    full_name: Option<&FullName>,
    photo: Option<Option<String>>,
    is_private: Option<bool>,
) -> Result<User> {
    let (photo_changes, photo) = match photo {
        Some(photo) => (true, photo),
        None => (false, None),
    };
    sqlx::query_as!(
        UserRow,
        r#"UPDATE users SET
               full_name = coalesce($2, full_name),
               photo = CASE WHEN $3 THEN $4 ELSE photo END,
               is_private = coalesce($5, is_private)
           WHERE id = $1
           RETURNING id, email::text AS "email!", full_name, photo, is_private,
                     email_verified_at, is_admin, created_at"#,
        id.0,
        full_name.map(FullName::as_str),
        photo_changes,
        photo,
        is_private,
    )
    .fetch_optional(executor)
    .await?
    .map(User::from)
    .ok_or(Error::NotFound)
}

pub(super) async fn delete_user(connection: &mut PgConnection, id: UserId) -> Result<()> {
    sqlx::query!("DELETE FROM users WHERE id = $1", id.0).execute(connection).await?;
    Ok(())
}

/// A new single-use token for `purpose`; earlier unused ones of the same purpose stop working.
pub(super) async fn insert_token(
    connection: &mut PgConnection,
    user_id: UserId,
    purpose: &str,
    lifetime: Duration,
) -> Result<String> {
    sqlx::query!(
        "UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        user_id.0,
        purpose,
    )
    .execute(&mut *connection)
    .await?;
    let token = token::generate();
    sqlx::query!(
        "INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)",
        token::hash(&token),
        user_id.0,
        purpose,
        expiry(lifetime),
    )
    .execute(connection)
    .await?;
    Ok(token)
}

/// Uses a token up; unknown, expired and already used tokens all get the same answer.
pub(super) async fn consume_token(connection: &mut PgConnection, token: &str, purpose: &str) -> Result<UserId> {
    sqlx::query_scalar!(
        r#"UPDATE user_tokens SET used_at = now()
           WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
           RETURNING user_id"#,
        token::hash(token),
        purpose,
    )
    .fetch_optional(connection)
    .await?
    .map(UserId)
    .ok_or_else(|| Error::invalid("token", "invalid_token", "this link is invalid, expired or was already used"))
}

pub(super) async fn insert_session(
    executor: impl PgExecutor<'_>,
    user_id: UserId,
    token_hash: &[u8],
    lifetime: Duration,
) -> Result<()> {
    sqlx::query!(
        "INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)",
        Uuid::new_v4(),
        user_id.0,
        token_hash,
        expiry(lifetime),
    )
    .execute(executor)
    .await?;
    Ok(())
}

/// The live session's user and the session id. `last_seen_at` moves at most once a minute, so
/// reads do not turn every request into a write.
pub(super) async fn find_session_user(
    executor: impl PgExecutor<'_> + Copy,
    token_hash: &[u8],
) -> Result<Option<(User, Uuid)>> {
    let row = sqlx::query!(
        r#"SELECT s.id AS session_id, s.last_seen_at, u.id, u.email::text AS "email!", u.full_name,
                  u.photo, u.is_private, u.email_verified_at, u.is_admin, u.created_at
           FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.token_hash = $1 AND s.expires_at > now()"#,
        token_hash,
    )
    .fetch_optional(executor)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if Utc::now() - row.last_seen_at > chrono::Duration::minutes(1) {
        sqlx::query!("UPDATE sessions SET last_seen_at = now() WHERE id = $1", row.session_id)
            .execute(executor)
            .await?;
    }
    let session_id = row.session_id;
    Ok(Some((user_from!(row), session_id)))
}

pub(super) async fn delete_session(executor: impl PgExecutor<'_>, session_id: Uuid) -> Result<()> {
    sqlx::query!("DELETE FROM sessions WHERE id = $1", session_id).execute(executor).await?;
    Ok(())
}

pub(super) async fn delete_sessions_of(
    executor: impl PgExecutor<'_>,
    user_id: UserId,
    except: Option<Uuid>,
) -> Result<()> {
    sqlx::query!("DELETE FROM sessions WHERE user_id = $1 AND ($2::uuid IS NULL OR id <> $2)", user_id.0, except,)
        .execute(executor)
        .await?;
    Ok(())
}

pub(super) async fn find_identity(
    executor: impl PgExecutor<'_>,
    provider: &str,
    subject: &str,
) -> Result<Option<User>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"SELECT u.id, u.email::text AS "email!", u.full_name, u.photo, u.is_private,
                  u.email_verified_at, u.is_admin, u.created_at
           FROM identities i JOIN users u ON u.id = i.user_id
           WHERE i.provider = $1 AND i.subject = $2"#,
        provider,
        subject,
    )
    .fetch_optional(executor)
    .await?;
    Ok(row.map(User::from))
}

pub(super) async fn insert_identity(
    connection: &mut PgConnection,
    provider: &str,
    subject: &str,
    user_id: UserId,
) -> Result<()> {
    sqlx::query!(
        "INSERT INTO identities (provider, subject, user_id) VALUES ($1, $2, $3)",
        provider,
        subject,
        user_id.0,
    )
    .execute(connection)
    .await?;
    Ok(())
}
