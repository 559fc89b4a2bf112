//! The connection pool and the migrations of the one schema.

use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};

use crate::config::DatabaseConfig;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

pub async fn connect(config: &DatabaseConfig) -> anyhow::Result<PgPool> {
    let options = connect_options(config.url.expose())
        .with_context(|| format!("VITRINE_DATABASE_URL is not a PostgreSQL URL: {:?}", config.url))?;
    PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot connect to PostgreSQL at {:?} (VITRINE_DATABASE_URL)", config.url))
}

/// The URL's options, with TLS off on loopback unless the URL asks for it. TLS there protects
/// nothing, and it costs: sqlx writes a large TLS message as several records without
/// TCP_NODELAY, so the last one waits for the server's delayed acknowledgement (about 40 ms on
/// every save of a large document).
fn connect_options(url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    let options: PgConnectOptions = url.parse()?;
    let parsed = url::Url::parse(url).ok();
    let chose_tls = parsed.as_ref().is_some_and(|url| url.query_pairs().any(|(key, _)| key == "sslmode"));
    let loopback = matches!(options.get_host(), "localhost" | "127.0.0.1" | "::1" | "[::1]");
    Ok(if loopback && !chose_tls { options.ssl_mode(PgSslMode::Disable) } else { options })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_is_off_on_loopback_unless_asked_for() {
        let mode = |url: &str| format!("{:?}", connect_options(url).unwrap().get_ssl_mode());
        assert_eq!(mode("postgres://a:b@127.0.0.1/db"), "Disable");
        assert_eq!(mode("postgres://a:b@localhost:5433/db"), "Disable");
        assert_eq!(mode("postgres://a:b@127.0.0.1/db?sslmode=require"), "Require");
        assert_eq!(mode("postgres://a:b@db.internal/db"), "Prefer");
    }
}
