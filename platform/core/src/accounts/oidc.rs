//! Sign-ins in flight with an OpenID provider: what must survive the round trip through it.

use std::time::Duration;

use chrono::Utc;
use sqlx::PgPool;

use crate::{Result, token};

pub struct Pending {
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: String,
}

pub async fn begin(
    pool: &PgPool,
    provider: &str,
    state: &str,
    nonce: &str,
    pkce_verifier: &str,
    next_path: &str,
    lifetime: Duration,
) -> Result<()> {
    let expires_at = Utc::now() + chrono::Duration::from_std(lifetime).unwrap_or_default();
    sqlx::query!(
        r#"INSERT INTO oidc_logins (state_hash, provider, nonce, pkce_verifier, next_path, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6)"#,
        token::hash(state),
        provider,
        nonce,
        pkce_verifier,
        next_path,
        expires_at,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Takes the sign-in for `state` out, so a callback can be used once only.
pub async fn finish(pool: &PgPool, provider: &str, state: &str) -> Result<Option<Pending>> {
    let row = sqlx::query!(
        r#"DELETE FROM oidc_logins WHERE state_hash = $1 AND provider = $2 AND expires_at > now()
           RETURNING nonce, pkce_verifier, next_path"#,
        token::hash(state),
        provider,
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| Pending { nonce: row.nonce, pkce_verifier: row.pkce_verifier, next_path: row.next_path }))
}
