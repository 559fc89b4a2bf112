//! Emails a notification, if its person still wants emails of its category when the job runs.

use apalis::prelude::{Attempt, BoxDynError, Data};
use sqlx::PgPool;
use vitrine_core::email::Links;
use vitrine_core::jobs::EmailNotification;
use vitrine_core::notifications;

use super::email::{Mailer, deliver};
use crate::Counters;

pub async fn send(
    job: EmailNotification,
    mailer: Data<Mailer>,
    links: Data<Links>,
    pool: Data<PgPool>,
    counters: Data<Counters>,
    attempt: Attempt,
) -> Result<(), BoxDynError> {
    let id = job.notification_id;
    let run = async {
        // Run twice (at-least-once delivery), it finds the email sent and stops.
        if vitrine_core::jobs::email_sent(&pool, id).await? {
            return Ok(());
        }
        let Some(outgoing) = notifications::outgoing(&pool, id).await? else {
            tracing::info!(notification = %id, "notification no longer to be emailed");
            return Ok(());
        };
        deliver(&links.notification(&outgoing), &mailer).await?;
        vitrine_core::jobs::record_email_sent(&pool, id).await?;
        Ok::<(), anyhow::Error>(())
    };
    counters.measure("notification", &attempt, run).await.map_err(|error| {
        tracing::warn!(error = format!("{error:#}"), "emailing a notification failed; it will be retried");
        error.into()
    })
}
