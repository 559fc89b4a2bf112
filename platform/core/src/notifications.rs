//! Notifications: recorded in the transaction of what caused them, listed in the app's bell,
//! and emailed by the worker when the person's preferences say so. Each email carries a link
//! that turns off emails of its category.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::jobs::{self, NOTIFICATION_QUEUE};
use crate::portfolios::PortfolioId;
use crate::workspaces::WorkspaceId;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, poem_openapi::Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename = "NotificationCategory", rename_all = "snake_case")]
pub enum Category {
    /// A PDF (later: a static site) ready or failed
    Exports,
    /// An import or an AI generation done
    Jobs,
    /// Another member edited or published your portfolio
    Activity,
    /// You were invited to a workspace
    Invitations,
    /// Views of your pages passed a milestone
    Milestones,
    /// The weekly digest of your statistics
    Digest,
    /// A custom domain went live or stopped working
    Domains,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Exports,
        Category::Jobs,
        Category::Activity,
        Category::Invitations,
        Category::Milestones,
        Category::Digest,
        Category::Domains,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Exports => "exports",
            Category::Jobs => "jobs",
            Category::Activity => "activity",
            Category::Invitations => "invitations",
            Category::Milestones => "milestones",
            Category::Digest => "digest",
            Category::Domains => "domains",
        }
    }

    pub fn parse(value: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|category| category.as_str() == value)
    }

    /// How people read the category in an email footer: "emails about …".
    pub fn describe(self) -> &'static str {
        match self {
            Category::Exports => "exports",
            Category::Jobs => "imports and AI generations",
            Category::Activity => "your colleagues' edits",
            Category::Invitations => "invitations",
            Category::Milestones => "view milestones",
            Category::Digest => "the weekly digest",
            Category::Domains => "your custom domains",
        }
    }

    /// A colleague's edits come often; by default they are only shown in the app.
    fn default_preference(self) -> Preference {
        Preference { category: self, in_app: true, email: self != Category::Activity }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preference {
    pub category: Category,
    pub in_app: bool,
    pub email: bool,
}

/// What to tell whom.
pub struct New<'a> {
    pub user: UserId,
    pub workspace: Option<WorkspaceId>,
    pub category: Category,
    pub kind: &'a str,
    pub title: String,
    pub body: String,
    /// A path in the app, `/app/...`
    pub link: Option<String>,
    /// Notifications with the same key for the same person are one.
    pub dedupe_key: Option<String>,
    /// Whether an email may be sent at all (an invitation has its own email already).
    pub may_email: bool,
}

/// Records a notification in the caller's transaction; the worker emails it when the person
/// wants emails of its category. `false` when one with the same key was there already.
pub async fn notify(connection: &mut PgConnection, new: New<'_>) -> Result<bool> {
    let id = Uuid::new_v4();
    let inserted = sqlx::query_scalar!(
        "INSERT INTO notifications (id, user_id, workspace_id, category, kind, title, body, link, dedupe_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (user_id, dedupe_key) DO NOTHING
         RETURNING id",
        id,
        new.user.0,
        new.workspace.map(|workspace| workspace.0),
        new.category.as_str(),
        new.kind,
        new.title,
        new.body,
        new.link,
        new.dedupe_key,
    )
    .fetch_optional(&mut *connection)
    .await?;
    if inserted.is_none() {
        return Ok(false);
    }
    if new.may_email && preference(&mut *connection, new.user, new.category).await?.email {
        jobs::enqueue(connection, NOTIFICATION_QUEUE, &jobs::EmailNotification { notification_id: id }).await?;
    }
    Ok(true)
}

async fn preference(connection: &mut PgConnection, user: UserId, category: Category) -> Result<Preference> {
    let stored = sqlx::query!(
        "SELECT in_app, email FROM notification_preferences WHERE user_id = $1 AND category = $2",
        user.0,
        category.as_str(),
    )
    .fetch_optional(connection)
    .await?;
    Ok(match stored {
        Some(row) => Preference { category, in_app: row.in_app, email: row.email },
        None => category.default_preference(),
    })
}

