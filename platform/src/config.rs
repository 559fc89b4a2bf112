//! The platform's configuration, from `VITRINE_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use ipnet::IpNet;
use vitrine_core::config::{
    AiConfig, DatabaseConfig, DomainsConfig, LogConfig, PublicUrlConfig, Secret, parse_http_url, parse_secret,
};

#[derive(Clone, Debug, clap::Args)]
pub struct PlatformConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,

    #[command(flatten)]
    pub log: LogConfig,

    #[command(flatten)]
    pub public: PublicUrlConfig,

    #[command(flatten)]
    pub media: vitrine_core::media::MediaConfig,

    #[command(flatten)]
    pub stats: vitrine_core::stats::StatsConfig,

    /// Address the platform listens on (the router forwards to it)
    #[arg(long, env = "VITRINE_PLATFORM_ADDR", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Folder of the built frontend, served under /app
    #[arg(long, env = "VITRINE_FRONTEND_DIR", default_value = "frontend/dist")]
    pub frontend_dir: PathBuf,

    /// Peers whose X-Forwarded-* headers are believed (the router's addresses), comma-separated
    #[arg(long, env = "VITRINE_TRUSTED_PROXIES", value_delimiter = ',', default_value = "127.0.0.1/32,::1/128")]
    pub trusted_proxies: Vec<IpNet>,

    /// Key that signs the cookies unlocking password-protected pages (at least 32 characters;
    /// the same on every replica). Without it a random key is made at start-up, so unlocked
    /// pages lock again on restart
    #[arg(long, env = "VITRINE_SECRET_KEY", hide_env_values = true, value_parser = parse_secret)]
    pub secret_key: Option<Secret>,

    /// Key the router signs the tenant of a custom domain with (at least 32 characters, the
    /// router's VITRINE_ROUTER_SECRET). Without it custom domains are not served
    #[arg(long, env = "VITRINE_ROUTER_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub router_secret: Option<Secret>,

    #[command(flatten)]
    pub domains: DomainsConfig,

    #[command(flatten)]
    pub ai: AiConfig,

    #[command(flatten)]
    pub google: GoogleConfig,

    #[command(flatten)]
    pub linkedin: LinkedinConfig,
}

/// Sign-in with Google. Without a client id the button is hidden and the endpoints answer 404.
#[derive(Clone, Debug, clap::Args)]
pub struct GoogleConfig {
    /// OpenID issuer for "Sign in with Google"
    #[arg(long, env = "VITRINE_GOOGLE_ISSUER_URL", default_value = "https://accounts.google.com",
          value_parser = parse_http_url)]
    pub google_issuer_url: url::Url,

    /// OAuth client id of the Google app (enables Google sign-in)
    #[arg(long, env = "VITRINE_GOOGLE_CLIENT_ID", requires = "google_client_secret")]
    pub google_client_id: Option<String>,

    /// OAuth client secret of the Google app
    #[arg(long, env = "VITRINE_GOOGLE_CLIENT_SECRET", hide_env_values = true, requires = "google_client_id")]
    pub google_client_secret: Option<Secret>,
}

/// Sign-in with LinkedIn (OpenID Connect). Without a client id the button is hidden and the
/// endpoints answer 404.
#[derive(Clone, Debug, clap::Args)]
pub struct LinkedinConfig {
    /// OpenID issuer for "Sign in with LinkedIn"
    #[arg(long, env = "VITRINE_LINKEDIN_ISSUER_URL", default_value = "https://www.linkedin.com/oauth",
          value_parser = parse_http_url)]
    pub linkedin_issuer_url: url::Url,

    /// Client id of the LinkedIn app (enables LinkedIn sign-in)
    #[arg(long, env = "VITRINE_LINKEDIN_CLIENT_ID", requires = "linkedin_client_secret")]
    pub linkedin_client_id: Option<String>,

    /// Client secret of the LinkedIn app
    #[arg(long, env = "VITRINE_LINKEDIN_CLIENT_SECRET", hide_env_values = true, requires = "linkedin_client_id")]
    pub linkedin_client_secret: Option<Secret>,
}
