//! One idempotent handler per job kind, each on its own named queue.

pub mod ai;
pub mod email;
pub mod export;
pub mod import;
pub mod notification;

use apalis::prelude::{Attempt, BoxDynError};
use sqlx::PgPool;
use uuid::Uuid;
use vitrine_core::jobs::MAX_ATTEMPTS;

/// Passes a job's outcome on to the queue; a failed last attempt is also recorded on the job
/// its owner watches, which would otherwise show it running for ever.
pub async fn give_up_after_last<E>(
    pool: &PgPool,
    id: Uuid,
    attempt: &Attempt,
    outcome: Result<(), E>,
) -> Result<(), BoxDynError>
where
    E: std::fmt::Display + Into<BoxDynError>,
{
    let Err(error) = outcome else { return Ok(()) };
    if attempt.current() >= MAX_ATTEMPTS {
        let message = error.to_string();
        tracing::warn!(job = %id, error = %message, "a job failed for the last time");
        vitrine_core::jobs::give_up(pool, id, &message).await?;
    }
    Err(error.into())
}