/// Tells the owner of a portfolio that another member changed it. Edits fold into one
/// notification per member and hour.
pub async fn portfolio_activity(
    connection: &mut PgConnection,
    portfolio: PortfolioId,
    actor: UserId,
    published: bool,
) -> Result<()> {
    let row = sqlx::query!(
        r#"SELECT p.created_by, p.title, p.workspace_id, u.full_name AS actor_name
           FROM portfolios p, users u WHERE p.id = $1 AND u.id = $2"#,
        portfolio.0,
        actor.0,
    )
    .fetch_one(&mut *connection)
    .await?;
    let Some(owner) = row.created_by.filter(|owner| *owner != actor.0) else { return Ok(()) };
    // The owner may have left the workspace since.
    let member = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM workspace_members WHERE workspace_id = $1 AND user_id = $2) AS "member!""#,
        row.workspace_id,
        owner,
    )
    .fetch_one(&mut *connection)
    .await?;
    if !member {
        return Ok(());
    }
    let (kind, title, dedupe_key) = if published {
        ("portfolio_published", format!("{} published “{}”", row.actor_name, row.title), None)
    } else {
        let hour = Utc::now().format("%Y-%m-%dT%H");
        (
            "portfolio_edited",
            format!("{} edited “{}”", row.actor_name, row.title),
            Some(format!("edited:{}:{}:{hour}", portfolio.0, actor.0)),
        )
    };
    notify(
        connection,
        New {
            user: UserId(owner),
            workspace: Some(WorkspaceId(row.workspace_id)),
            category: Category::Activity,
            kind,
            body: if published {
                "The new version is live on its public page.".into()
            } else {
                "Open the editor to see the changes; every version is in its history.".into()
            },
            title,
            link: Some(format!("/app/portfolios/{}/edit", portfolio.0)),
            dedupe_key,
            may_email: true,
        },
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Notification {
    pub id: Uuid,
    pub workspace_id: Option<Uuid>,
    pub category: Category,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The person's latest notifications of the categories they see in the app, and how many of
/// those are unread.
pub async fn list(pool: &PgPool, user: UserId, limit: i64) -> Result<(Vec<Notification>, i64)> {
    let hidden = hidden_categories(pool, user).await?;
    let rows = sqlx::query!(
        "SELECT id, workspace_id, category, kind, title, body, link, created_at, read_at
         FROM notifications WHERE user_id = $1 AND NOT (category = ANY($2))
         ORDER BY created_at DESC LIMIT $3",
        user.0,
        &hidden,
        limit,
    )
    .fetch_all(pool)
    .await?;
    let unread = count_unread(pool, user, &hidden).await?;
    let list = rows
        .into_iter()
        .map(|row| Notification {
            id: row.id,
            workspace_id: row.workspace_id,
            // Written only from the enum.
            category: Category::parse(&row.category).unwrap_or(Category::Jobs),
            kind: row.kind,
            title: row.title,
            body: row.body,
            link: row.link,
            created_at: row.created_at,
            read_at: row.read_at,
        })
        .collect();
    Ok((list, unread))
}

pub async fn unread_count(pool: &PgPool, user: UserId) -> Result<i64> {
    count_unread(pool, user, &hidden_categories(pool, user).await?).await
}

async fn count_unread(pool: &PgPool, user: UserId, hidden: &[String]) -> Result<i64> {
    Ok(sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM notifications
           WHERE user_id = $1 AND read_at IS NULL AND NOT (category = ANY($2))"#,
        user.0,
        hidden,
    )
    .fetch_one(pool)
    .await?)
}

async fn hidden_categories(pool: &PgPool, user: UserId) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar!("SELECT category FROM notification_preferences WHERE user_id = $1 AND NOT in_app", user.0)
        .fetch_all(pool)
        .await?)
}

