//! Typed values of the document. Everything that reaches CSS or an attribute is parsed into a
//! value that cannot carry anything else: a colour is three bytes, a font is one of the
//! self-hosted families, a link is an `http(s)`/`mailto` URL, rich text is sanitized on the
//! way in. A string that does not parse is refused with a message saying what was expected.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use poem_openapi::Enum;
use serde::{Deserialize, Serialize};

/// Implements serde (through the string form) and the OpenAPI schema for a value that is
/// written as a string and parsed with `FromStr`.
macro_rules! string_value {
    ($type:ident, $name:literal, $description:literal, $pattern:expr, $max_length:expr) => {
        impl Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl poem_openapi::types::Type for $type {
            const IS_REQUIRED: bool = true;
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
                let pattern: Option<&str> = $pattern;
                poem_openapi::registry::MetaSchemaRef::Inline(Box::new(poem_openapi::registry::MetaSchema {
                    description: Some($description),
                    pattern: pattern.map(str::to_owned),
                    max_length: $max_length,
                    ..poem_openapi::registry::MetaSchema::new("string")
                }))
            }

            fn as_raw_value(&self) -> Option<&Self> {
                Some(self)
            }

            fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
                Box::new(std::iter::once(self))
            }
        }

        impl poem_openapi::types::ParseFromJSON for $type {
            fn parse_from_json(value: Option<serde_json::Value>) -> poem_openapi::types::ParseResult<Self> {
                match value {
                    Some(serde_json::Value::String(text)) => {
                        text.parse().map_err(|error: ValueError| poem_openapi::types::ParseError::custom(error.0))
                    }
                    other => Err(poem_openapi::types::ParseError::expected_type(other.unwrap_or_default())),
                }
            }
        }

        impl poem_openapi::types::ToJSON for $type {
            fn to_json(&self) -> Option<serde_json::Value> {
                Some(serde_json::Value::String(self.to_string()))
            }
        }
    };
}

/// Why a string is not a valid value; the message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError(pub String);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// An opaque sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color {
    pub red: u8,
    pub green: u8,
    pub blue: u8,
}

impl Color {
    pub const fn rgb(red: u8, green: u8, blue: u8) -> Color {
        Color { red, green, blue }
    }

    /// Relative luminance as WCAG defines it.
    pub fn luminance(self) -> f64 {
        let channel = |value: u8| {
            let value = f64::from(value) / 255.0;
            if value <= 0.039_28 { value / 12.92 } else { ((value + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(self.red) + 0.7152 * channel(self.green) + 0.0722 * channel(self.blue)
    }

    /// WCAG contrast ratio between two colours, from 1 to 21.
    pub fn contrast(self, other: Color) -> f64 {
        let (light, dark) = {
            let (a, b) = (self.luminance(), other.luminance());
            if a > b { (a, b) } else { (b, a) }
        };
        (light + 0.05) / (dark + 0.05)
    }
}

impl FromStr for Color {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Color, ValueError> {
        let invalid = || ValueError(format!("`{}` is not a colour: expected #rgb or #rrggbb", shorten(text)));
        let hex = text.strip_prefix('#').ok_or_else(invalid)?;
        if !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(invalid());
        }
        let digit = |index: usize| u8::from_str_radix(&hex[index..=index], 16).map_err(|_| invalid());
        match hex.len() {
            3 => Ok(Color::rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 => {
                let pair = |index: usize| u8::from_str_radix(&hex[index..index + 2], 16).map_err(|_| invalid());
                Ok(Color::rgb(pair(0)?, pair(2)?, pair(4)?))
            }
            _ => Err(invalid()),
        }
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.red, self.green, self.blue)
    }
}

string_value!(Color, "Color", "A colour as #rgb or #rrggbb", Some("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"), Some(7));

/// The self-hosted font families (see `platform/core/assets/fonts/`), and the system stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Enum)]
pub enum Font {
    #[serde(rename = "inter")]
    #[oai(rename = "inter")]
    Inter,
    #[serde(rename = "lora")]
    #[oai(rename = "lora")]
    Lora,
    #[serde(rename = "playfair_display")]
    #[oai(rename = "playfair_display")]
    PlayfairDisplay,
    #[serde(rename = "jetbrains_mono")]
    #[oai(rename = "jetbrains_mono")]
    JetbrainsMono,
    #[serde(rename = "space_grotesk")]
    #[oai(rename = "space_grotesk")]
    SpaceGrotesk,
    #[serde(rename = "source_serif_4")]
    #[oai(rename = "source_serif_4")]
    SourceSerif4,
    #[serde(rename = "system")]
    #[oai(rename = "system")]
    System,
}

/// One file of a self-hosted family.
pub struct FontFace {
    pub weight: u16,
    pub italic: bool,
    pub file: &'static str,
    /// The WOFF2 file, built into the binary so every host and the PDF renderer have it.
    pub bytes: &'static [u8],
}

impl Font {
    /// The font file called `file`, for serving under `/assets/fonts/`.
    pub fn file(file: &str) -> Option<&'static [u8]> {
        Font::ALL.iter().flat_map(|font| font.faces()).find(|face| face.file == file).map(|face| face.bytes)
    }

    pub const ALL: [Font; 7] = [
        Font::Inter,
        Font::Lora,
        Font::PlayfairDisplay,
        Font::JetbrainsMono,
        Font::SpaceGrotesk,
        Font::SourceSerif4,
        Font::System,
    ];

    /// The CSS `font-family` value, with fallbacks of the same kind.
    pub fn stack(self) -> &'static str {
        match self {
            Font::Inter => "\"Inter\", system-ui, sans-serif",
            Font::Lora => "\"Lora\", Georgia, serif",
            Font::PlayfairDisplay => "\"Playfair Display\", Georgia, serif",
            Font::JetbrainsMono => "\"JetBrains Mono\", ui-monospace, monospace",
            Font::SpaceGrotesk => "\"Space Grotesk\", system-ui, sans-serif",
            Font::SourceSerif4 => "\"Source Serif 4\", Georgia, serif",
            Font::System => "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif",
        }
    }

    pub fn family(self) -> Option<&'static str> {
        match self {
            Font::Inter => Some("Inter"),
            Font::Lora => Some("Lora"),
            Font::PlayfairDisplay => Some("Playfair Display"),
            Font::JetbrainsMono => Some("JetBrains Mono"),
            Font::SpaceGrotesk => Some("Space Grotesk"),
            Font::SourceSerif4 => Some("Source Serif 4"),
            Font::System => None,
        }
    }

