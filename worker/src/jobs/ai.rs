//! Runs an AI generation. Its failures are final and recorded on the job (the provider's own
//! retries already happened, and another run would spend the quota again); only a database
//! that cannot be reached makes the queue try again.

use apalis::prelude::{Attempt, BoxDynError, Data};
use sqlx::PgPool;
use vitrine_core::ai::{Provider, generation};
use vitrine_core::jobs::Generate;

use crate::Counters;

pub async fn generate(
    job: Generate,
    pool: Data<PgPool>,
    provider: Data<Option<Provider>>,
    counters: Data<Counters>,
    attempt: Attempt,
) -> Result<(), BoxDynError> {
    let run = async {
        match generation::run(&pool, provider.as_ref(), job.job_id).await {
            Err(vitrine_core::Error::Database(error)) => Err(error),
            Err(error) => {
                tracing::warn!(job = %job.job_id, %error, "an AI generation failed");
                Ok(())
            }
            Ok(()) => Ok(()),
        }
    };
    let outcome = counters.measure("ai", &attempt, run).await;
    crate::jobs::give_up_after_last(&pool, job.job_id, &attempt, outcome).await
}
