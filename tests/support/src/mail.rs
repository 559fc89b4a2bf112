//! Reading a stored email (`.eml`) the way a mail client shows it.

/// The decoded `text/plain` part of a message.
pub fn text_part(eml: &str) -> String {
    let eml = eml.replace("\r\n", "\n");
    let start = eml.find("Content-Type: text/plain").expect("the email has a text part");
    let part = &eml[start..];
    let (headers, rest) = part.split_once("\n\n").expect("the part has headers and a body");
    let body = rest.split("\n--").next().unwrap_or(rest);
    if headers.contains("quoted-printable") { decode_quoted_printable(body) } else { body.to_owned() }
}

fn decode_quoted_printable(body: &str) -> String {
    let joined = body.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes.get(index + 1..index + 3).and_then(|pair| std::str::from_utf8(pair).ok());
        match (bytes[index], hex.and_then(|pair| u8::from_str_radix(pair, 16).ok())) {
            (b'=', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn soft_breaks_and_escapes_are_decoded() {
        let eml = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nhttp://x/app?token=3Dab=\r\ncd =E2=80=94 done\r\n--boundary\r\n";
        assert_eq!(super::text_part(eml).trim_end(), "http://x/app?token=abcd — done");
    }
}