    pub fn faces(self) -> &'static [FontFace] {
        macro_rules! face {
            ($weight:literal, $italic:literal, $file:literal) => {
                FontFace {
                    weight: $weight,
                    italic: $italic,
                    file: $file,
                    bytes: include_bytes!(concat!("../../assets/fonts/", $file)),
                }
            };
        }
        match self {
            Font::Inter => &[
                face!(400, false, "inter-400.woff2"),
                face!(600, false, "inter-600.woff2"),
                face!(700, false, "inter-700.woff2"),
            ],
            Font::Lora => &[
                face!(400, false, "lora-400.woff2"),
                face!(400, true, "lora-400-italic.woff2"),
                face!(700, false, "lora-700.woff2"),
            ],
            Font::PlayfairDisplay => {
                &[face!(400, false, "playfair-display-400.woff2"), face!(700, false, "playfair-display-700.woff2")]
            }
            Font::JetbrainsMono => {
                &[face!(400, false, "jetbrains-mono-400.woff2"), face!(700, false, "jetbrains-mono-700.woff2")]
            }
            Font::SpaceGrotesk => {
                &[face!(400, false, "space-grotesk-400.woff2"), face!(700, false, "space-grotesk-700.woff2")]
            }
            Font::SourceSerif4 => &[
                face!(400, false, "source-serif-4-400.woff2"),
                face!(400, true, "source-serif-4-400-italic.woff2"),
                face!(700, false, "source-serif-4-700.woff2"),
            ],
            Font::System => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum Spacing {
    Compact,
    Normal,
    Relaxed,
}

impl Spacing {
    pub fn css(self) -> &'static str {
        match self {
            Spacing::Compact => "0.75rem",
            Spacing::Normal => "1rem",
            Spacing::Relaxed => "1.35rem",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum LayoutWidth {
    Narrow,
    Normal,
    Wide,
}

impl LayoutWidth {
    pub fn css(self) -> &'static str {
        match self {
            LayoutWidth::Narrow => "44rem",
            LayoutWidth::Normal => "60rem",
            LayoutWidth::Wide => "76rem",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum Align {
    Left,
    Center,
}

impl Align {
    pub fn css(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Center => "center",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum Network {
    Github,
    Linkedin,
    X,
    Mastodon,
    Dribbble,
    Behance,
    Website,
    Email,
    Other,
}

impl Network {
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Github => "github",
            Network::Linkedin => "linkedin",
            Network::X => "x",
            Network::Mastodon => "mastodon",
            Network::Dribbble => "dribbble",
            Network::Behance => "behance",
            Network::Website => "website",
            Network::Email => "email",
            Network::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Network::Github => "GitHub",
            Network::Linkedin => "LinkedIn",
            Network::X => "X",
            Network::Mastodon => "Mastodon",
            Network::Dribbble => "Dribbble",
            Network::Behance => "Behance",
            Network::Website => "Website",
            Network::Email => "Email",
            Network::Other => "Link",
        }
    }
}

/// A year, or a year and month: `2020` or `2020-03`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
}

impl FromStr for PartialDate {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<PartialDate, ValueError> {
        let invalid = || ValueError(format!("`{}` is not a date: expected YYYY or YYYY-MM", shorten(text)));
        let (year, month) = match text.split_once('-') {
            Some((year, month)) => (year, Some(month)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(invalid());
        }
        let year: u16 = year.parse().map_err(|_| invalid())?;
        if !(1900..=2200).contains(&year) {
            return Err(invalid());
        }
        let month = match month {
            None => None,
            Some(month) if month.len() == 2 && month.bytes().all(|byte| byte.is_ascii_digit()) => {
                let month: u8 = month.parse().map_err(|_| invalid())?;
                if !(1..=12).contains(&month) {
                    return Err(invalid());
                }
                Some(month)
            }
            Some(_) => return Err(invalid()),
        };
        Ok(PartialDate { year, month })
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.month {
            Some(month) => write!(f, "{:04}-{month:02}", self.year),
            None => write!(f, "{:04}", self.year),
        }
    }
}

impl PartialDate {
    /// "Mar 2020" or "2020", as the page shows it.
    pub fn human(&self) -> String {
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        match self.month {
            Some(month) => format!("{} {}", MONTHS[usize::from(month - 1)], self.year),
            None => self.year.to_string(),
        }
    }
}

string_value!(
    PartialDate,
    "PartialDate",
    "A year or a month: YYYY or YYYY-MM",
    Some("^[0-9]{4}(-[0-9]{2})?$"),
    Some(7)
);

/// A link a visitor can follow: `http`, `https` or `mailto` only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUrl(url::Url);

pub(crate) const MAX_URL_LENGTH: usize = 2000;

impl FromStr for LinkUrl {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<LinkUrl, ValueError> {
        if text.len() > MAX_URL_LENGTH {
            return Err(ValueError(format!("the link is longer than {MAX_URL_LENGTH} characters")));
        }
        let url = url::Url::parse(text.trim())
            .map_err(|_| ValueError(format!("`{}` is not a link: expected an absolute URL", shorten(text))))?;
        match url.scheme() {
            "http" | "https" if url.host().is_some() => Ok(LinkUrl(url)),
            "mailto" => Ok(LinkUrl(url)),
            _ => Err(ValueError(format!("`{}` is not allowed: links must be http, https or mailto", shorten(text)))),
        }
    }
}

impl fmt::Display for LinkUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl LinkUrl {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_external(&self) -> bool {
        self.0.scheme() != "mailto"
    }
}

string_value!(LinkUrl, "LinkUrl", "An absolute http, https or mailto URL", None, Some(MAX_URL_LENGTH));

/// Where an image comes from: an upload of this workspace (`/media/{id}.{ext}`) or an
/// `https` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    Media { id: uuid::Uuid, extension: &'static str },
    External(url::Url),
}

/// Extensions the media store writes, so the only ones a media path may end with.
pub const MEDIA_EXTENSIONS: [&str; 3] = ["jpg", "png", "webp"];

impl FromStr for ImageSource {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<ImageSource, ValueError> {
        let invalid = || {
            ValueError(format!("`{}` is not an image: expected /media/{{id}}.{{ext}} or an https URL", shorten(text)))
        };
        if let Some(file) = text.strip_prefix("/media/") {
            let (id, extension) = file.split_once('.').ok_or_else(invalid)?;
            let id = uuid::Uuid::parse_str(id).map_err(|_| invalid())?;
            let extension = MEDIA_EXTENSIONS.into_iter().find(|known| *known == extension).ok_or_else(invalid)?;
            return Ok(ImageSource::Media { id, extension });
        }
        if text.len() > MAX_URL_LENGTH {
            return Err(invalid());
        }
        let url = url::Url::parse(text).map_err(|_| invalid())?;
        if url.scheme() != "https" || url.host().is_none() {
            return Err(invalid());
        }
        Ok(ImageSource::External(url))
    }
}

impl fmt::Display for ImageSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageSource::Media { id, extension } => write!(f, "/media/{id}.{extension}"),
            ImageSource::External(url) => f.write_str(url.as_str()),
        }
    }
}

string_value!(
    ImageSource,
    "ImageSource",
    "An uploaded image (/media/{id}.{ext}, from the media endpoint) or an https URL",
    None,
    Some(MAX_URL_LENGTH)
);

/// Rich text: HTML limited to paragraphs, line breaks, bold, italic, links and lists.
/// Sanitized when parsed, so a `RichText` value is safe to emit as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RichText(String);

pub const MAX_RICH_TEXT: usize = 20_000;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags(["p", "br", "strong", "b", "em", "i", "a", "ul", "ol", "li"])
        .add_tag_attributes("a", ["href"])
        .url_schemes(["http", "https", "mailto"].into())
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true);
    builder
});

