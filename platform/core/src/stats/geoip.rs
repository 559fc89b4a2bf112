//! Country of an address, from a MaxMind-format database: the one the project ships (records
//! `{country_code}`) or an operator's GeoIP2/GeoLite2 Country file (`{country: {iso_code}}`).

use std::net::IpAddr;
use std::path::Path;

use anyhow::Context;
use maxminddb::{Reader, path};

pub struct GeoIp {
    reader: Option<Reader<Vec<u8>>>,
}

impl GeoIp {
    /// Opens the database at `path`; `None` makes every country unknown.
    pub fn open(path: Option<&Path>) -> anyhow::Result<GeoIp> {
        let reader =
            match path {
                Some(path) => Some(Reader::open_readfile(path).with_context(|| {
                    format!("cannot read the country database {} (VITRINE_GEOIP_DB)", path.display())
                })?),
                None => None,
            };
        Ok(GeoIp { reader })
    }

    /// The ISO 3166 code of the address's country; `None` for private, local and unknown
    /// addresses.
    pub fn country(&self, ip: IpAddr) -> Option<String> {
        if !is_public(ip) {
            return None;
        }
        let found = self.reader.as_ref()?.lookup(ip).ok()?;
        let code: Option<String> = found
            .decode_path(&path!["country_code"])
            .ok()
            .flatten()
            .or_else(|| found.decode_path(&path!["country", "iso_code"]).ok().flatten());
        code.filter(|code: &String| code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_alphabetic()))
            .map(|code| code.to_ascii_uppercase())
    }
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => {
            !(ip.is_private() || ip.is_loopback() || ip.is_link_local() || ip.is_unspecified() || ip.is_broadcast())
        }
        IpAddr::V6(ip) => {
            let first = ip.segments()[0];
            !(ip.is_loopback() || ip.is_unspecified() || first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn country(geoip: &GeoIp, ip: &str) -> Option<String> {
        geoip.country(ip.parse().unwrap())
    }

    #[test]
    fn maxmind_layout_files_read_like_the_shipped_one() {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/stats/fixtures/maxmind-layout.mmdb");
        let geoip = GeoIp::open(Some(&fixture)).unwrap();
        assert_eq!(country(&geoip, "198.51.100.7").as_deref(), Some("NZ"));
        assert_eq!(country(&geoip, "2001:db8::1").as_deref(), Some("JP"));
        assert_eq!(country(&geoip, "8.8.8.8"), None, "not in this file");
    }

    #[test]
    fn the_shipped_database_knows_well_known_addresses() {
        let shipped = std::env::var_os("VITRINE_GEOIP_DB").map(PathBuf::from).unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(
                "../../ops/geoip/node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb",
            )
        });
        let geoip = GeoIp::open(Some(&shipped)).expect("ops/test installs the shipped database");
        assert_eq!(country(&geoip, "8.8.8.8").as_deref(), Some("US"));
        assert_eq!(country(&geoip, "81.2.69.142").as_deref(), Some("GB"));
        assert_eq!(country(&geoip, "2001:4860:4860::8888").as_deref(), Some("US"));
        for private in ["10.1.2.3", "127.0.0.1", "192.168.1.1", "169.254.0.1", "::1", "fe80::1", "fd12::1"] {
            assert_eq!(country(&geoip, private), None, "{private}");
        }
    }

    #[test]
    fn without_a_database_every_country_is_unknown() {
        assert_eq!(country(&GeoIp::open(None).unwrap(), "8.8.8.8"), None);
        assert!(GeoIp::open(Some(Path::new("missing/country.mmdb"))).is_err());
    }
}
