//! What the router replicas share about TLS: the ACME account, certificates and TLS-ALPN-01
//! challenge answers, with private keys sealed under a configured key, and the orders placed
//! (for the hourly limit). A per-hostname advisory lock makes one replica the one that orders.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use sqlx::pool::PoolConnection;
use sqlx::postgres::Postgres;

use crate::Result;

/// The channel on which a changed certificate's hostname is announced (by a trigger).
pub const CHANNEL: &str = "vitrine_certificates";

/// Seals private keys at rest with AES-256-GCM; the nonce goes first.
#[derive(Clone)]
pub struct Sealer(Aes256Gcm);

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Sealer {
        Sealer(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)))
    }

    pub fn seal(&self, plain: &[u8]) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let mut sealed = nonce.to_vec();
        sealed.extend(self.0.encrypt(&nonce, plain).expect("AES-GCM seals any length we store"));
        sealed
    }

    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>> {
        let (nonce, ciphertext) = sealed
            .split_at_checked(12)
            .ok_or_else(|| anyhow::anyhow!("a sealed key is too short to hold its nonce"))?;
        Ok(self.0.decrypt(Nonce::from_slice(nonce), ciphertext).map_err(|_| {
            anyhow::anyhow!("a sealed key does not open: VITRINE_TLS_STORE_KEY differs from the one that sealed it")
        })?)
    }
}

/// A certificate ready to serve: its PEM chain and its private key (PKCS#8 DER).
#[derive(Debug, Clone)]
pub struct Certificate {
    pub chain_pem: String,
    pub key_der: Vec<u8>,
}

pub async fn certificate(pool: &PgPool, sealer: &Sealer, hostname: &str) -> Result<Option<Certificate>> {
    let row = sqlx::query!(
        r#"SELECT chain_pem AS "chain_pem!", sealed_key AS "sealed_key!"
           FROM tls_certificates WHERE hostname = $1 AND chain_pem IS NOT NULL"#,
        hostname
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Certificate { chain_pem: row.chain_pem, key_der: sealer.open(&row.sealed_key)? }))
}

/// Stores a new certificate; renewal is due after two thirds of its lifetime.
pub async fn save_certificate(
    pool: &PgPool,
    sealer: &Sealer,
    hostname: &str,
    chain_pem: &str,
    key_der: &[u8],
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<()> {
    let renew_after = not_before + (not_after - not_before) * 2 / 3;
    sqlx::query!(
        "INSERT INTO tls_certificates (hostname, chain_pem, sealed_key, not_after, renew_after, issued_at,
                                       retry_after, failures, last_error, updated_at)
         VALUES ($1, $2, $3, $4, $5, now(), NULL, 0, NULL, now())
         ON CONFLICT (hostname) DO UPDATE SET chain_pem = $2, sealed_key = $3, not_after = $4, renew_after = $5,
             issued_at = now(), retry_after = NULL, failures = 0, last_error = NULL, updated_at = now()",
        hostname,
        chain_pem,
        sealer.seal(key_der),
        not_after,
        renew_after,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Whether `hostname` has a certificate not yet due for renewal.
pub async fn is_current(pool: &PgPool, hostname: &str, now: DateTime<Utc>) -> Result<bool> {
    Ok(sqlx::query_scalar!(
        "SELECT 1 FROM tls_certificates WHERE hostname = $1 AND chain_pem IS NOT NULL AND renew_after > $2",
        hostname,
        now
    )
    .fetch_optional(pool)
    .await?
    .is_some())
}

/// Records a failed order: the next waits twice as long as the last, from a minute to a day.
pub async fn record_failure(pool: &PgPool, hostname: &str, error: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let failures = sqlx::query_scalar!(
        "INSERT INTO tls_certificates (hostname, failures, last_error, updated_at) VALUES ($1, 1, $2, $3)
         ON CONFLICT (hostname) DO UPDATE SET failures = tls_certificates.failures + 1, last_error = $2, updated_at = $3
         RETURNING failures",
        hostname,
        error,
        now,
    )
    .fetch_one(pool)
    .await?;
    let retry_after = now + Duration::minutes(1i64 << (failures - 1).clamp(0, 11)).min(Duration::days(1));
    sqlx::query!("UPDATE tls_certificates SET retry_after = $2 WHERE hostname = $1", hostname, retry_after)
        .execute(pool)
        .await?;
    Ok(retry_after)
}

/// Whether an order for `hostname` may start now: no back-off after a failure is running.
pub async fn may_order(pool: &PgPool, hostname: &str, now: DateTime<Utc>) -> Result<bool> {
    let retry_after = sqlx::query_scalar!("SELECT retry_after FROM tls_certificates WHERE hostname = $1", hostname)
        .fetch_optional(pool)
        .await?
        .flatten();
    Ok(retry_after.is_none_or(|after| after <= now))
}

/// Hostnames whose certificate is due for renewal, or whose failed order may be retried.
pub async fn due(pool: &PgPool, now: DateTime<Utc>) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar!(
        "SELECT hostname FROM tls_certificates
         WHERE (renew_after <= $1 OR chain_pem IS NULL) AND (retry_after IS NULL OR retry_after <= $1)
         ORDER BY hostname",
        now
    )
    .fetch_all(pool)
    .await?)
}

/// Drops what is stored for a hostname no longer served.
pub async fn forget(pool: &PgPool, hostname: &str) -> Result<()> {
    sqlx::query!("DELETE FROM tls_certificates WHERE hostname = $1", hostname).execute(pool).await?;
    Ok(())
}

