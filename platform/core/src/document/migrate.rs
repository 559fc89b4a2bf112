//! Moving stored documents forward, one version at a time, on the raw JSON: a migration must
//! not depend on types that have since changed.
//!
//! Version 1 had a flat `theme` (primary, text, background, one `font`, `font_size`), a
//! header `tagline`, and skills as a flat list of names. Version 2 has the page `style` with a
//! palette and two fonts, a header `headline`, and skills in named groups with levels.

use serde_json::{Map, Value, json};

use super::Violation;

pub(super) fn forward(mut document: Map<String, Value>, from: u32) -> Result<Map<String, Value>, Violation> {
    if from < 2 {
        document = v1_to_v2(document)?;
    }
    document.insert("schema_version".into(), json!(super::SCHEMA_VERSION));
    Ok(document)
}

fn v1_to_v2(mut document: Map<String, Value>) -> Result<Map<String, Value>, Violation> {
    if let Some(theme) = document.remove("theme") {
        let Value::Object(theme) = theme else {
            return Err(Violation {
                path: "theme".into(),
                code: "invalid_type",
                message: "a version 1 `theme` is an object".into(),
            });
        };
        let defaults = serde_json::to_value(super::PageStyle::default()).expect("the default style serializes");
        let colour = |name: &str| theme.get(name).cloned().unwrap_or_else(|| defaults["colors"][name].clone());
        let font = theme.get("font").cloned().unwrap_or_else(|| defaults["body_font"].clone());
        let style = json!({
            "colors": {
                "primary": colour("primary"),
                "text": colour("text"),
                "background": colour("background"),
                "accent": theme.get("primary").cloned().unwrap_or_else(|| defaults["colors"]["accent"].clone()),
                "muted": defaults["colors"]["muted"],
            },
            "heading_font": font,
            "body_font": font,
            "base_font_size": theme.get("font_size").cloned().unwrap_or_else(|| defaults["base_font_size"].clone()),
            "spacing": "normal",
            "layout_width": "normal",
        });
        document.insert("style".into(), style);
    }
    if let Some(Value::Array(sections)) = document.get_mut("sections") {
        for section in sections.iter_mut().filter_map(Value::as_object_mut) {
            match section.get("type").and_then(Value::as_str) {
                Some("header") => {
                    if let Some(tagline) = section.remove("tagline") {
                        section.insert("headline".into(), tagline);
                    }
                }
                Some("skills") => {
                    let id = section.get("id").and_then(Value::as_str).unwrap_or("skills").to_owned();
                    let names = section.remove("skills").unwrap_or_else(|| json!([]));
                    let skills: Vec<Value> = match names {
                        Value::Array(names) => names.into_iter().map(|name| json!({ "name": name })).collect(),
                        other => vec![json!({ "name": other })],
                    };
                    section.insert("groups".into(), json!([{ "id": format!("{id}-all"), "skills": skills }]));
                }
                _ => {}
            }
        }
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::super::values::{Color, Font};
    use super::super::{Section, parse};

    /// A document saved by version 1 of the schema, kept as it was stored.
    const VERSION_1: &str = include_str!("fixtures/version-1.json");

    #[test]
    fn a_version_1_document_still_loads() {
        let document = parse(serde_json::from_str(VERSION_1).unwrap()).unwrap();
        assert_eq!(document.schema_version, super::super::SCHEMA_VERSION);
        assert_eq!(document.style.colors.primary, Color::rgb(0x0a, 0x5c, 0x36));
        assert_eq!(document.style.colors.accent, Color::rgb(0x0a, 0x5c, 0x36));
        assert_eq!((document.style.heading_font, document.style.body_font), (Font::Lora, Font::Lora));
        assert_eq!(document.style.base_font_size, 18);
        let Section::Header(header) = &document.sections[0] else { panic!("the header comes first") };
        assert_eq!(header.headline.as_deref(), Some("Structural engineer"));
        let Section::Skills(skills) = &document.sections[2] else { panic!("then about, then skills") };
        let names: Vec<&str> = skills.groups[0].skills.iter().map(|skill| skill.name.as_str()).collect();
        assert_eq!(names, ["Revit", "Structural analysis", "Concrete"]);
        assert_eq!(document.section_ids().collect::<Vec<_>>(), ["top", "bio", "skills", "work"]);
    }
}
