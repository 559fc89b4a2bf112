//! The addresses of published pages: `{handle}.{BASE_DOMAIN}` per workspace, with the scheme
//! and port the app is reached on.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::config::PublicUrlConfig;

/// The header in which the router names the site of a custom domain.
pub const SITE_HEADER: &str = "x-vitrine-site";

/// Signs and checks the site header: the router and the platform share the key, so a client
/// cannot name a site itself, and the host is signed too, so a header seen on one domain means
/// nothing on another.
#[derive(Clone)]
pub struct SiteSeal(Vec<u8>);

impl SiteSeal {
    pub fn new(key: &str) -> SiteSeal {
        SiteSeal(key.as_bytes().to_vec())
    }

    fn mac(&self, handle: &str, portfolio: Uuid, host: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        for part in [handle.as_bytes(), portfolio.as_bytes(), host.as_bytes()] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// The header value naming the workspace `handle`, landing on `portfolio`, for `host`.
    pub fn seal(&self, handle: &str, portfolio: Uuid, host: &str) -> String {
        let tag = self.mac(handle, portfolio, host).finalize().into_bytes();
        let hex: String = tag.iter().map(|byte| format!("{byte:02x}")).collect();
        format!("{handle} {portfolio} {hex}")
    }

    /// The handle and landing portfolio, when the value was sealed for `host`.
    pub fn open(&self, value: &str, host: &str) -> Option<(String, Uuid)> {
        let mut parts = value.split(' ');
        let (handle, portfolio, hex) = (parts.next()?, parts.next()?, parts.next()?);
        let portfolio: Uuid = portfolio.parse().ok()?;
        if parts.next().is_some() || hex.len() != 64 {
            return None;
        }
        let tag =
            (0..32).map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()).collect::<Option<Vec<u8>>>()?;
        self.mac(handle, portfolio, host).verify_slice(&tag).ok()?;
        Some((handle.to_owned(), portfolio))
    }
}

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

    pub fn base_domain(&self) -> &str {
        &self.base_domain
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
        crate::domains::hostname::label_under(host, &self.base_domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_headers_hold_only_under_the_key_and_for_their_host() {
        let seal = SiteSeal::new("a key of at least thirty-two characters");
        let portfolio = Uuid::new_v4();
        let value = seal.seal("alice", portfolio, "alice.dev");
        assert_eq!(seal.open(&value, "alice.dev"), Some(("alice".to_owned(), portfolio)));
        assert_eq!(seal.open(&value, "bob.dev"), None);
        assert_eq!(SiteSeal::new("another key of thirty-two characters").open(&value, "alice.dev"), None);
        let forged = value.replacen("alice", "bob", 1);
        assert_eq!(seal.open(&forged, "alice.dev"), None);
        assert_eq!(seal.open("alice", "alice.dev"), None);
        assert_eq!(seal.open(&format!("{value} x"), "alice.dev"), None);
    }

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
