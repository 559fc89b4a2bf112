//! The portfolio document: the one typed definition of what an owner builds. It is stored as
//! JSON, described in the OpenAPI spec (and so in the frontend's generated types), validated
//! with every error reported at its JSON path, and migrated forward from older versions.

mod migrate;
mod parse;
pub mod values;

use poem_openapi::{Object, Union};
use serde::{Deserialize, Serialize};

pub use parse::{Violation, check, parse};
use values::{Align, Color, Font, ImageSource, LayoutWidth, LinkUrl, Network, PartialDate, RichText, Spacing};

/// The version documents are written in. Older ones are migrated forward when read.
pub const SCHEMA_VERSION: u32 = 2;

/// A portfolio page: its style and its sections, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Version of this schema the document is written in; the current one is 2
    pub schema_version: u32,
    #[serde(default)]
    #[oai(default)]
    pub style: PageStyle,
    /// The page's sections, top to bottom
    pub sections: Vec<Section>,
}

impl Document {
    pub fn blank() -> Document {
        Document { schema_version: SCHEMA_VERSION, style: PageStyle::default(), sections: Vec::new() }
    }

    pub fn section_ids(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(Section::id)
    }

    /// Every image the page shows: in sections, and as page or section backgrounds.
    pub fn images(&self) -> Vec<&ImageSource> {
        let mut images: Vec<&ImageSource> = self.style.background_image.iter().collect();
        for section in &self.sections {
            images.extend(section.style().and_then(|style| style.background_image.as_ref()));
            match section {
                Section::Header(header) => images.extend(header.photo.as_ref()),
                Section::Projects(projects) => {
                    images.extend(projects.items.iter().filter_map(|project| project.image.as_ref()))
                }
                Section::Image(image) => images.push(&image.image),
                Section::Gallery(gallery) => images.extend(gallery.images.iter().map(|item| &item.image)),
                _ => {}
            }
        }
        images
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct Palette {
    /// Headings, links and highlights
    pub primary: Color,
    pub text: Color,
    pub background: Color,
    /// A second colour for details (tags, rules)
    pub accent: Color,
    /// Secondary text (dates, places)
    pub muted: Color,
}

/// The style of the whole page; sections may override parts of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct PageStyle {
    pub colors: Palette,
    pub heading_font: Font,
    pub body_font: Font,
    /// Body text size in CSS pixels, 12 to 24
    #[oai(validator(minimum(value = "12"), maximum(value = "24")))]
    pub base_font_size: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_image: Option<ImageSource>,
    pub spacing: Spacing,
    pub layout_width: LayoutWidth,
}

impl Default for PageStyle {
    fn default() -> Self {
        PageStyle {
            colors: Palette {
                primary: Color::rgb(0x1f, 0x4e, 0xd8),
                text: Color::rgb(0x1c, 0x1f, 0x26),
                background: Color::rgb(0xff, 0xff, 0xff),
                accent: Color::rgb(0xe8, 0x6a, 0x33),
                muted: Color::rgb(0x5b, 0x61, 0x6e),
            },
            heading_font: Font::Inter,
            body_font: Font::Inter,
            base_font_size: 17,
            background_image: None,
            spacing: Spacing::Normal,
            layout_width: LayoutWidth::Normal,
        }
    }
}

/// Overrides of the page style for one section; what is absent is inherited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct SectionStyle {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent: Option<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading_font: Option<Font>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_font: Option<Font>,
    /// Text size in CSS pixels, 12 to 32
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[oai(validator(minimum(value = "12"), maximum(value = "32")))]
    pub font_size: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_image: Option<ImageSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spacing: Option<Spacing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub align: Option<Align>,
}

/// One block of the page. `type` says which; `id` is stable across edits (the editor selects
/// by it, versions are compared by it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Union)]
#[serde(tag = "type", rename_all = "snake_case")]
#[oai(discriminator_name = "type")]
pub enum Section {
    #[oai(mapping = "header")]
    Header(HeaderSection),
    #[oai(mapping = "about")]
    About(AboutSection),
    #[oai(mapping = "experience")]
    Experience(ExperienceSection),
    #[oai(mapping = "education")]
    Education(EducationSection),
    #[oai(mapping = "skills")]
    Skills(SkillsSection),
    #[oai(mapping = "projects")]
    Projects(ProjectsSection),
    #[oai(mapping = "social_links")]
    SocialLinks(SocialLinksSection),
    #[oai(mapping = "contact")]
    Contact(ContactSection),
    #[oai(mapping = "text")]
    Text(TextSection),
    #[oai(mapping = "image")]
    Image(ImageSection),
    #[oai(mapping = "gallery")]
    Gallery(GallerySection),
}

