//! The addresses of published pages: `{handle}.{BASE_DOMAIN}` per workspace, with the scheme
//! and port the app is reached on.

use crate::config::PublicUrlConfig;

#[derive(Debug, Clone)]
pub struct Sites {
    scheme: String,
    base_domain: String,
    /// `:8080`, or empty for the scheme's default port.
    port: String,
}

impl Sites {
    pub fn new(config: &PublicUrlConfig) -> Sites {
        Sites {
            scheme: config.public_url.scheme().to_owned(),
            base_domain: config.base_domain.trim_end_matches('.').to_ascii_lowercase(),
            port: config.public_url.port().map(|port| format!(":{port}")).unwrap_or_default(),
        }
    }

    /// The page's public address: the workspace's own address, plus the slug unless it is
    /// the workspace's primary page.
    pub fn page_url(&self, handle: &str, slug: Option<&str>) -> String {
        format!("{}://{handle}.{}{}/{}", self.scheme, self.base_domain, self.port, slug.unwrap_or(""))
    }

    /// The workspace handle a `Host` names, when it is one of the workspaces' subdomains.
    pub fn handle_of<'a>(&self, host: &'a str) -> Option<&'a str> {
        let host = host
            .rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(name, _)| name);
        let prefix = host.strip_suffix(self.base_domain.as_str())?.strip_suffix('.')?;
        (!prefix.is_empty() && !prefix.contains('.')).then_some(prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites() -> Sites {
        let config =
            PublicUrlConfig { public_url: "http://localhost:8080".parse().unwrap(), base_domain: "localhost".into() };
        Sites::new(&config)
    }

    #[test]
    fn addresses() {
        assert_eq!(sites().page_url("alice", Some("cv")), "http://alice.localhost:8080/cv");
        assert_eq!(sites().page_url("alice", None), "http://alice.localhost:8080/");
    }

    #[test]
    fn hosts_name_their_workspace() {
        assert_eq!(sites().handle_of("alice.localhost:8080"), Some("alice"));
        assert_eq!(sites().handle_of("alice.localhost"), Some("alice"));
        assert_eq!(sites().handle_of("localhost:8080"), None);
        assert_eq!(sites().handle_of("a.b.localhost"), None);
        assert_eq!(sites().handle_of("evil-localhost"), None);
        assert_eq!(sites().handle_of("127.0.0.1:3000"), None);
    }
}