/// Marks the given notifications read, or all of them when `ids` is `None`. Ids of other
/// people's notifications are ignored.
pub async fn mark_read(pool: &PgPool, user: UserId, ids: Option<&[Uuid]>) -> Result<u64> {
    let marked = match ids {
        Some(ids) => {
            sqlx::query!(
                "UPDATE notifications SET read_at = now() WHERE user_id = $1 AND id = ANY($2) AND read_at IS NULL",
                user.0,
                ids,
            )
            .execute(pool)
            .await?
        }
        None => {
            sqlx::query!("UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL", user.0)
                .execute(pool)
                .await?
        }
    };
    Ok(marked.rows_affected())
}

/// Every category's preference: the stored ones, the defaults for the rest.
pub async fn preferences(pool: &PgPool, user: UserId) -> Result<Vec<Preference>> {
    let stored =
        sqlx::query!("SELECT category, in_app, email FROM notification_preferences WHERE user_id = $1", user.0)
            .fetch_all(pool)
            .await?;
    Ok(Category::ALL
        .into_iter()
        .map(|category| match stored.iter().find(|row| row.category == category.as_str()) {
            Some(row) => Preference { category, in_app: row.in_app, email: row.email },
            None => category.default_preference(),
        })
        .collect())
}

/// Stores the given preferences; categories not named keep theirs.
pub async fn set_preferences(pool: &PgPool, user: UserId, changes: &[Preference]) -> Result<Vec<Preference>> {
    let mut transaction = pool.begin().await?;
    for change in changes {
        sqlx::query!(
            "INSERT INTO notification_preferences (user_id, category, in_app, email) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, category) DO UPDATE SET in_app = $3, email = $4",
            user.0,
            change.category.as_str(),
            change.in_app,
            change.email,
        )
        .execute(&mut *transaction)
        .await?;
    }
    transaction.commit().await?;
    preferences(pool, user).await
}

/// Turns off emails of one category for the holder of an unsubscribe link.
pub async fn unsubscribe(pool: &PgPool, token: &str, category: Category) -> Result<()> {
    let user = sqlx::query_scalar!("SELECT id FROM users WHERE unsubscribe_token = $1", token)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| Error::invalid("token", "invalid_token", "this unsubscribe link is not valid"))?;
    let mut connection = pool.acquire().await?;
    let current = preference(&mut connection, UserId(user), category).await?;
    sqlx::query!(
        "INSERT INTO notification_preferences (user_id, category, in_app, email) VALUES ($1, $2, $3, false)
         ON CONFLICT (user_id, category) DO UPDATE SET email = false",
        user,
        category.as_str(),
        current.in_app,
    )
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// What the worker needs to email a notification: `None` when it no longer should be (the
/// notification is gone, or the person turned such emails off since).
pub struct Outgoing {
    pub to: String,
    pub full_name: String,
    pub category: Category,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub unsubscribe_token: String,
}

pub async fn outgoing(pool: &PgPool, id: Uuid) -> Result<Option<Outgoing>> {
    let Some(row) = sqlx::query!(
        r#"SELECT n.user_id, n.category, n.title, n.body, n.link, u.email::text AS "email!", u.full_name,
                  u.unsubscribe_token, u.email_verified_at
           FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.id = $1"#,
        id,
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let Some(category) = Category::parse(&row.category) else { return Ok(None) };
    let mut connection = pool.acquire().await?;
    let wanted = preference(&mut connection, UserId(row.user_id), category).await?.email;
    if !wanted || row.email_verified_at.is_none() {
        return Ok(None);
    }
    Ok(Some(Outgoing {
        to: row.email,
        full_name: row.full_name,
        category,
        title: row.title,
        body: row.body,
        link: row.link,
        unsubscribe_token: row.unsubscribe_token,
    }))
}
