//! What DNS says about a custom domain: does `_vitrine.{hostname}` hold the domain's token,
//! and does the name lead to the edge (a CNAME to the edge hostname, or A/AAAA records among
//! the edge's addresses)?

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::{Resolver, TokioResolver};

use crate::config::DomainsConfig;

/// The TXT record's name for a hostname.
pub fn txt_name(hostname: &str) -> String {
    format!("_vitrine.{hostname}")
}

/// What one check found, in words the owner can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub owned: bool,
    pub points_here: bool,
    pub words: String,
}

#[derive(Clone)]
pub struct Checker {
    resolver: TokioResolver,
    edge_hostname: String,
    edge_addresses: Vec<IpAddr>,
}

impl Checker {
    pub fn new(config: &DomainsConfig) -> Checker {
        let servers = config
            .dns_servers
            .iter()
            .map(|server| {
                let mut name_server = NameServerConfig::udp_and_tcp(server.ip());
                for connection in &mut name_server.connections {
                    connection.port = server.port();
                }
                name_server
            })
            .collect::<Vec<_>>();
        let mut options = ResolverOpts::default();
        options.timeout = Duration::from_secs(5);
        options.attempts = 2;
        // Owners fix a record and press "check now": an answer cached from a minute ago
        // would tell them it is still wrong.
        options.cache_size = 0;
        let resolver =
            Resolver::builder_with_config(ResolverConfig::from_name_servers(servers), TokioRuntimeProvider::default())
                .with_options(options)
                .build()
                .expect("a resolver with explicit name servers builds");
        Checker {
            resolver,
            edge_hostname: config.edge_hostname.trim_end_matches('.').to_ascii_lowercase(),
            edge_addresses: config.edge_addresses.clone(),
        }
    }

    pub fn edge_hostname(&self) -> &str {
        &self.edge_hostname
    }

    pub fn edge_addresses(&self) -> &[IpAddr] {
        &self.edge_addresses
    }

    pub async fn check(&self, hostname: &str, token: &str) -> Finding {
        let txt_name = txt_name(hostname);
        let (texts, text_error) = match self.resolver.txt_lookup(format!("{txt_name}.")).await {
            Ok(lookup) => (
                lookup
                    .answers()
                    .iter()
                    .filter_map(|record| match &record.data {
                        RData::TXT(txt) => {
                            Some(txt.txt_data.iter().map(|part| String::from_utf8_lossy(part)).collect::<String>())
                        }
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
                None,
            ),
            Err(error) if error.is_no_records_found() || error.is_nx_domain() => (Vec::new(), None),
            Err(error) => (Vec::new(), Some(error.to_string())),
        };
        let owned = texts.iter().any(|text| text.trim() == token);
        let addresses = self.addresses_of(hostname).await;
        let edge = self.edge_targets().await;
        let points_here = match &addresses {
            Ok(found) => !found.is_empty() && found.is_subset(&edge),
            Err(_) => false,
        };
        let mut words = Vec::new();
        match (&text_error, owned, texts.is_empty()) {
            (Some(error), _, _) => words.push(format!("The TXT record {txt_name} could not be read: {error}.")),
            (None, true, _) => words.push(format!("The TXT record {txt_name} holds the token.")),
            (None, false, true) => words.push(format!("No TXT record {txt_name} was found yet.")),
            (None, false, false) => {
                words.push(format!("The TXT record {txt_name} exists but does not hold this domain's token."))
            }
        }
        match (&addresses, points_here) {
            (_, true) => words.push(format!("{hostname} leads to {}.", self.edge_hostname)),
            (Ok(found), false) if found.is_empty() => {
                words.push(format!("{hostname} has no address yet: add the CNAME (or A/AAAA) record."))
            }
            (Ok(found), false) => words.push(format!(
                "{hostname} leads to {}, not to {}.",
                found.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                self.edge_hostname
            )),
            (Err(error), false) => words.push(format!("The addresses of {hostname} could not be read: {error}.")),
        }
        Finding { owned, points_here, words: words.join(" ") }
    }

    async fn addresses_of(&self, name: &str) -> Result<BTreeSet<IpAddr>, String> {
        match self.resolver.lookup_ip(format!("{name}.")).await {
            Ok(lookup) => Ok(lookup.iter().collect()),
            Err(error) if error.is_no_records_found() || error.is_nx_domain() => Ok(BTreeSet::new()),
            Err(error) => Err(error.to_string()),
        }
    }

    /// The edge's configured addresses and whatever its hostname resolves to, so a CNAME to
    /// the edge counts even where the edge moved.
    async fn edge_targets(&self) -> BTreeSet<IpAddr> {
        let mut targets: BTreeSet<IpAddr> = self.edge_addresses.iter().copied().collect();
        if let Ok(found) = self.addresses_of(&self.edge_hostname).await {
            targets.extend(found);
        }
        targets
    }
}
