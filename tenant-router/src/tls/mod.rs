//! TLS for every name the router serves. A connection's ClientHello is read first; its SNI
//! decides everything before any certificate work: a TLS-ALPN-01 validation gets the challenge
//! answer stored by whichever replica ordered, an unknown or unproven name is refused (no
//! order), a known name gets its certificate from the shared store, and a known name without
//! one starts an order and is refused until the certificate arrives.

mod acme;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use moka::sync::Cache;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::Acceptor;
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use sqlx::PgPool;
use tokio::net::TcpStream;
use tokio_rustls::LazyConfigAcceptor;
use tokio_rustls::server::TlsStream;
use vitrine_core::certificates::{self, Sealer};
use vitrine_core::domains::hostname;

pub use self::acme::Issuer;
use crate::config::TlsConfig;
use crate::hosts::{Hosts, Route};

/// How long a TLS handshake may take before the connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Tls {
    pool: PgPool,
    hosts: Arc<Hosts>,
    sealer: Option<Sealer>,
    /// The configured certificate of the platform's domain and its subdomains.
    platform: Option<Arc<ServerConfig>>,
    /// Server configurations by hostname, from the shared store; `None` caches "no
    /// certificate yet" until the store announces one.
    configs: Cache<String, Option<Arc<ServerConfig>>>,
    issuer: Option<Arc<Issuer>>,
    ordering: Mutex<HashSet<String>>,
}

/// What became of a connection's handshake.
pub enum Handshake {
    /// Established for this (normalised) server name.
    Established(Box<TlsStream<TcpStream>>, String),
    /// Refused, or a validation connection that has been answered.
    Closed,
}

impl Tls {
    pub fn new(
        pool: PgPool,
        hosts: Arc<Hosts>,
        config: &TlsConfig,
        replica: String,
        metrics: &vitrine_core::telemetry::Metrics,
    ) -> anyhow::Result<Arc<Tls>> {
        let platform = match (&config.tls_cert_file, &config.tls_key_file) {
            (Some(cert), Some(key)) => {
                let chain = CertificateDer::pem_file_iter(cert)
                    .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                    .with_context(|| format!("cannot read {} (VITRINE_TLS_CERT_FILE)", cert.display()))?;
                let key = PrivateKeyDer::from_pem_file(key)
                    .with_context(|| format!("cannot read {} (VITRINE_TLS_KEY_FILE)", key.display()))?;
                Some(server_config(chain, key).context("VITRINE_TLS_CERT_FILE and VITRINE_TLS_KEY_FILE do not match")?)
            }
            _ => None,
        };
        let sealer = config.tls_store_key.as_ref().map(|key| Sealer::new(&key.0));
        let issuer = match (&config.acme_directory, &sealer) {
            (Some(directory), Some(sealer)) => {
                Some(Arc::new(Issuer::new(pool.clone(), sealer.clone(), directory, config, replica, metrics)?))
            }
            _ => None,
        };
        Ok(Arc::new(Tls {
            pool,
            hosts,
            sealer,
            platform,
            configs: Cache::builder().max_capacity(100_000).time_to_live(Duration::from_secs(3600)).build(),
            issuer,
            ordering: Mutex::new(HashSet::new()),
        }))
    }

    /// Forgets a certificate another replica replaced, or all of them.
    pub fn forget(&self, hostname: Option<&str>) {
        match hostname {
            Some(hostname) => self.configs.invalidate(hostname),
            None => self.configs.invalidate_all(),
        }
    }

    pub async fn accept(self: &Arc<Self>, stream: TcpStream) -> anyhow::Result<Handshake> {
        tokio::time::timeout(HANDSHAKE_TIMEOUT, self.handshake(stream)).await.context("the TLS handshake timed out")?
    }