impl FromStr for RichText {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<RichText, ValueError> {
        if text.chars().count() > MAX_RICH_TEXT {
            return Err(ValueError(format!("the text is longer than {MAX_RICH_TEXT} characters")));
        }
        // Sanitizing would silently drop these; a clear refusal tells the author why their
        // link or markup vanished.
        let squeezed: String =
            text.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
        if squeezed.contains("<script") || squeezed.contains("javascript:") || squeezed.contains("vbscript:") {
            return Err(ValueError(
                "scripts are not allowed: rich text may hold paragraphs, bold, italic, lists and http(s)/mailto links"
                    .into(),
            ));
        }
        Ok(RichText(SANITIZER.clean(text).to_string()))
    }
}

impl fmt::Display for RichText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl RichText {
    pub fn as_html(&self) -> &str {
        &self.0
    }

    pub fn is_blank(&self) -> bool {
        self.plain_text().trim().is_empty()
    }

    /// The text with its shape kept: paragraphs apart by a blank line, line breaks and list
    /// items on lines of their own (what plain-text formats such as JSON Resume hold).
    pub fn text_with_paragraphs(&self) -> String {
        let marked = self.0.replace("</p>", "\n\n").replace("<br>", "\n").replace("</li>", "\n");
        let without_tags = ammonia::Builder::empty().clean(&marked).to_string();
        html_unescape(&without_tags).trim().to_owned()
    }