/// The section types, as `type` names them.
pub const SECTION_TYPES: [&str; 11] = [
    "header",
    "about",
    "experience",
    "education",
    "skills",
    "projects",
    "social_links",
    "contact",
    "text",
    "image",
    "gallery",
];

macro_rules! section_accessors {
    ($($variant:ident),*) => {
        impl Section {
            pub fn id(&self) -> &str {
                match self { $(Section::$variant(section) => &section.id,)* }
            }

            pub fn style(&self) -> Option<&SectionStyle> {
                match self { $(Section::$variant(section) => section.style.as_ref(),)* }
            }
        }
    };
}
section_accessors!(Header, About, Experience, Education, Skills, Projects, SocialLinks, Contact, Text, Image, Gallery);

impl Section {
    pub fn type_name(&self) -> &'static str {
        match self {
            Section::Header(_) => "header",
            Section::About(_) => "about",
            Section::Experience(_) => "experience",
            Section::Education(_) => "education",
            Section::Skills(_) => "skills",
            Section::Projects(_) => "projects",
            Section::SocialLinks(_) => "social_links",
            Section::Contact(_) => "contact",
            Section::Text(_) => "text",
            Section::Image(_) => "image",
            Section::Gallery(_) => "gallery",
        }
    }
}

/// Name, headline and photo: the top of the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct HeaderSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<ImageSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<RichText>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct AboutSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    /// Shown as the section's heading; "About" when absent
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub body: RichText,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct ExperienceSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    #[oai(default)]
    pub items: Vec<ExperienceItem>,
}

/// A position held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct ExperienceItem {
    pub id: String,
    pub role: String,
    pub organisation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    /// Absent while `current` is true
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    #[serde(default)]
    #[oai(default)]
    pub current: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<RichText>,
    /// Short achievements, one line each
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[oai(default)]
    pub highlights: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct EducationSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    #[oai(default)]
    pub items: Vec<EducationItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct EducationItem {
    pub id: String,
    pub institution: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degree: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<RichText>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct SkillsSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    #[oai(default)]
    pub groups: Vec<SkillGroup>,
}

/// Skills under one heading ("Languages", "Infrastructure").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct SkillGroup {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    #[oai(default)]
    pub skills: Vec<Skill>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub name: String,
    /// 1 (beginner) to 5 (expert); absent hides the level
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub level: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct ProjectsSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    #[oai(default)]
    pub items: Vec<Project>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<RichText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<LinkUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageSource>,
    /// Alternative text of the image
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_alt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[oai(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct SocialLinksSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    #[oai(default)]
    pub links: Vec<SocialLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct SocialLink {
    pub id: String,
    pub network: Network,
    pub url: LinkUrl,
    /// Shown instead of the network's name
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct ContactSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<RichText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// Free text with an optional heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct TextSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub body: RichText,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct ImageSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    pub image: ImageSource,
    /// What the image shows, for people who cannot see it
    pub alt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct GallerySection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<SectionStyle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    #[oai(default)]
    pub images: Vec<GalleryImage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
#[serde(deny_unknown_fields)]
pub struct GalleryImage {
    pub id: String,
    pub image: ImageSource,
    pub alt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// The document's JSON Schema (draft 2020-12), built from the same definition as the OpenAPI
/// spec so the two cannot disagree.
pub fn json_schema() -> serde_json::Value {
    let mut registry = poem_openapi::registry::Registry::new();
    <Document as poem_openapi::types::Type>::register(&mut registry);
    let definitions = serde_json::to_value(&registry.schemas).expect("schemas serialize");
    let mut schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://vitrine.app/schema/document.json",
        "title": "Vitrine portfolio document",
        "$ref": "#/$defs/Document",
        "$defs": definitions,
    });
    retarget_references(&mut schema);
    schema
}

/// OpenAPI references point into `#/components/schemas`; in a standalone schema they point
/// into `#/$defs`.
fn retarget_references(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref"
                    && let serde_json::Value::String(target) = child
                    && let Some(name) = target.strip_prefix("#/components/schemas/")
                {
                    *target = format!("#/$defs/{name}");
                } else {
                    retarget_references(child);
                }
            }
            if let Some(serde_json::Value::Object(mapping)) =
                map.get_mut("discriminator").and_then(|discriminator| discriminator.get_mut("mapping"))
            {
                for target in mapping.values_mut() {
                    if let serde_json::Value::String(text) = target
                        && let Some(name) = text.strip_prefix("#/components/schemas/")
                    {
                        *text = format!("#/$defs/{name}");
                    }
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(retarget_references),
        _ => {}
    }
}

/// The demo portfolio: seeded for the demo account, drawn in every design by the tests.
pub fn demo() -> Document {
    let value = serde_json::from_str(include_str!("demo.json")).expect("the demo document is JSON");
    parse(value).expect("the demo document is valid")
}
