//! The router's configuration, from `VITRINE_*` environment variables.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;
use vitrine_core::config::{DatabaseConfig, LogConfig, Secret, parse_duration, parse_http_url, parse_secret};

/// Vitrine's edge: routes every public request by its host to the platform, with TLS.
#[derive(Clone, Debug, clap::Parser)]
#[command(name = "tenant-router", version)]
pub struct RouterConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,

    #[command(flatten)]
    pub log: LogConfig,

    /// The platform's domain: the app there, workspaces at its subdomains
    #[arg(long, env = "VITRINE_BASE_DOMAIN", default_value = "localhost")]
    pub base_domain: String,

    /// Public HTTP port (it redirects to HTTPS when TLS is on)
    #[arg(long, env = "VITRINE_HTTP_PORT", default_value_t = 8080)]
    pub http_port: u16,

    /// Public HTTPS port; TLS is on when it is set
    #[arg(long, env = "VITRINE_HTTPS_PORT")]
    pub https_port: Option<u16>,

    /// Address to take public traffic on (0.0.0.0 or :: to serve other machines)
    #[arg(long, env = "VITRINE_HTTP_HOST", default_value = "127.0.0.1")]
    pub http_host: IpAddr,

    /// Where the platform replicas listen, comma-separated
    #[arg(long, env = "VITRINE_PLATFORM_URL", value_delimiter = ',', default_value = "http://127.0.0.1:3000",
          value_parser = parse_http_url)]
    pub platform_url: Vec<url::Url>,

    /// Address for /healthz, /readyz and /metrics (kept off the public port)
    #[arg(long, env = "VITRINE_ROUTER_ADMIN_ADDR", default_value = "127.0.0.1:3002")]
    pub admin_listen: SocketAddr,

    /// Signs the tenant of a custom domain for the platform (at least 32 characters, the
    /// platform's VITRINE_ROUTER_SECRET)
    #[arg(long, env = "VITRINE_ROUTER_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub router_secret: Secret,

    /// Load balancers in front of the router (CIDRs, comma-separated) whose X-Forwarded-For
    /// is believed; nobody's by default
    #[arg(long, env = "VITRINE_ROUTER_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpNet>,

    /// Largest request body forwarded, in bytes
    #[arg(long, env = "VITRINE_MAX_BODY_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_body_bytes: u64,

    /// How long the platform may take to start answering
    #[arg(long, env = "VITRINE_UPSTREAM_TIMEOUT", default_value = "60s", value_parser = parse_duration)]
    pub upstream_timeout: Duration,

    /// Name of this replica in the order log (default: host and pid)
    #[arg(long, env = "VITRINE_REPLICA_NAME")]
    pub replica_name: Option<String>,

    #[command(flatten)]
    pub tls: TlsConfig,
}

#[derive(Clone, Debug, clap::Args)]
pub struct TlsConfig {
    /// Certificate chain (PEM) for the platform's domain and its subdomains; without it they
    /// get certificates from ACME like custom domains
    #[arg(long, env = "VITRINE_TLS_CERT_FILE", requires = "tls_key_file")]
    pub tls_cert_file: Option<PathBuf>,

    /// The private key (PEM) of VITRINE_TLS_CERT_FILE
    #[arg(long, env = "VITRINE_TLS_KEY_FILE", requires = "tls_cert_file")]
    pub tls_key_file: Option<PathBuf>,

    /// ACME directory URL (Let's Encrypt: https://acme-v02.api.letsencrypt.org/directory)
    #[arg(long, env = "VITRINE_ACME_DIRECTORY", value_parser = parse_http_url, requires = "tls_store_key")]
    pub acme_directory: Option<url::Url>,

    /// A CA certificate (PEM) to trust for the ACME directory instead of the public roots
    #[arg(long, env = "VITRINE_ACME_CA_FILE")]
    pub acme_ca_file: Option<PathBuf>,

    /// Contact email for the ACME account
    #[arg(long, env = "VITRINE_ACME_EMAIL")]
    pub acme_email: Option<String>,

    /// Most ACME orders per hour, all replicas together
    #[arg(long, env = "VITRINE_ACME_ORDERS_PER_HOUR", default_value_t = 30)]
    pub acme_orders_per_hour: i64,

    /// How often each replica looks for certificates due for renewal (or a retry)
    #[arg(long, env = "VITRINE_ACME_RENEWAL_CHECK", default_value = "60s", value_parser = parse_duration)]
    pub acme_renewal_check: Duration,

    /// Seals private keys in the database: 32 bytes as 64 hex digits, the same on every replica
    #[arg(long, env = "VITRINE_TLS_STORE_KEY", hide_env_values = true, value_parser = parse_store_key)]
    pub tls_store_key: Option<StoreKey>,
}

#[derive(Clone)]
pub struct StoreKey(pub [u8; 32]);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("StoreKey(…)")
    }
}

fn parse_store_key(value: &str) -> Result<StoreKey, String> {
    let value = value.trim();
    if value.len() != 64 {
        return Err("must be 64 hex digits (32 bytes), as `openssl rand -hex 32` prints".into());
    }
    let mut key = [0u8; 32];
    for (index, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&value[index * 2..index * 2 + 2], 16)
            .map_err(|_| "must be 64 hex digits (32 bytes), as `openssl rand -hex 32` prints".to_owned())?;
    }
    Ok(StoreKey(key))
}

impl RouterConfig {
    pub fn public_listen(&self) -> SocketAddr {
        SocketAddr::new(self.http_host, self.http_port)
    }

    pub fn replica(&self) -> String {
        self.replica_name.clone().unwrap_or_else(|| {
            let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
            format!("{}-{}", host.trim(), std::process::id())
        })
    }
}
