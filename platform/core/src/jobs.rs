//! Job payloads and their queues. A job is enqueued in the same transaction as the change that
//! causes it, so either both happen or neither does.

use apalis::prelude::TaskBuilder;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::email::EmailMessage;

/// Queue names are stable strings, not Rust type names, so renaming a type never orphans jobs.
pub const EMAIL_QUEUE: &str = "vitrine.email";
pub const EXPORT_QUEUE: &str = "vitrine.export";
pub const NOTIFICATION_QUEUE: &str = "vitrine.notification";
pub const AI_QUEUE: &str = "vitrine.ai";
pub const IMPORT_QUEUE: &str = "vitrine.import";

/// Attempts before a job is left in the failed state for an operator to see.
pub const MAX_ATTEMPTS: usize = 8;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendEmail {
    /// Names this email across runs of its job, so it is delivered once.
    #[serde(default = "Uuid::new_v4")]
    pub id: Uuid,
    pub message: EmailMessage,
}

/// Renders the PDF of the export job `job_id` (a row of `jobs`, which holds the input).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderPdf {
    pub job_id: Uuid,
}

/// Reads an import recorded in `jobs` into its preview.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Import {
    pub job_id: Uuid,
}

/// Runs an AI generation recorded in `jobs`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Generate {
    pub job_id: Uuid,
}

/// Emails the notification `notification_id`, if its person still wants such emails.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailNotification {
    pub notification_id: Uuid,
}

pub async fn enqueue_email(connection: &mut PgConnection, message: EmailMessage) -> crate::Result<()> {
    enqueue(connection, EMAIL_QUEUE, &SendEmail { id: Uuid::new_v4(), message }).await
}

/// Adds a job to `queue`, within the caller's transaction.
pub async fn enqueue(connection: &mut PgConnection, queue: &str, job: &impl Serialize) -> crate::Result<()> {
    let payload = serde_json::to_vec(job).map_err(|error| anyhow::anyhow!("encoding a job for {queue}: {error}"))?;
    let task = TaskBuilder::new(payload).max_attempts(MAX_ATTEMPTS).build();
    apalis_postgres::queries::push_tasks(connection, queue, vec![task])
        .await
        .map_err(|error| anyhow::anyhow!("enqueueing a job on {queue}: {error}"))?;
    Ok(())
}

/// Whether the email with this id was delivered already.
pub async fn email_sent(pool: &PgPool, id: Uuid) -> crate::Result<bool> {
    Ok(sqlx::query_scalar!("SELECT EXISTS (SELECT 1 FROM sent_emails WHERE id = $1)", id)
        .fetch_one(pool)
        .await?
        .unwrap_or(false))
}

pub async fn record_email_sent(pool: &PgPool, id: Uuid) -> crate::Result<()> {
    sqlx::query!("INSERT INTO sent_emails (id) VALUES ($1) ON CONFLICT DO NOTHING", id).execute(pool).await?;
    Ok(())
}

/// Marks a job of the `jobs` table failed for good once its queue has given up on it, so that
/// its page stops showing it running. A job already done stays done.
pub async fn give_up(pool: &PgPool, id: Uuid, error: &str) -> crate::Result<()> {
    sqlx::query!(
        "UPDATE jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status <> 'done'",
        id,
        error
    )
    .execute(pool)
    .await?;
    Ok(())
}