    /// The text without markup, for meta descriptions and length checks.
    pub fn plain_text(&self) -> String {
        let without_tags = ammonia::Builder::empty().clean(&self.0.replace("</p>", "</p> ")).to_string();
        html_unescape(&without_tags)
    }
}

fn html_unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

string_value!(
    RichText,
    "RichText",
    "HTML limited to <p>, <br>, <strong>/<b>, <em>/<i>, <a href> (http, https, mailto), <ul>, <ol>, <li>",
    None,
    Some(MAX_RICH_TEXT)
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_only_hex() {
        assert_eq!("#fff".parse::<Color>().unwrap().to_string(), "#ffffff");
        assert_eq!("#1A2b3C".parse::<Color>().unwrap().to_string(), "#1a2b3c");
        for bad in ["red", "red;}</style><script>", "#ff", "#gggggg", "#fff;", "rgb(1,2,3)", "", "#ééé"] {
            assert!(bad.parse::<Color>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn contrast_matches_wcag() {
        let ratio = Color::rgb(0, 0, 0).contrast(Color::rgb(255, 255, 255));
        assert!((ratio - 21.0).abs() < 0.01);
    }

    #[test]
    fn dates() {
        assert_eq!("2020-03".parse::<PartialDate>().unwrap().human(), "Mar 2020");
        assert_eq!("2020".parse::<PartialDate>().unwrap().human(), "2020");
        for bad in ["20", "2020-13", "2020-1", "2020-00", "x020", "2020-03-01", "1066"] {
            assert!(bad.parse::<PartialDate>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn links_are_http_or_mailto() {
        assert!("https://example.com/a".parse::<LinkUrl>().is_ok());
        assert!("mailto:ada@example.com".parse::<LinkUrl>().is_ok());
        for bad in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "/relative", "ftp://x", "http://"]
        {
            assert!(bad.parse::<LinkUrl>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn images_are_media_or_https() {
        let id = uuid::Uuid::new_v4();
        assert!(format!("/media/{id}.jpg").parse::<ImageSource>().is_ok());
        assert!("https://example.com/a.png".parse::<ImageSource>().is_ok());
        for bad in [format!("/media/{id}.php"), "/media/../etc/passwd".into(), "http://x/a.png".into()] {
            assert!(bad.parse::<ImageSource>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn rich_text_keeps_the_subset_and_drops_the_rest() {
        let text: RichText =
            "<p>Hi <b>there</b> <a href=\"https://x.org\" onclick=\"x()\">x</a><img src=x onerror=y></p><style>p{}</style>"
                .parse()
                .unwrap();
        assert_eq!(
            text.as_html(),
            "<p>Hi <b>there</b> <a href=\"https://x.org\" rel=\"noopener noreferrer nofollow\">x</a></p>"
        );
        assert!("<a href=\"javascript:alert(1)\">x</a>".parse::<RichText>().is_err());
        assert!("<a href=\"java\tscript:alert(1)\">x</a>".parse::<RichText>().is_err());
        assert!("<SCRIPT>alert(1)</SCRIPT>".parse::<RichText>().is_err());
        assert_eq!("<p>a &lt; b</p><p>c</p>".parse::<RichText>().unwrap().plain_text().trim(), "a < b c");
    }
}
