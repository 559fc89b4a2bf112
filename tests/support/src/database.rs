//! One database per test, migrated like production, so tests run in parallel without seeing
//! each other's rows. `ops/test` drops the leftovers of earlier runs before starting.

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use vitrine_core::email::EmailMessage;
use vitrine_core::jobs::{EMAIL_QUEUE, SendEmail};

pub const DATABASE_PREFIX: &str = "vitrine_test_";

pub struct TestDatabase {
    pub name: String,
    pub url: String,
    pub pool: PgPool,
}

fn server_url() -> String {
    std::env::var("VITRINE_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://vitrine:vitrine@127.0.0.1".to_owned())
}

impl TestDatabase {
    pub async fn create() -> Self {
        let name = format!("{DATABASE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&format!("{}/postgres", server_url()))
            .await
            .expect("PostgreSQL answers (start it with ops/test, or see the README)");
        // The name is ours: a fixed prefix and a UUID.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&admin)
            .await
            .expect("the test role may create databases");
        admin.close().await;
        let url = format!("{}/{name}", server_url());
        let pool = PgPoolOptions::new().max_connections(10).connect(&url).await.expect("the new database answers");
        vitrine_core::db::migrate(&pool).await.expect("migrations apply to an empty database");
        TestDatabase { name, url, pool }
    }

    /// Emails waiting in the queue for `to`, oldest first.
    pub async fn queued_emails(&self, to: &str) -> Vec<EmailMessage> {
        let jobs: Vec<Vec<u8>> =
            sqlx::query_scalar("SELECT job FROM apalis.jobs WHERE job_type = $1 ORDER BY run_at, id")
                .bind(EMAIL_QUEUE)
                .fetch_all(&self.pool)
                .await
                .expect("the job table is readable");
        jobs.iter()
            .map(|bytes| serde_json::from_slice::<SendEmail>(bytes).expect("email jobs decode").message)
            .filter(|message| message.to.eq_ignore_ascii_case(to))
            .collect()
    }

    /// The last email queued for `to`; panics if there is none.
    pub async fn last_email(&self, to: &str) -> EmailMessage {
        self.queued_emails(to).await.pop().unwrap_or_else(|| panic!("no email was queued for {to}"))
    }

    /// Rows in `table`, a name the test itself writes.
    pub async fn count(&self, table: &'static str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(&self.pool)
            .await
            .expect("the table exists")
    }
}