/// The ACME account key for a directory, made by whichever replica got there first.
pub async fn account_key(
    pool: &PgPool,
    sealer: &Sealer,
    directory: &str,
    generate: impl FnOnce() -> Vec<u8>,
) -> Result<Vec<u8>> {
    sqlx::query!(
        "INSERT INTO acme_accounts (directory_url, sealed_key) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        directory,
        sealer.seal(&generate()),
    )
    .execute(pool)
    .await?;
    let sealed = sqlx::query_scalar!("SELECT sealed_key FROM acme_accounts WHERE directory_url = $1", directory)
        .fetch_one(pool)
        .await?;
    sealer.open(&sealed)
}

/// A TLS-ALPN-01 answer: the self-signed certificate and its key.
pub async fn save_challenge(
    pool: &PgPool,
    sealer: &Sealer,
    hostname: &str,
    cert_der: &[u8],
    key_der: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query!(
        "INSERT INTO acme_challenges (hostname, cert_der, sealed_key, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (hostname) DO UPDATE SET cert_der = $2, sealed_key = $3, expires_at = $4",
        hostname,
        cert_der,
        sealer.seal(key_der),
        expires_at,
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn challenge(pool: &PgPool, sealer: &Sealer, hostname: &str) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
    let row = sqlx::query!(
        "SELECT cert_der, sealed_key FROM acme_challenges WHERE hostname = $1 AND expires_at > now()",
        hostname
    )
    .fetch_optional(pool)
    .await?;
    row.map(|row| Ok((row.cert_der, sealer.open(&row.sealed_key)?))).transpose()
}

pub async fn delete_challenge(pool: &PgPool, hostname: &str) -> Result<()> {
    sqlx::query!("DELETE FROM acme_challenges WHERE hostname = $1", hostname).execute(pool).await?;
    Ok(())
}

/// Holds the right to order for one hostname until dropped (with its connection) or released.
pub struct OrderLock(PoolConnection<Postgres>);

impl OrderLock {
    /// Takes the hostname's lock unless another replica holds it.
    pub async fn try_take(pool: &PgPool, hostname: &str) -> Result<Option<OrderLock>> {
        let mut connection = pool.acquire().await?;
        let taken = sqlx::query_scalar!(
            r#"SELECT pg_try_advisory_lock(hashtextextended('acme order ' || $1, 0)) AS "taken!""#,
            hostname
        )
        .fetch_one(&mut *connection)
        .await?;
        Ok(taken.then_some(OrderLock(connection)))
    }

    pub async fn release(mut self, hostname: &str) -> Result<()> {
        sqlx::query_scalar!("SELECT pg_advisory_unlock(hashtextextended('acme order ' || $1, 0))", hostname)
            .fetch_one(&mut *self.0)
            .await?;
        Ok(())
    }
}

/// Records an order about to be placed, unless `per_hour` orders were placed in the last
/// hour by all replicas together; answers the order's id.
pub async fn start_order(pool: &PgPool, hostname: &str, replica: &str, per_hour: i64) -> Result<Option<i64>> {
    let mut transaction = pool.begin().await?;
    // Serialises the count and the insert across replicas.
    sqlx::query_scalar!("SELECT pg_advisory_xact_lock(hashtextextended('acme orders', 0))")
        .fetch_one(&mut *transaction)
        .await?;
    let placed = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM acme_orders WHERE placed_at > now() - interval '1 hour'"#
    )
    .fetch_one(&mut *transaction)
    .await?;
    if placed >= per_hour {
        return Ok(None);
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO acme_orders (hostname, replica) VALUES ($1, $2) RETURNING id",
        hostname,
        replica
    )
    .fetch_one(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(Some(id))
}

pub async fn finish_order(pool: &PgPool, id: i64, outcome: &str) -> Result<()> {
    sqlx::query!("UPDATE acme_orders SET finished_at = now(), outcome = $2 WHERE id = $1", id, outcome)
        .execute(pool)
        .await?;
    Ok(())
}

/// A certificate's state, for operators.
#[derive(Debug, Clone)]
pub struct Status {
    pub hostname: String,
    pub not_after: Option<DateTime<Utc>>,
    pub renew_after: Option<DateTime<Utc>>,
    pub failures: i32,
    pub last_error: Option<String>,
    pub retry_after: Option<DateTime<Utc>>,
}

pub async fn overview(pool: &PgPool) -> Result<Vec<Status>> {
    let rows = sqlx::query!(
        "SELECT hostname, not_after, renew_after, failures, last_error, retry_after FROM tls_certificates
         ORDER BY failures DESC, hostname LIMIT 200"
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Status {
            hostname: row.hostname,
            not_after: row.not_after,
            renew_after: row.renew_after,
            failures: row.failures,
            last_error: row.last_error,
            retry_after: row.retry_after,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_keys_open_only_with_their_key() {
        let sealer = Sealer::new(&[7; 32]);
        let sealed = sealer.seal(b"private key");
        assert!(!sealed.windows(11).any(|window| window == b"private key"));
        assert_eq!(sealer.open(&sealed).unwrap(), b"private key");
        assert_ne!(sealer.seal(b"private key"), sealed, "every seal has its own nonce");
        assert!(Sealer::new(&[8; 32]).open(&sealed).is_err());
        assert!(sealer.open(&sealed[..5]).is_err());
    }
}
