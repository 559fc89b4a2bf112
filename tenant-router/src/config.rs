//! The router's configuration, from `VITRINE_*` environment variables.

use std::net::{IpAddr, SocketAddr};

use vitrine_core::config::{DatabaseConfig, LogConfig, parse_http_url};

/// Vitrine's edge: takes every public request and forwards it to the platform.
#[derive(Clone, Debug, clap::Parser)]
#[command(name = "tenant-router", version)]
pub struct RouterConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,

    #[command(flatten)]
    pub log: LogConfig,

    /// Public HTTP port
    #[arg(long, env = "VITRINE_HTTP_PORT", default_value_t = 8080)]
    pub http_port: u16,

    /// Address to take public traffic on (0.0.0.0 or :: to serve other machines)
    #[arg(long, env = "VITRINE_HTTP_HOST", default_value = "127.0.0.1")]
    pub http_host: IpAddr,

    /// Where the platform listens
    #[arg(long, env = "VITRINE_PLATFORM_URL", default_value = "http://127.0.0.1:3000", value_parser = parse_http_url)]
    pub platform_url: url::Url,

    /// Address for /healthz, /readyz and /metrics (kept off the public port)
    #[arg(long, env = "VITRINE_ROUTER_ADMIN_ADDR", default_value = "127.0.0.1:3002")]
    pub admin_listen: SocketAddr,
}

impl RouterConfig {
    pub fn public_listen(&self) -> SocketAddr {
        SocketAddr::new(self.http_host, self.http_port)
    }
}