    async fn handshake(self: &Arc<Self>, stream: TcpStream) -> anyhow::Result<Handshake> {
        let start = LazyConfigAcceptor::new(Acceptor::default(), stream).await?;
        let hello = start.client_hello();
        let Some(name) = hello.server_name().and_then(hostname::normalize) else {
            return Ok(Handshake::Closed);
        };
        if rustls_acme::is_tls_alpn_challenge(&hello) {
            if let Some(config) = self.challenge_config(&name).await? {
                // The validator only needs the handshake; nothing is served on it.
                start.into_stream(config).await?;
            }
            return Ok(Handshake::Closed);
        }
        let route = self.hosts.route(&name).await?;
        if !route.may_have_certificate() {
            return Ok(Handshake::Closed);
        }
        match self.config_for(&name, &route).await? {
            Some(config) => Ok(Handshake::Established(Box::new(start.into_stream(config).await?), name)),
            None => {
                self.order(name);
                Ok(Handshake::Closed)
            }
        }
    }

    async fn config_for(&self, name: &str, route: &Route) -> anyhow::Result<Option<Arc<ServerConfig>>> {
        if let (Some(platform), Route::App | Route::Workspace) = (&self.platform, route) {
            return Ok(Some(platform.clone()));
        }
        let Some(sealer) = &self.sealer else { return Ok(None) };
        if let Some(found) = self.configs.get(name) {
            return Ok(found);
        }
        let config = match certificates::certificate(&self.pool, sealer, name).await? {
            Some(stored) => {
                let chain =
                    CertificateDer::pem_slice_iter(stored.chain_pem.as_bytes()).collect::<Result<Vec<_>, _>>()?;
                let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(stored.key_der));
                Some(server_config(chain, key)?)
            }
            None => None,
        };
        self.configs.insert(name.to_owned(), config.clone());
        Ok(config)
    }

    async fn challenge_config(&self, name: &str) -> anyhow::Result<Option<Arc<ServerConfig>>> {
        let Some(sealer) = &self.sealer else { return Ok(None) };
        let Some((cert, key)) = certificates::challenge(&self.pool, sealer, name).await? else { return Ok(None) };
        // Not `with_single_cert`: it parses the certificate, and the parser refuses the
        // critical acmeIdentifier extension this certificate exists to carry.
        let key = rustls::crypto::ring::sign::any_ecdsa_type(&PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)))?;
        let certified = CertifiedKey::new(vec![CertificateDer::from(cert)], key);
        let mut config = ServerConfig::builder()
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(SingleCertAndKey::from(certified)));
        config.alpn_protocols = vec![rustls_acme::acme::ACME_TLS_ALPN_NAME.to_vec()];
        Ok(Some(Arc::new(config)))
    }

    /// Starts an order for `name` in the background, once per replica at a time.
    fn order(self: &Arc<Self>, name: String) {
        let Some(issuer) = self.issuer.clone() else { return };
        if !self.ordering.lock().expect("the ordering set is never poisoned").insert(name.clone()) {
            return;
        }
        let tls = self.clone();
        tokio::spawn(async move {
            issuer.obtain(&name).await;
            tls.ordering.lock().expect("the ordering set is never poisoned").remove(&name);
        });
    }

    /// Renews certificates due for it and retries failed orders whose back-off ran out, on
    /// every replica (the per-name lock lets one order); names no longer ours are forgotten.
    pub fn renew_periodically(self: &Arc<Self>, every: Duration) {
        let Some(issuer) = self.issuer.clone() else { return };
        let tls = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let due = match certificates::due(&tls.pool, chrono::Utc::now()).await {
                    Ok(due) => due,
                    Err(error) => {
                        tracing::warn!(%error, "cannot read certificates due for renewal");
                        continue;
                    }
                };
                for name in due {
                    match tls.hosts.route(&name).await {
                        Ok(route) if route.may_have_certificate() => issuer.obtain(&name).await,
                        Ok(_) => {
                            if let Err(error) = certificates::forget(&tls.pool, &name).await {
                                tracing::warn!(%error, name, "cannot forget a certificate");
                            }
                        }
                        Err(error) => tracing::warn!(%error, name, "cannot route a name due for renewal"),
                    }
                }
            }
        });
    }
}

fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> anyhow::Result<Arc<ServerConfig>> {
    let mut config = ServerConfig::builder().with_no_client_auth().with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
