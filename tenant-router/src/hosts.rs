//! Which tenant a hostname belongs to: the platform's domain is the app, `{handle}.{domain}` a
//! workspace's site, a custom domain the site its owner chose. Answers are cached and dropped
//! whenever the database announces a change of domains or handles.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;
use sqlx::PgPool;
use vitrine_core::domains::{self, Site, Status, hostname};

/// What a name is, before asking the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// The platform's own domain.
    Platform,
    /// `{handle}.{domain}`.
    Subdomain(String),
    /// Anything else: perhaps a tenant's domain.
    Other(String),
}

pub fn classify(name: &str, base_domain: &str) -> Name {
    if name == base_domain {
        return Name::Platform;
    }
    match hostname::label_under(name, base_domain) {
        Some(handle) => Name::Subdomain(handle.to_owned()),
        None => Name::Other(name.to_owned()),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    App,
    /// A workspace's subdomain; the platform finds the workspace by the host.
    Workspace,
    /// A proven custom domain: served once active, given a certificate once verified.
    Custom {
        site: Site,
        serving: bool,
    },
    Unknown,
}

impl Route {
    /// Whether a certificate may be ordered for the name: only names that are ours or proven.
    pub fn may_have_certificate(&self) -> bool {
        !matches!(self, Route::Unknown)
    }
}

pub struct Hosts {
    pool: PgPool,
    base_domain: String,
    cache: Cache<String, Route>,
}

impl Hosts {
    pub fn new(pool: PgPool, base_domain: &str) -> Hosts {
        Hosts {
            pool,
            base_domain: base_domain.trim_end_matches('.').to_ascii_lowercase(),
            // Unknown names are cached too, so random names cost no query; the TTL bounds
            // staleness should a notification be missed while the listener reconnects.
            cache: Cache::builder().max_capacity(100_000).time_to_live(Duration::from_secs(300)).build(),
        }
    }

    /// The route of a normalised hostname.
    pub async fn route(&self, name: &str) -> vitrine_core::Result<Route> {
        if let Some(route) = self.cache.get(name) {
            return Ok(route);
        }
        let route = match classify(name, &self.base_domain) {
            Name::Platform => Route::App,
            Name::Subdomain(handle) if domains::handle_exists(&self.pool, &handle).await? => Route::Workspace,
            Name::Subdomain(_) => Route::Unknown,
            Name::Other(name) => match domains::lookup(&self.pool, &name).await? {
                Some((Status::Active | Status::Failing, site)) => Route::Custom { site, serving: true },
                Some((Status::Verified, site)) => Route::Custom { site, serving: false },
                Some((Status::Pending, _)) | None => Route::Unknown,
            },
        };
        self.cache.insert(name.to_owned(), route.clone());
        Ok(route)
    }

    pub fn forget_all(&self) {
        self.cache.invalidate_all();
    }
}

/// Forgets cached routes (and certificates, through `on_certificate`) when another process
/// announces a change; after a lost connection, everything, since announcements were missed.
pub fn listen(pool: PgPool, hosts: Arc<Hosts>, on_certificate: impl Fn(Option<&str>) + Send + Sync + 'static) {
    tokio::spawn(async move {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for host changes; retrying");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    continue;
                }
            };
            if let Err(error) =
                listener.listen_all([vitrine_core::domains::HOSTS_CHANNEL, vitrine_core::certificates::CHANNEL]).await
            {
                tracing::warn!(%error, "cannot listen for host changes; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
            hosts.forget_all();
            on_certificate(None);
            loop {
                match listener.recv().await {
                    Ok(notification) if notification.channel() == vitrine_core::domains::HOSTS_CHANNEL => {
                        hosts.forget_all()
                    }
                    Ok(notification) => on_certificate(Some(notification.payload())),
                    Err(error) => {
                        tracing::warn!(%error, "lost the host change listener; reconnecting");
                        break;
                    }
                }
            }
        }
    });
}

/// Whether a request's `Host` may be served on a TLS connection for `sni`: the same name, so
/// a connection made for one tenant cannot ask for another's pages.
pub fn host_matches_sni(host: Option<&str>, sni: &str) -> bool {
    host.and_then(hostname::of_host_header).is_some_and(|host| host == sni)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn names_are_classified() {
        assert_eq!(classify("vitrine.test", "vitrine.test"), Name::Platform);
        assert_eq!(classify("alice.vitrine.test", "vitrine.test"), Name::Subdomain("alice".into()));
        assert_eq!(classify("a.b.vitrine.test", "vitrine.test"), Name::Other("a.b.vitrine.test".into()));
        assert_eq!(classify("evilvitrine.test", "vitrine.test"), Name::Other("evilvitrine.test".into()));
        assert_eq!(classify("alice-portfolio.test", "vitrine.test"), Name::Other("alice-portfolio.test".into()));
    }

    #[test]
    fn host_must_name_the_connection() {
        assert!(host_matches_sni(Some("alice.dev:8443"), "alice.dev"));
        assert!(host_matches_sni(Some("ALICE.dev"), "alice.dev"));
        assert!(!host_matches_sni(Some("bob.dev"), "alice.dev"));
        assert!(!host_matches_sni(None, "alice.dev"));
    }

    proptest! {
        #[test]
        fn any_host_or_sni_is_handled(host in "\\PC{0,100}", sni in "[a-zA-Z0-9.\\-]{0,40}") {
            if let Some(name) = hostname::of_host_header(&host) {
                let _ = classify(&name, "vitrine.test");
            }
            if let Some(name) = hostname::normalize(&sni) {
                let matches = host_matches_sni(Some(&host), &name);
                prop_assert_eq!(matches, hostname::of_host_header(&host).as_deref() == Some(name.as_str()));
                if let Name::Subdomain(handle) = classify(&name, "vitrine.test") {
                    prop_assert!(!handle.is_empty() && !handle.contains('.'));
                }
            }
        }
    }
}
