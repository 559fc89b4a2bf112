//! The built-in page designs ("templates" in the product): each is CSS over the one HTML the
//! renderer draws, plus the page style a new portfolio starts with.

use std::sync::LazyLock;

use poem_openapi::Enum;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::document::values::{Color, Font, LayoutWidth, Spacing};
use crate::document::{PageStyle, Palette};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum Theme {
    Minimal,
    Modern,
    Creative,
    Developer,
}

const BASE_CSS: &str = include_str!("../templates/themes/base.css");

impl Theme {
    pub const ALL: [Theme; 4] = [Theme::Minimal, Theme::Modern, Theme::Creative, Theme::Developer];

    pub fn id(self) -> &'static str {
        match self {
            Theme::Minimal => "minimal",
            Theme::Modern => "modern",
            Theme::Creative => "creative",
            Theme::Developer => "developer",
        }
    }

    pub fn parse(id: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|theme| theme.id() == id)
    }

    /// The design a request names at `field`, or `default` when it names none.
    pub fn parse_field(field: &str, id: Option<&str>, default: Theme) -> crate::Result<Theme> {
        match id {
            Some(id) => Theme::parse(id)
                .ok_or_else(|| crate::Error::invalid(field, "unknown_template", "choose one of the designs")),
            None => Ok(default),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Theme::Minimal => "Minimal",
            Theme::Modern => "Modern",
            Theme::Creative => "Creative",
            Theme::Developer => "Developer",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Theme::Minimal => "One quiet column, serif headings and generous white space; lets the words carry it.",
            Theme::Modern => "A bold hero with your photo, a dated timeline and project cards.",
            Theme::Creative => "Colour blocks, big display type and a gallery that shows off visual work.",
            Theme::Developer => "Dark, monospaced accents and tag chips; reads like a well-kept README.",
        }
    }

    /// A small picture of the design with sample content.
    pub fn thumbnail(self) -> &'static [u8] {
        match self {
            Theme::Minimal => include_bytes!("../assets/previews/minimal.png"),
            Theme::Modern => include_bytes!("../assets/previews/modern.png"),
            Theme::Creative => include_bytes!("../assets/previews/creative.png"),
            Theme::Developer => include_bytes!("../assets/previews/developer.png"),
        }
    }

    fn own_css(self) -> &'static str {
        match self {
            Theme::Minimal => include_str!("../templates/themes/minimal.css"),
            Theme::Modern => include_str!("../templates/themes/modern.css"),
            Theme::Creative => include_str!("../templates/themes/creative.css"),
            Theme::Developer => include_str!("../templates/themes/developer.css"),
        }
    }

    /// The page's stylesheet: the shared structure, then this design.
    pub fn css(self) -> &'static str {
        static CSS: LazyLock<[String; 4]> =
            LazyLock::new(|| Theme::ALL.map(|theme| format!("{BASE_CSS}\n{}", theme.own_css())));
        &CSS[self as usize]
    }

    /// Changes whenever the design's CSS changes, so cached pages drawn with an older one are
    /// not served for the new.
    pub fn version(self) -> &'static str {
        static VERSIONS: LazyLock<[String; 4]> = LazyLock::new(|| {
            Theme::ALL.map(|theme| {
                let digest = Sha256::new()
                    .chain_update(env!("CARGO_PKG_VERSION"))
                    .chain_update(theme.css())
                    .chain_update(include_str!("../templates/page.html"))
                    .finalize();
                digest[..6].iter().map(|byte| format!("{byte:02x}")).collect()
            })
        });
        &VERSIONS[self as usize]
    }

    /// The style a portfolio created from this design starts with.
    pub fn default_style(self) -> PageStyle {
        let palette = |primary, text, background, accent, muted| Palette { primary, text, background, accent, muted };
        let hex = |text: &str| text.parse::<Color>().expect("the built-in palettes are valid");
        match self {
            Theme::Minimal => PageStyle {
                colors: palette(hex("#1c1917"), hex("#292524"), hex("#fcfbf8"), hex("#9a3412"), hex("#6b645c")),
                heading_font: Font::SourceSerif4,
                body_font: Font::SourceSerif4,
                base_font_size: 18,
                background_image: None,
                spacing: Spacing::Relaxed,
                layout_width: LayoutWidth::Narrow,
            },
            Theme::Modern => PageStyle {
                colors: palette(hex("#3730a3"), hex("#1e2433"), hex("#ffffff"), hex("#4338ca"), hex("#596175")),
                heading_font: Font::Inter,
                body_font: Font::Inter,
                base_font_size: 16,
                background_image: None,
                spacing: Spacing::Normal,
                layout_width: LayoutWidth::Normal,
            },
            Theme::Creative => PageStyle {
                colors: palette(hex("#c8361c"), hex("#1b1630"), hex("#fff6e9"), hex("#2f3fe0"), hex("#655e72")),
                heading_font: Font::PlayfairDisplay,
                body_font: Font::SpaceGrotesk,
                base_font_size: 17,
                background_image: None,
                spacing: Spacing::Relaxed,
                layout_width: LayoutWidth::Wide,
            },
            Theme::Developer => PageStyle {
                colors: palette(hex("#7ee787"), hex("#e6edf3"), hex("#0d1117"), hex("#79c0ff"), hex("#8b949e")),
                heading_font: Font::JetbrainsMono,
                body_font: Font::Inter,
                base_font_size: 16,
                background_image: None,
                spacing: Spacing::Normal,
                layout_width: LayoutWidth::Normal,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_palettes_are_readable() {
        for theme in Theme::ALL {
            let colors = theme.default_style().colors;
            let pairs = [
                ("text", colors.text),
                ("muted", colors.muted),
                ("primary", colors.primary),
                ("accent", colors.accent),
            ];
            for (name, color) in pairs {
                let ratio = color.contrast(colors.background);
                assert!(ratio >= 4.5, "{} {name} has contrast {ratio:.2}", theme.id());
            }
        }
    }
}
