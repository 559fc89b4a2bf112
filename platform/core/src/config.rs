//! Configuration pieces shared by the binaries. Everything comes from `VITRINE_*` environment
//! variables (flags exist too, for `--help` and one-off overrides), validated before anything
//! starts, with a message naming the variable at fault.

use std::fmt;
use std::str::FromStr;

/// Parses the binary's configuration, or prints which variable is wrong and exits.
pub fn parse<T: clap::Parser>() -> T {
    let mut command = T::command();
    let matches = command
        .try_get_matches_from_mut(std::env::args_os())
        .unwrap_or_else(|error| exit_naming_variable(&command, error));
    T::from_arg_matches(&matches).unwrap_or_else(|error| exit_naming_variable(&command, error))
}

fn exit_naming_variable(command: &clap::Command, error: clap::Error) -> ! {
    use clap::error::{ContextKind, ContextValue};
    let offending = match error.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => Some(arg.clone()),
        _ => None,
    };
    let variable = offending.as_deref().and_then(|arg| find_env_of(command, arg));
    match variable {
        Some(variable) => {
            let reason = error.kind();
            let value = match error.get(ContextKind::InvalidValue) {
                Some(ContextValue::String(value)) => format!(" {value:?}"),
                _ => String::new(),
            };
            let detail = error.to_string();
            let detail = detail.lines().next().unwrap_or_default().trim_start_matches("error: ");
            eprintln!("configuration error: {variable}{value} is not valid ({reason}): {detail}");
            std::process::exit(2);
        }
        None => error.exit(),
    }
}

/// Finds the environment variable behind a rendered argument such as `--http-port <PORT>`,
/// looking through subcommands too.
fn find_env_of(command: &clap::Command, rendered: &str) -> Option<String> {
    let long = rendered.split_whitespace().next()?.trim_start_matches("--");
    for argument in command.get_arguments() {
        if argument.get_long() == Some(long) || argument.get_id().as_str() == long {
            return argument.get_env().map(|env| env.to_string_lossy().into_owned());
        }
    }
    command.get_subcommands().find_map(|sub| find_env_of(sub, rendered))
}

/// A value that must never be printed: `Debug` and `Display` hide it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret(…)")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Secret(value.to_owned()))
    }
}

/// The connection URL is parsed at start-up so a typo fails there and not at first query.
#[derive(Clone)]
pub struct DatabaseUrl(Secret);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match url::Url::parse(self.expose()) {
            Ok(mut url) => {
                let _ = url.set_password(url.password().map(|_| "…"));
                write!(formatter, "{url}")
            }
            Err(_) => formatter.write_str("DatabaseUrl(…)"),
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let url = url::Url::parse(value).map_err(|error| format!("not a URL: {error}"))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err("must start with postgres://".into());
        }
        Ok(DatabaseUrl(Secret::new(value)))
    }
}

#[derive(Clone, Debug, clap::Args)]
pub struct DatabaseConfig {
    /// PostgreSQL connection URL
    #[arg(
        long = "database-url",
        env = "VITRINE_DATABASE_URL",
        default_value = "postgres://vitrine:vitrine@127.0.0.1/vitrine",
        hide_env_values = true
    )]
    pub url: DatabaseUrl,

    /// Most connections this process opens to PostgreSQL
    #[arg(long, env = "VITRINE_DATABASE_MAX_CONNECTIONS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub database_max_connections: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Clone, Debug, clap::Args)]
pub struct LogConfig {
    /// Log filter, in tracing's EnvFilter syntax (for example `info,sqlx=warn`)
    #[arg(long = "log", env = "VITRINE_LOG", default_value = "info,sqlx=warn")]
    pub filter: String,

    /// `json` for machines, `pretty` for a terminal
    #[arg(long, env = "VITRINE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Json)]
    pub log_format: LogFormat,
}

