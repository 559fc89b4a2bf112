//! Orders certificates with rustls-acme's ACME client, one name per order, answering
//! TLS-ALPN-01. Everything an order needs to be shared lives in Postgres: the account key,
//! the challenge answer (so any replica answers the validator) and the certificate.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use rcgen::{CertificateParams, CustomExtension, KeyPair, PKCS_ECDSA_P256_SHA256};
use ring::signature::KeyPair as _;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};
use rustls_acme::acme::{Account, AuthStatus, ChallengeType, Directory, OrderStatus};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use vitrine_core::certificates::{self, OrderLock, Sealer};

use crate::config::TlsConfig;

/// An order that takes longer than this is abandoned (and retried after its back-off).
const ORDER_TIMEOUT: Duration = Duration::from_secs(120);
/// Pause between polls of an order's state.
const POLL: Duration = Duration::from_millis(500);

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OrderLabels {
    outcome: &'static str,
}

pub struct Issuer {
    pool: PgPool,
    sealer: Sealer,
    directory_url: String,
    client: Arc<ClientConfig>,
    contact: Vec<String>,
    per_hour: i64,
    replica: String,
    orders: Family<OrderLabels, Counter>,
}

impl Issuer {
    pub fn new(
        pool: PgPool,
        sealer: Sealer,
        directory: &url::Url,
        config: &TlsConfig,
        replica: String,
        metrics: &vitrine_core::telemetry::Metrics,
    ) -> anyhow::Result<Issuer> {
        let mut roots = RootCertStore::empty();
        match &config.acme_ca_file {
            Some(path) => {
                for cert in CertificateDer::pem_file_iter(path)
                    .with_context(|| format!("cannot read {} (VITRINE_ACME_CA_FILE)", path.display()))?
                {
                    roots.add(cert.with_context(|| format!("{} holds no certificate", path.display()))?)?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        let client = Arc::new(ClientConfig::builder().with_root_certificates(roots).with_no_client_auth());
        let orders = Family::<OrderLabels, Counter>::default();
        metrics.register("acme_orders", "ACME orders by outcome (issued, failed, limited)", orders.clone());
        Ok(Issuer {
            pool,
            sealer,
            directory_url: directory.to_string(),
            client,
            contact: config.acme_email.iter().map(|email| format!("mailto:{email}")).collect(),
            per_hour: config.acme_orders_per_hour,
            replica,
            orders,
        })
    }

    /// Gets a certificate for `name` unless another replica is at it, a failure's back-off
    /// runs, or the hourly limit is reached. Failures are recorded, not returned.
    pub async fn obtain(&self, name: &str) {
        if let Err(error) = self.try_obtain(name).await {
            tracing::warn!(name, error = format!("{error:#}"), "could not order a certificate");
        }
    }

    async fn try_obtain(&self, name: &str) -> anyhow::Result<()> {
        if !certificates::may_order(&self.pool, name, Utc::now()).await? {
            return Ok(());
        }
        let Some(lock) = OrderLock::try_take(&self.pool, name).await? else { return Ok(()) };
        let outcome = self.order_locked(name).await;
        certificates::delete_challenge(&self.pool, name).await?;
        lock.release(name).await?;
        outcome
    }

    async fn order_locked(&self, name: &str) -> anyhow::Result<()> {
        // Another replica may have finished while this one waited for the lock.
        if certificates::is_current(&self.pool, name, Utc::now()).await? {
            return Ok(());
        }
        let Some(order) = certificates::start_order(&self.pool, name, &self.replica, self.per_hour).await? else {
            self.orders.get_or_create(&OrderLabels { outcome: "limited" }).inc();
            bail!("the limit of {} orders per hour is reached", self.per_hour);
        };
        tracing::info!(name, "ordering a certificate");
        let result = match tokio::time::timeout(ORDER_TIMEOUT, self.issue(name)).await {
            Ok(result) => result,
            Err(_) => Err(anyhow::anyhow!("the order took longer than {} s", ORDER_TIMEOUT.as_secs())),
        };
        match &result {
            Ok(()) => {
                self.orders.get_or_create(&OrderLabels { outcome: "issued" }).inc();
                certificates::finish_order(&self.pool, order, "issued").await?;
                tracing::info!(name, "certificate issued");
            }
            Err(error) => {
                self.orders.get_or_create(&OrderLabels { outcome: "failed" }).inc();
                let message = format!("{error:#}");
                certificates::finish_order(&self.pool, order, &format!("failed: {message}")).await?;
                let retry = certificates::record_failure(&self.pool, name, &message, Utc::now()).await?;
                tracing::warn!(name, error = message, %retry, "the certificate order failed");
            }
        }
        result
    }

    async fn issue(&self, name: &str) -> anyhow::Result<()> {
        let client = &self.client;
        let directory = Directory::discover(client, &self.directory_url).await.context("reading the ACME directory")?;
        let key = certificates::account_key(&self.pool, &self.sealer, &self.directory_url, Account::generate_key_pair)
            .await?;
        let account = Account::create_with_keypair(client, directory, &self.contact, &key)
            .await
            .context("opening the ACME account")?;
        let (order_url, mut order) =
            account.new_order(client, vec![name.to_owned()]).await.context("placing the order")?;
        let mut answered = HashSet::new();
        let mut certificate_key: Option<KeyPair> = None;
        loop {
            match &order.status {
                OrderStatus::Pending => {
                    for url in &order.authorizations {
                        let auth = account.auth(client, url).await.context("reading an authorization")?;
                        match auth.status {
                            AuthStatus::Pending if !answered.contains(url) => {
                                let challenge = auth
                                    .challenges
                                    .iter()
                                    .find(|challenge| challenge.typ == ChallengeType::TlsAlpn01)
                                    .context("the CA offers no TLS-ALPN-01 challenge")?;
                                self.store_answer(&account, name, &challenge.token).await?;
                                account.challenge(client, &challenge.url).await.context("answering the challenge")?;
                                answered.insert(url.clone());
                            }
                            AuthStatus::Invalid => {
                                let detail = auth
                                    .challenges
                                    .iter()
                                    .filter_map(|challenge| challenge.error.as_ref()?.detail.clone())
                                    .collect::<Vec<_>>()
                                    .join("; ");
                                bail!("the CA could not validate {name}: {detail}");
                            }
                            _ => {}
                        }
                    }
                }
                OrderStatus::Ready => {
                    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
                    let csr = CertificateParams::new(vec![name.to_owned()])?.serialize_request(&key)?;
                    order = account.finalize(client, &order.finalize, csr.der()).await.context("finalizing")?;
                    certificate_key = Some(key);
                    continue;
                }
                OrderStatus::Valid { certificate } => {
                    let key = certificate_key.as_ref().context("the order was valid before its key was made")?;
                    return self.save(&account, name, certificate, key).await;
                }
                OrderStatus::Invalid => {
                    let detail = order.error.as_ref().and_then(|problem| problem.detail.clone()).unwrap_or_default();
                    bail!("the CA refused the order: {detail}");
                }
                OrderStatus::Processing => {}
            }
            tokio::time::sleep(POLL).await;
            order = account.order(client, &order_url).await.context("polling the order")?;
        }
    }

    /// Stores the TLS-ALPN-01 answer: a self-signed certificate for `name` carrying the
    /// digest of the key authorisation, which every replica can serve.
    async fn store_answer(&self, account: &Account, name: &str, token: &str) -> anyhow::Result<()> {
        let digest = Sha256::digest(format!("{token}.{}", thumbprint(account)).as_bytes());
        let mut params = CertificateParams::new(vec![name.to_owned()])?;
        params.custom_extensions = vec![CustomExtension::new_acme_identifier(&digest)];
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let cert = params.self_signed(&key)?;
        let expires = Utc::now() + chrono::Duration::seconds(ORDER_TIMEOUT.as_secs() as i64 * 2);
        certificates::save_challenge(&self.pool, &self.sealer, name, cert.der(), &key.serialize_der(), expires).await?;
        Ok(())
    }

    async fn save(&self, account: &Account, name: &str, certificate_url: &str, key: &KeyPair) -> anyhow::Result<()> {
        let chain = account.certificate(&self.client, certificate_url).await.context("downloading the certificate")?;
        let leaf = CertificateDer::pem_slice_iter(chain.as_bytes())
            .next()
            .context("the CA sent no certificate")?
            .context("the CA sent an unreadable certificate")?;
        let (not_before, not_after) = validity(&leaf)?;
        certificates::save_certificate(
            &self.pool,
            &self.sealer,
            name,
            &chain,
            &key.serialize_der(),
            not_before,
            not_after,
        )
        .await?;
        Ok(())
    }
}

/// The account key's JWK thumbprint (RFC 7638), which key authorisations end with.
fn thumbprint(account: &Account) -> String {
    let point = account.key_pair.public_key().as_ref();
    let (x, y) = point[1..].split_at(32);
    let jwk = format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(x),
        URL_SAFE_NO_PAD.encode(y)
    );
    URL_SAFE_NO_PAD.encode(Sha256::digest(jwk.as_bytes()))
}

fn validity(der: &CertificateDer<'_>) -> anyhow::Result<(DateTime<Utc>, DateTime<Utc>)> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).context("reading the issued certificate")?;
    let at = |time: x509_parser::time::ASN1Time| {
        DateTime::from_timestamp(time.timestamp(), 0).context("a date out of range")
    };
    Ok((at(cert.validity().not_before)?, at(cert.validity().not_after)?))
}
