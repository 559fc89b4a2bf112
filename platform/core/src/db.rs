//! The connection pool and the migrations of the one schema.

use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::config::DatabaseConfig;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

pub async fn connect(config: &DatabaseConfig) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect(config.url.expose())
        .await
        .with_context(|| format!("cannot connect to PostgreSQL at {:?} (VITRINE_DATABASE_URL)", config.url))
}

/// Applies the product's migrations and sets up the job queue's tables (schema `apalis`).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("applying migrations")?;
    apalis_postgres::PostgresStorage::setup(pool).await.context("setting up the job queue tables")?;
    Ok(())
}

/// True when the database answers; `/readyz` uses it.
pub async fn is_reachable(pool: &PgPool) -> bool {
    sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool).await.is_ok()
}