/// The address people reach the product at (through the router), used in emailed links and
/// to decide whether cookies get `Secure`.
#[derive(Clone, Debug, clap::Args)]
pub struct PublicUrlConfig {
    /// Public base URL of the app, as users reach it
    #[arg(long, env = "VITRINE_PUBLIC_URL", default_value = "http://localhost:8080",
          value_parser = parse_http_url)]
    pub public_url: url::Url,

    /// The domain under which workspaces get their subdomains
    #[arg(long, env = "VITRINE_BASE_DOMAIN", default_value = "localhost")]
    pub base_domain: String,
}

pub fn parse_http_url(value: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(value).map_err(|error| format!("not a URL: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("must be an http:// or https:// URL with a host".into());
    }
    Ok(url)
}

/// A duration written as seconds with a unit: `90s`, `10m`, `1h`, `1d`.
pub fn parse_duration(value: &str) -> Result<std::time::Duration, String> {
    let value = value.trim();
    let split = value.find(|c: char| !c.is_ascii_digit()).unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: u64 = number.parse().map_err(|_| "expected a number and a unit, like 10m".to_owned())?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err("the unit must be s, m, h or d (like 10m)".into()),
    };
    if number == 0 {
        return Err("must be more than zero".into());
    }
    Ok(std::time::Duration::from_secs(number * seconds))
}

#[cfg(test)]
mod duration_tests {
    use super::parse_duration;

    #[test]
    fn durations_read_with_their_unit() {
        assert_eq!(parse_duration("10m").unwrap().as_secs(), 600);
        assert_eq!(parse_duration("90s").unwrap().as_secs(), 90);
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("0m").is_err());
        assert!(parse_duration("m").is_err());
    }
}

/// How custom domains are checked and where they must point.
#[derive(Clone, Debug, clap::Args)]
pub struct DomainsConfig {
    /// DNS servers that checks ask (`ip:port`, comma-separated): public resolvers see what
    /// certificate authorities see
    #[arg(long, env = "VITRINE_DNS_SERVERS", value_delimiter = ',', default_value = "1.1.1.1:53,8.8.8.8:53")]
    pub dns_servers: Vec<std::net::SocketAddr>,

    /// The name tenants point a CNAME at
    #[arg(long, env = "VITRINE_EDGE_HOSTNAME", default_value = "edge.localhost")]
    pub edge_hostname: String,

    /// The edge's addresses, for A/AAAA records at a domain's apex (comma-separated)
    #[arg(long, env = "VITRINE_EDGE_ADDRESSES", value_delimiter = ',', default_value = "127.0.0.1")]
    pub edge_addresses: Vec<std::net::IpAddr>,
}

/// A key shared by replicas or binaries: long enough not to be guessed.
pub fn parse_secret(value: &str) -> Result<Secret, String> {
    if value.chars().count() < 32 {
        return Err("must be at least 32 characters".into());
    }
    Ok(Secret::new(value))
}

/// The AI provider: any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama,
/// llama.cpp's server). Without a base URL the AI features explain how to turn them on.
#[derive(Clone, Debug, clap::Args)]
pub struct AiConfig {
    /// Base URL of the API, such as https://api.openai.com/v1 or http://127.0.0.1:11434/v1
    #[arg(long, env = "VITRINE_AI_BASE_URL", value_parser = parse_http_url)]
    pub ai_base_url: Option<url::Url>,

    /// The provider's API key (local servers need none)
    #[arg(long, env = "VITRINE_AI_API_KEY", hide_env_values = true)]
    pub ai_api_key: Option<Secret>,

    /// The model asked
    #[arg(long, env = "VITRINE_AI_MODEL", default_value = "gpt-4o-mini")]
    pub ai_model: String,

    /// How long one answer may take, retries included
    #[arg(long, env = "VITRINE_AI_TIMEOUT", default_value = "90s", value_parser = parse_duration)]
    pub ai_timeout: std::time::Duration,

    /// AI requests a workspace may make per day
    #[arg(long, env = "VITRINE_AI_DAILY_REQUESTS", default_value_t = 50)]
    pub ai_daily_requests: i32,
}
