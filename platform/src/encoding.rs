//! Compressed answers: bodies that do not change (published pages, the app's built files) are
//! gzipped once and sent that way to the clients that say they take gzip.

use std::io::Write;

use bytes::Bytes;
use poem::http::{HeaderMap, header};

/// The best compression costs a few milliseconds once per body and saves bytes on every visit.
pub fn gzip(bytes: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory cannot fail");
    encoder.finish().expect("writing to memory cannot fail").into()
}

/// Whether the client takes gzip: named, or covered by `*`, in `Accept-Encoding` without `q=0`.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut any = false;
    for item in headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok()) {
        for coding in item.split(',') {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|parameter| {
                let (key, value) = parameter.split_once('=').unwrap_or((parameter, ""));
                key.trim().eq_ignore_ascii_case("q") && value.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
            });
            if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                return !refused;
            }
            if name == "*" {
                any = !refused;
            }
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use poem::http::HeaderValue;

    use super::*;

    fn accepts(value: &str) -> bool {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        accepts_gzip(&headers)
    }

    #[test]
    fn gzip_is_sent_only_to_clients_that_take_it() {
        assert!(accepts("gzip, deflate, br, zstd"));
        assert!(accepts("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts("x-gzip"));
        assert!(accepts("*"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("gzip; q=0.000, *"));
        assert!(!accepts("*;q=0"));
        assert!(!accepts("br, deflate"));
        assert!(!accepts("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn gzip_round_trips() {
        let text = "a portfolio page ".repeat(200);
        let compressed = gzip(text.as_bytes());
        assert!(compressed.len() < text.len() / 10);
        let mut back = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&compressed[..]), &mut back).unwrap();
        assert_eq!(back, text);
    }
}
