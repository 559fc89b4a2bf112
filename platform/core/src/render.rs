//! The one renderer: document + design → HTML. It draws the public page, the editor canvas
//! and the print version the PDF is made from. Text is escaped by the templates; rich text is
//! already sanitized; everything put into CSS comes from typed values.

use std::collections::BTreeSet;
use std::fmt::Write;

use askama::Template;

use crate::document::values::{Font, ImageSource, PartialDate};
use crate::document::*;
use crate::themes::Theme;

/// What the page says about itself, beyond the document.
pub struct Page<'a> {
    /// The `<title>` when the document has no header (whose name and headline come first).
    pub title: &'a str,
    /// The meta description; the header summary or first text when empty.
    pub description: &'a str,
    /// The page's public address, for `canonical` and Open Graph.
    pub canonical_url: Option<&'a str>,
    /// Public pages may be indexed; private, password and secret-link pages may not.
    pub indexable: bool,
    /// Prefix of `/assets/...` and `/media/...` URLs: empty on our own hosts, a base URL
    /// where the HTML is read elsewhere (the PDF).
    pub assets_base: &'a str,
    /// Set for the print version the PDF is made from.
    pub page_size: Option<PageSize>,
}

/// The paper a PDF is laid out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, poem_openapi::Enum)]
pub enum PageSize {
    A4,
    Letter,
}

#[derive(Template)]
#[template(path = "page.html")]
struct PageTemplate<'a> {
    title: &'a str,
    description: &'a str,
    canonical_url: Option<&'a str>,
    og_image: Option<String>,
    indexable: bool,
    theme: &'static str,
    /// Trusted CSS: the design's stylesheet and declarations built from typed values.
    css: String,
    sections: Vec<String>,
}

/// Everything a section's outer element needs.
struct Frame<'a> {
    kind: &'static str,
    id: &'a str,
    style: String,
    title: Option<&'a str>,
}

impl<'a> Frame<'a> {
    fn new(kind: &'static str, id: &'a str, title: Option<&'a String>, default: &'static str, style: String) -> Self {
        let title = Some(title.map_or(default, String::as_str)).filter(|title| !title.trim().is_empty());
        Frame { kind, id, style, title }
    }
}

macro_rules! section_template {
    ($name:ident, $path:literal, $section:ty) => {
        #[derive(Template)]
        #[template(path = $path)]
        struct $name<'a> {
            frame: Frame<'a>,
            section: &'a $section,
        }
    };
    // Sections that show images need the assets prefix.
    ($name:ident, $path:literal, $section:ty, images) => {
        #[derive(Template)]
        #[template(path = $path)]
        struct $name<'a> {
            frame: Frame<'a>,
            section: &'a $section,
            assets: &'a str,
        }
    };
}

section_template!(HeaderTemplate, "sections/header.html", HeaderSection, images);
section_template!(AboutTemplate, "sections/about.html", AboutSection);
section_template!(ExperienceTemplate, "sections/experience.html", ExperienceSection);
section_template!(EducationTemplate, "sections/education.html", EducationSection);
section_template!(SkillsTemplate, "sections/skills.html", SkillsSection);
section_template!(ProjectsTemplate, "sections/projects.html", ProjectsSection, images);
section_template!(SocialLinksTemplate, "sections/social_links.html", SocialLinksSection);
section_template!(ContactTemplate, "sections/contact.html", ContactSection);
section_template!(TextTemplate, "sections/text.html", TextSection);
section_template!(ImageTemplate, "sections/image.html", ImageSection, images);
section_template!(GalleryTemplate, "sections/gallery.html", GallerySection, images);

pub fn render(document: &Document, theme: Theme, page: &Page<'_>) -> String {
    let assets = page.assets_base;
    let sections = document.sections.iter().map(|section| render_section(section, assets)).collect();
    let header = document.sections.iter().find_map(|section| match section {
        Section::Header(header) => Some(header),
        _ => None,
    });
    let title = match header {
        Some(header) => match &header.headline {
            Some(headline) => format!("{} — {headline}", header.name),
            None => header.name.clone(),
        },
        None if !page.title.trim().is_empty() => page.title.to_owned(),
        None => "Portfolio".to_owned(),
    };
    let description = if page.description.trim().is_empty() { summary(document) } else { page.description.to_owned() };
    let og_image = header.and_then(|header| header.photo.as_ref()).map(|photo| match photo {
        ImageSource::External(url) => url.to_string(),
        media => format!("{}{media}", page.canonical_url.map(origin).unwrap_or(assets)),
    });
    let template = PageTemplate {
        title: &title,
        description: &description,
        canonical_url: page.canonical_url,
        og_image,
        indexable: page.indexable,
        theme: theme.id(),
        css: page_css(document, theme, assets, page.page_size),
        sections,
    };
    template.render().expect("rendering to a string cannot fail")
}

