//! Reads an import into its preview and report. The reading itself never fails on a bad file
//! (what cannot be read is reported); only a database that cannot be reached makes the queue
//! try again.

use apalis::prelude::{Attempt, BoxDynError, Data};
use sqlx::PgPool;
use vitrine_core::imports;
use vitrine_core::jobs::Import;

use crate::Counters;

pub async fn read(
    job: Import,
    pool: Data<PgPool>,
    counters: Data<Counters>,
    attempt: Attempt,
) -> Result<(), BoxDynError> {
    let outcome = counters.measure("import", &attempt, imports::run(&pool, job.job_id)).await;
    crate::jobs::give_up_after_last(&pool, job.job_id, &attempt, outcome).await
}
