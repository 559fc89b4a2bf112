//! Hostnames as people type them and as clients send them (`Host`, SNI): one normal form,
//! lowercase ASCII after IDNA, no port, no trailing dot.

use crate::{Error, Result};

/// The normal form of a DNS name, or `None` when it is not one (an IP literal, empty labels,
/// characters DNS names cannot hold, too long).
pub fn normalize(input: &str) -> Option<String> {
    let name = input.trim().strip_suffix('.').unwrap_or(input.trim());
    if name.is_empty() || name.len() > 253 || name.starts_with('[') {
        return None;
    }
    let url::Host::Domain(ascii) = url::Host::parse(name).ok()? else { return None };
    let valid = ascii.len() <= 253
        && ascii.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    valid.then_some(ascii)
}

/// The name a `Host` header names, without its port.
pub fn of_host_header(value: &str) -> Option<String> {
    let name = match value.rsplit_once(':') {
        Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        Some(_) => return None,
        None => value,
    };
    normalize(name)
}

/// The label of `name` directly under `domain` (`alice` in `alice.example.com`), if it is one.
pub fn label_under<'a>(name: &'a str, domain: &str) -> Option<&'a str> {
    let label = name.strip_suffix(domain)?.strip_suffix('.')?;
    (!label.is_empty() && !label.contains('.')).then_some(label)
}

/// Whether `name` is `domain` or one of its subdomains.
pub fn is_within(name: &str, domain: &str) -> bool {
    name == domain || name.strip_suffix(domain).is_some_and(|prefix| prefix.ends_with('.'))
}

/// A hostname a tenant may claim: a DNS name of at least two labels whose top level is not
/// numeric, outside the platform's own domain.
pub fn parse_custom(field: &str, input: &str, base_domain: &str) -> Result<String> {
    let invalid = |message: &str| Error::invalid(field, "invalid_hostname", message);
    let name = normalize(input).ok_or_else(|| invalid("enter a domain name such as portfolio.example.com"))?;
    let Some((_, top)) = name.rsplit_once('.') else {
        return Err(invalid("a domain needs at least two labels, such as example.com"));
    };
    if top.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("enter a domain name, not an address"));
    }
    if is_within(&name, base_domain) {
        return Err(Error::invalid(
            field,
            "platform_domain",
            format!("{name} belongs to this service; use your own domain"),
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn names_take_one_form() {
        assert_eq!(normalize("Alice-Portfolio.TEST.").as_deref(), Some("alice-portfolio.test"));
        assert_eq!(normalize("bücher.example").as_deref(), Some("xn--bcher-kva.example"));
        assert_eq!(normalize("127.0.0.1"), None);
        assert_eq!(normalize("[::1]"), None);
        assert_eq!(normalize("a..b"), None);
        assert_eq!(normalize("-a.b"), None);
        assert_eq!(normalize("a_b.c"), None);
        assert_eq!(normalize(&format!("{}.com", "a".repeat(64))), None);
        assert_eq!(of_host_header("Example.com:8443").as_deref(), Some("example.com"));
        assert_eq!(of_host_header("example.com:"), None);
        assert_eq!(of_host_header("example.com:x"), None);
    }

    #[test]
    fn tenants_claim_their_own_domains_only() {
        assert_eq!(parse_custom("hostname", "WWW.Alice.dev", "vitrine.app").unwrap(), "www.alice.dev");
        for refused in ["vitrine.app", "alice.vitrine.app", "x.y.vitrine.app", "localhost", "1.2.3.4", "a.123", ""] {
            let error = parse_custom("hostname", refused, "vitrine.app").unwrap_err();
            assert!(matches!(error, Error::Invalid { ref field, .. } if field == "hostname"), "{refused}: {error:?}");
        }
        assert!(parse_custom("hostname", "notvitrine.app", "vitrine.app").is_ok());
    }

    proptest! {
        #[test]
        fn any_input_is_handled(input in "\\PC{0,80}") {
            if let Some(name) = of_host_header(&input) {
                prop_assert_eq!(normalize(&name), Some(name.clone()));
                prop_assert!(name.is_ascii() && name == name.to_ascii_lowercase());
            }
            let _ = parse_custom("hostname", &input, "vitrine.app");
        }

        #[test]
        fn dns_names_survive(labels in proptest::collection::vec("[a-z]([a-z0-9-]{0,10}[a-z0-9])?", 2..5)) {
            let name = labels.join(".");
            prop_assert_eq!(normalize(&name.to_ascii_uppercase()), Some(name.clone()));
            let with_port = format!("{name}:443");
            prop_assert_eq!(of_host_header(&with_port), Some(name));
        }
    }
}