/// `scheme://host[:port]` of an absolute URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |index| index + 3);
    url[after_scheme..].find('/').map_or(url, |slash| &url[..after_scheme + slash])
}

fn summary(document: &Document) -> String {
    let text = document.sections.iter().find_map(|section| match section {
        Section::Header(HeaderSection { summary: Some(text), .. })
        | Section::About(AboutSection { body: text, .. })
        | Section::Text(TextSection { body: text, .. })
            if !text.is_blank() =>
        {
            Some(text.plain_text())
        }
        _ => None,
    });
    let text = text.unwrap_or_default();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut short = String::new();
    for word in words {
        if short.len() + word.len() > 155 {
            short.push('…');
            break;
        }
        if !short.is_empty() {
            short.push(' ');
        }
        short.push_str(word);
    }
    short
}

fn render_section(section: &Section, assets: &str) -> String {
    let style = section.style();
    let frame = |kind, id, title, default| Frame::new(kind, id, title, default, section_css(style, assets));
    let rendered = match section {
        Section::Header(section) => {
            HeaderTemplate { frame: frame("header", &section.id, None, ""), section, assets }.render()
        }
        Section::About(section) => {
            AboutTemplate { frame: frame("about", &section.id, section.title.as_ref(), "About"), section }.render()
        }
        Section::Experience(section) => ExperienceTemplate {
            frame: frame("experience", &section.id, section.title.as_ref(), "Experience"),
            section,
        }
        .render(),
        Section::Education(section) => {
            EducationTemplate { frame: frame("education", &section.id, section.title.as_ref(), "Education"), section }
                .render()
        }
        Section::Skills(section) => {
            SkillsTemplate { frame: frame("skills", &section.id, section.title.as_ref(), "Skills"), section }.render()
        }
        Section::Projects(section) => ProjectsTemplate {
            frame: frame("projects", &section.id, section.title.as_ref(), "Projects"),
            section,
            assets,
        }
        .render(),
        Section::SocialLinks(section) => {
            SocialLinksTemplate { frame: frame("social_links", &section.id, section.title.as_ref(), "Links"), section }
                .render()
        }
        Section::Contact(section) => {
            ContactTemplate { frame: frame("contact", &section.id, section.title.as_ref(), "Contact"), section }
                .render()
        }
        Section::Text(section) => {
            TextTemplate { frame: frame("text", &section.id, section.title.as_ref(), ""), section }.render()
        }
        Section::Image(section) => {
            ImageTemplate { frame: frame("image", &section.id, None, ""), section, assets }.render()
        }
        Section::Gallery(section) => {
            GalleryTemplate { frame: frame("gallery", &section.id, section.title.as_ref(), ""), section, assets }
                .render()
        }
    };
    rendered.expect("rendering to a string cannot fail")
}

