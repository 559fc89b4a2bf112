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