/// `@font-face` rules for the fonts the page uses, the design, and the page's variables.
fn page_css(document: &Document, theme: Theme, assets: &str, page_size: Option<PageSize>) -> String {
    let style = &document.style;
    let mut fonts = BTreeSet::from([style.heading_font as u8, style.body_font as u8]);
    for section in &document.sections {
        if let Some(overrides) = section.style() {
            fonts.extend(overrides.heading_font.map(|font| font as u8));
            fonts.extend(overrides.body_font.map(|font| font as u8));
        }
    }
    let mut css = String::with_capacity(16 * 1024);
    for font in Font::ALL.into_iter().filter(|font| fonts.contains(&(*font as u8))) {
        let Some(family) = font.family() else { continue };
        for face in font.faces() {
            let _ = writeln!(
                css,
                "@font-face{{font-family:\"{family}\";src:url(\"{assets}/assets/fonts/{}\") format(\"woff2\");font-weight:{};font-style:{};font-display:swap}}",
                face.file,
                face.weight,
                if face.italic { "italic" } else { "normal" },
            );
        }
    }
    css.push_str(theme.css());
    let colors = &style.colors;
    let _ = write!(
        css,
        "\nbody{{--color-primary:{};--color-text:{};--color-background:{};--color-accent:{};--color-muted:{};\
         --font-heading:{};--font-body:{};--font-size-base:{}px;--space:{};--layout-width:{};--background-image:{}}}",
        colors.primary,
        colors.text,
        colors.background,
        colors.accent,
        colors.muted,
        style.heading_font.stack(),
        style.body_font.stack(),
        style.base_font_size,
        style.spacing.css(),
        style.layout_width.css(),
        style.background_image.as_ref().map_or_else(|| "none".to_owned(), |image| css_url(image, assets)),
    );
    if let Some(size) = page_size {
        let size = match size {
            PageSize::A4 => "A4",
            PageSize::Letter => "letter",
        };
        let _ = write!(css, "\n@page{{size:{size}}}");
    }
    css
}

/// A section's overrides as custom properties for its `style` attribute.
fn section_css(style: Option<&SectionStyle>, assets: &str) -> String {
    let Some(style) = style else { return String::new() };
    let mut css = String::new();
    let mut set = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            let _ = write!(css, "{name}:{value};");
        }
    };
    set("--color-background", style.background.map(|color| color.to_string()));
    set("--color-text", style.text.map(|color| color.to_string()));
    set("--color-primary", style.primary.map(|color| color.to_string()));
    set("--color-accent", style.accent.map(|color| color.to_string()));
    set("--font-heading", style.heading_font.map(|font| font.stack().to_owned()));
    set("--font-body", style.body_font.map(|font| font.stack().to_owned()));
    set("--font-size-base", style.font_size.map(|size| format!("{size}px")));
    set("--background-image", style.background_image.as_ref().map(|image| css_url(image, assets)));
    set("--space", style.spacing.map(|spacing| spacing.css().to_owned()));
    set("--section-align", style.align.map(|align| align.css().to_owned()));
    css
}

/// `url("…")` with every character that could end the string or the declaration escaped.
fn css_url(image: &ImageSource, assets: &str) -> String {
    let address = image_src(image, assets);
    let mut escaped = String::with_capacity(address.len() + 7);
    escaped.push_str("url(\"");
    for character in address.chars() {
        if character.is_ascii_alphanumeric() || "/:.-_~?&=%+,;@!$*".contains(character) {
            escaped.push(character);
        } else {
            let mut buffer = [0; 4];
            for byte in character.encode_utf8(&mut buffer).bytes() {
                let _ = write!(escaped, "%{byte:02X}");
            }
        }
    }
    escaped.push_str("\")");
    escaped
}

/// Where an image is read from.
fn image_src(image: &ImageSource, assets: &str) -> String {
    match image {
        ImageSource::Media { .. } => format!("{assets}{image}"),
        ImageSource::External(_) => image.to_string(),
    }
}

fn date_range(start: Option<&PartialDate>, end: Option<&PartialDate>, current: bool) -> Option<String> {
    match (start, end, current) {
        (None, None, false) => None,
        (Some(start), _, true) => Some(format!("{} – Present", start.human())),
        (Some(start), Some(end), false) if start == end => Some(start.human()),
        (Some(start), Some(end), false) => Some(format!("{} – {}", start.human(), end.human())),
        (Some(start), None, false) => Some(start.human()),
        (None, Some(end), _) => Some(end.human()),
        (None, None, true) => Some("Present".to_owned()),
    }
}

#[derive(Template)]
#[template(path = "unlock.html")]
struct UnlockTemplate<'a> {
    title: &'a str,
    error: Option<&'a str>,
}

/// The form a visitor of a password-protected page sees.
pub fn unlock_page(title: &str, error: Option<&str>) -> String {
    UnlockTemplate { title, error }.render().expect("rendering to a string cannot fail")
}

/// What a visitor sees for a page that does not exist, or that they may not see: the same,
/// so a private page cannot be told from a missing one.
pub fn not_found_page() -> String {
    NotFoundTemplate.render().expect("rendering to a string cannot fail")
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundTemplate;

#[cfg(test)]
mod tests;
