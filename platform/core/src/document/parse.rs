//! Reading a document from untrusted JSON. Each section is read on its own so one bad section
//! does not hide the errors of the others, and the rules serde cannot express (lengths,
//! unique ids, date order) are checked over everything that did read; every error is
//! reported with its path.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::values::{MAX_RICH_TEXT, PartialDate, RichText};
use super::*;
use crate::json::{self, JsonError};

/// One broken rule, at the path of the value that breaks it (`sections[2].items[0].start`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub code: &'static str,
    pub message: String,
}

impl From<JsonError> for Violation {
    fn from(error: JsonError) -> Violation {
        Violation { path: error.path, code: error.code, message: error.message }
    }
}

const MAX_SECTIONS: usize = 100;
const MAX_ITEMS: usize = 200;
const MAX_SHORT_TEXT: usize = 200;
const MAX_LINE: usize = 500;

/// Reads a document of any supported version, migrating older ones forward.
pub fn parse(value: Value) -> Result<Document, Vec<Violation>> {
    let mut violations = Vec::new();
    let Value::Object(mut object) = value else {
        return Err(vec![violation("", "invalid_type", "a document is a JSON object")]);
    };
    let version = match object.get("schema_version") {
        None => return Err(vec![violation("schema_version", "missing_field", "`schema_version` is required")]),
        Some(version) => match version.as_u64().and_then(|version| u32::try_from(version).ok()) {
            Some(version) if (1..=SCHEMA_VERSION).contains(&version) => version,
            _ => {
                return Err(vec![violation(
                    "schema_version",
                    "unsupported_version",
                    format!("`schema_version` must be a version from 1 to {SCHEMA_VERSION}"),
                )]);
            }
        },
    };
    if version < SCHEMA_VERSION {
        object = migrate::forward(object, version).map_err(|violation| vec![violation])?;
    }
    for key in object.keys() {
        if !matches!(key.as_str(), "schema_version" | "style" | "sections") {
            violations.push(violation(key, "unknown_field", format!("`{key}` is not a field of a document")));
        }
    }
    let style = match object.remove("style") {
        None => Some(PageStyle::default()),
        Some(style) => read(style, "style", &mut violations),
    };
    let mut sections = Vec::new();
    match object.remove("sections") {
        None => violations.push(violation("sections", "missing_field", "`sections` is required")),
        Some(Value::Array(items)) => {
            if items.len() > MAX_SECTIONS {
                violations.push(too_many("sections", MAX_SECTIONS));
            }
            for (index, item) in items.into_iter().enumerate() {
                if let Some(section) = section(item, &format!("sections[{index}]"), &mut violations) {
                    sections.push((index, section));
                }
            }
        }
        Some(_) => violations.push(violation("sections", "invalid_type", "`sections` is a list of sections")),
    }
    let mut ids = HashSet::new();
    for (index, section) in &sections {
        check_section(section, &format!("sections[{index}]"), &mut ids, &mut violations);
    }
    if let Some(style) = &style {
        check_style(style, &mut violations);
    }
    match style {
        Some(style) if violations.is_empty() => Ok(Document {
            schema_version: SCHEMA_VERSION,
            style,
            sections: sections.into_iter().map(|(_, section)| section).collect(),
        }),
        _ => Err(violations),
    }
}

/// Holds a document put together in code (sections imported into an existing portfolio, say)
/// to the rules a document sent by a client is held to.
pub fn check(document: &Document) -> Result<(), Vec<Violation>> {
    let value = serde_json::to_value(document)
        .map_err(|error| vec![violation("", "invalid_value", format!("the document does not encode: {error}"))])?;
    parse(value).map(drop)
}

fn violation(path: &str, code: &'static str, message: impl Into<String>) -> Violation {
    Violation { path: path.to_owned(), code, message: message.into() }
}

fn too_many(path: &str, limit: usize) -> Violation {
    violation(path, "too_many", format!("at most {limit} entries"))
}

fn read<T: DeserializeOwned>(value: Value, path: &str, violations: &mut Vec<Violation>) -> Option<T> {
    json::from_value(value).map_err(|error| violations.push(error.under(path).into())).ok()
}

fn section(value: Value, path: &str, violations: &mut Vec<Violation>) -> Option<Section> {
    let Value::Object(mut object) = value else {
        violations.push(violation(path, "invalid_type", "a section is a JSON object"));
        return None;
    };
    let type_path = json::join(path, "type");
    let kind = match object.remove("type") {
        Some(Value::String(kind)) => kind,
        Some(_) => {
            violations.push(violation(&type_path, "invalid_type", "`type` is a string"));
            return None;
        }
        None => {
            violations.push(violation(&type_path, "missing_field", "`type` is required"));
            return None;
        }
    };
    let body = Value::Object(object);
    Some(match kind.as_str() {
        "header" => Section::Header(read(body, path, violations)?),
        "about" => Section::About(read(body, path, violations)?),
        "experience" => Section::Experience(read(body, path, violations)?),
        "education" => Section::Education(read(body, path, violations)?),
        "skills" => Section::Skills(read(body, path, violations)?),
        "projects" => Section::Projects(read(body, path, violations)?),
        "social_links" => Section::SocialLinks(read(body, path, violations)?),
        "contact" => Section::Contact(read(body, path, violations)?),
        "text" => Section::Text(read(body, path, violations)?),
        "image" => Section::Image(read(body, path, violations)?),
        "gallery" => Section::Gallery(read(body, path, violations)?),
        other => {
            let shown: String = other.chars().take(40).collect();
            violations.push(violation(
                &type_path,
                "unknown_section_type",
                format!("`{shown}` is not a section type; expected one of {}", SECTION_TYPES.join(", ")),
            ));
            return None;
        }
    })
}

/// Checks that need more than one value or a limit serde does not know.
struct Checker<'a> {
    ids: &'a mut HashSet<String>,
    violations: &'a mut Vec<Violation>,
}

impl Checker<'_> {
    fn push(&mut self, path: &str, field: &str, code: &'static str, message: impl Into<String>) {
        self.violations.push(violation(&json::join(path, field), code, message));
    }

    fn id(&mut self, path: &str, id: &str) {
        let valid = (1..=64).contains(&id.len())
            && id.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        if !valid {
            self.push(path, "id", "invalid_id", "an id is 1 to 64 letters, digits, `-` or `_`");
        } else if !self.ids.insert(id.to_owned()) {
            self.push(path, "id", "duplicate_id", format!("the id `{id}` is used twice in this document"));
        }
    }

    fn text(&mut self, path: &str, field: &str, value: &str, max: usize, required: bool) {
        if required && value.trim().is_empty() {
            self.push(path, field, "required", format!("`{field}` cannot be empty"));
        } else if value.chars().count() > max {
            self.push(path, field, "too_long", format!("at most {max} characters"));
        } else if value.contains('\0') {
            self.push(path, field, "invalid_text", "text cannot contain the NUL character");
        }
    }

    fn optional(&mut self, path: &str, field: &str, value: Option<&String>, max: usize) {
        if let Some(value) = value {
            self.text(path, field, value, max, false);
        }
    }

    fn rich(&mut self, path: &str, field: &str, value: Option<&RichText>) {
        // The limit applies to the raw input when parsed; sanitizing can only shorten it.
        if value.is_some_and(|value| value.as_html().chars().count() > MAX_RICH_TEXT) {
            self.push(path, field, "too_long", format!("at most {MAX_RICH_TEXT} characters"));
        }
    }

    fn count(&mut self, path: &str, field: &str, length: usize, max: usize) {
        if length > max {
            self.violations.push(too_many(&json::join(path, field), max));
        }
    }

    fn dates(&mut self, path: &str, start: Option<PartialDate>, end: Option<PartialDate>) {
        if let (Some(start), Some(end)) = (start, end) {
            let month = |date: PartialDate, default| (date.year, date.month.unwrap_or(default));
            if month(end, 12) < month(start, 1) {
                self.push(path, "end", "end_before_start", "the end comes before the start");
            }
        }
    }

    fn title(&mut self, path: &str, title: Option<&String>) {
        self.optional(path, "title", title, MAX_SHORT_TEXT);
    }

    fn style(&mut self, path: &str, style: Option<&SectionStyle>) {
        if let Some(size) = style.and_then(|style| style.font_size)
            && !(12..=32).contains(&size)
        {
            self.push(path, "style.font_size", "out_of_range", "a font size is 12 to 32 pixels");
        }
    }
}

fn check_style(style: &PageStyle, violations: &mut Vec<Violation>) {
    if !(12..=24).contains(&style.base_font_size) {
        violations.push(violation("style.base_font_size", "out_of_range", "the base font size is 12 to 24 pixels"));
    }
}

fn check_section(section: &Section, path: &str, ids: &mut HashSet<String>, violations: &mut Vec<Violation>) {
    let mut check = Checker { ids, violations };
    check.id(path, section.id());
    check.style(path, section.style());
    match section {
        Section::Header(header) => {
            check.text(path, "name", &header.name, MAX_SHORT_TEXT, true);
            check.optional(path, "headline", header.headline.as_ref(), MAX_SHORT_TEXT);
            check.optional(path, "location", header.location.as_ref(), MAX_SHORT_TEXT);
            check.rich(path, "summary", header.summary.as_ref());
        }
        Section::About(about) => {
            check.title(path, about.title.as_ref());
            check.rich(path, "body", Some(&about.body));
        }
        Section::Text(text) => {
            check.title(path, text.title.as_ref());
            check.rich(path, "body", Some(&text.body));
        }
        Section::Experience(experience) => {
            check.title(path, experience.title.as_ref());
            check.count(path, "items", experience.items.len(), MAX_ITEMS);
            for (index, item) in experience.items.iter().enumerate() {
                let path = &format!("{path}.items[{index}]");
                check.id(path, &item.id);
                check.text(path, "role", &item.role, MAX_SHORT_TEXT, true);
                check.text(path, "organisation", &item.organisation, MAX_SHORT_TEXT, true);
                check.optional(path, "location", item.location.as_ref(), MAX_SHORT_TEXT);
                check.rich(path, "description", item.description.as_ref());
                check.dates(path, item.start, item.end);
                if item.current && item.end.is_some() {
                    check.push(path, "end", "end_while_current", "a current position has no end date");
                }
                check.count(path, "highlights", item.highlights.len(), 30);
                for (line, highlight) in item.highlights.iter().enumerate() {
                    check.text(path, &format!("highlights[{line}]"), highlight, MAX_LINE, true);
                }
            }
        }
        Section::Education(education) => {
            check.title(path, education.title.as_ref());
            check.count(path, "items", education.items.len(), MAX_ITEMS);
            for (index, item) in education.items.iter().enumerate() {
                let path = &format!("{path}.items[{index}]");
                check.id(path, &item.id);
                check.text(path, "institution", &item.institution, MAX_SHORT_TEXT, true);
                check.optional(path, "degree", item.degree.as_ref(), MAX_SHORT_TEXT);
                check.optional(path, "field", item.field.as_ref(), MAX_SHORT_TEXT);
                check.optional(path, "location", item.location.as_ref(), MAX_SHORT_TEXT);
                check.rich(path, "description", item.description.as_ref());
                check.dates(path, item.start, item.end);
            }
        }
        Section::Skills(skills) => {
            check.title(path, skills.title.as_ref());
            check.count(path, "groups", skills.groups.len(), 50);
            for (index, group) in skills.groups.iter().enumerate() {
                let path = &format!("{path}.groups[{index}]");
                check.id(path, &group.id);
                check.optional(path, "name", group.name.as_ref(), MAX_SHORT_TEXT);
                check.count(path, "skills", group.skills.len(), MAX_ITEMS);
                for (number, skill) in group.skills.iter().enumerate() {
                    let path = &format!("{path}.skills[{number}]");
                    check.text(path, "name", &skill.name, 100, true);
                    if skill.level.is_some_and(|level| !(1..=5).contains(&level)) {
                        check.push(path, "level", "out_of_range", "a level is 1 to 5");
                    }
                }
            }
        }
        Section::Projects(projects) => {
            check.title(path, projects.title.as_ref());
            check.count(path, "items", projects.items.len(), MAX_ITEMS);
            for (index, project) in projects.items.iter().enumerate() {
                let path = &format!("{path}.items[{index}]");
                check.id(path, &project.id);
                check.text(path, "name", &project.name, MAX_SHORT_TEXT, true);
                check.rich(path, "description", project.description.as_ref());
                check.optional(path, "image_alt", project.image_alt.as_ref(), MAX_LINE);
                check.dates(path, project.start, project.end);
                check.count(path, "tags", project.tags.len(), 30);
                for (number, tag) in project.tags.iter().enumerate() {
                    check.text(path, &format!("tags[{number}]"), tag, 50, true);
                }
            }
        }
        Section::SocialLinks(links) => {
            check.title(path, links.title.as_ref());
            check.count(path, "links", links.links.len(), 50);
            for (index, link) in links.links.iter().enumerate() {
                let path = &format!("{path}.links[{index}]");
                check.id(path, &link.id);
                check.optional(path, "label", link.label.as_ref(), 100);
            }
        }
        Section::Contact(contact) => {
            check.title(path, contact.title.as_ref());
            check.rich(path, "message", contact.message.as_ref());
            if let Some(email) = &contact.email {
                let valid = email.len() <= 254
                    && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
                    && !email.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"'".contains(c));
                if !valid {
                    check.push(path, "email", "invalid_email", "not an email address");
                }
            }
            if let Some(phone) = &contact.phone {
                let valid = phone.len() <= 40
                    && phone.chars().any(|c| c.is_ascii_digit())
                    && phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
                if !valid {
                    check.push(path, "phone", "invalid_phone", "a phone number has digits, spaces and + - ( ) .");
                }
            }
            check.optional(path, "location", contact.location.as_ref(), MAX_SHORT_TEXT);
        }
        Section::Image(image) => {
            check.text(path, "alt", &image.alt, MAX_LINE, false);
            check.optional(path, "caption", image.caption.as_ref(), MAX_LINE);
        }
        Section::Gallery(gallery) => {
            check.title(path, gallery.title.as_ref());
            check.count(path, "images", gallery.images.len(), 60);
            for (index, image) in gallery.images.iter().enumerate() {
                let path = &format!("{path}.images[{index}]");
                check.id(path, &image.id);
                check.text(path, "alt", &image.alt, MAX_LINE, false);
                check.optional(path, "caption", image.caption.as_ref(), MAX_LINE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn errors(value: Value) -> Vec<(String, &'static str)> {
        parse(value).unwrap_err().into_iter().map(|violation| (violation.path, violation.code)).collect()
    }

    #[test]
    fn a_minimal_document_reads() {
        let document = parse(json!({"schema_version": 2, "sections": []})).unwrap();
        assert_eq!(document, Document::blank());
    }

    #[test]
    fn every_error_is_reported_with_its_path() {
        let found = errors(json!({
            "schema_version": 2,
            "style": {"colors": {"primary": "red;}</style><script>", "text": "#000", "background": "#fff",
                      "accent": "#000", "muted": "#000"},
                      "heading_font": "inter", "body_font": "comic_sans", "base_font_size": 16,
                      "spacing": "normal", "layout_width": "normal"},
            "sections": [
                {"type": "header", "id": "h", "name": "Ada"},
                {"type": "marquee", "id": "m"},
                {"type": "experience", "id": "x", "items": [
                    {"id": "e1", "role": "Engineer", "organisation": "ACME", "start": "2020-13"}]},
                {"type": "projects", "id": "p", "items": [
                    {"id": "p1", "name": "", "url": "javascript:alert(1)"}]},
                {"type": "education", "id": "h", "items": [
                    {"id": "d1", "institution": "MIT", "start": "2020", "end": "2019"}]},
                "not a section"
            ],
            "extra": true
        }));
        let expected = [
            ("extra", "unknown_field"),
            // serde stops at the first error inside one object; keys are read in sorted order.
            ("style.body_font", "invalid_value"),
            ("sections[1].type", "unknown_section_type"),
            ("sections[2].items[0].start", "invalid_value"),
            ("sections[3].items[0].url", "invalid_value"),
            ("sections[5]", "invalid_type"),
            ("sections[4].id", "duplicate_id"),
            ("sections[4].items[0].end", "end_before_start"),
        ];
        for (path, code) in expected {
            assert!(found.contains(&(path.to_owned(), code)), "missing {path} {code} in {found:?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:?}");
    }

    #[test]
    fn semantic_errors_of_one_section_are_all_reported() {
        let found = errors(json!({"schema_version": 2, "sections": [
            {"type": "experience", "id": "bad id", "items": [
                {"id": "e1", "role": " ", "organisation": "", "current": true, "start": "2020", "end": "2021",
                 "highlights": [""]}]}
        ]}));
        assert_eq!(
            found,
            vec![
                ("sections[0].id".into(), "invalid_id"),
                ("sections[0].items[0].role".into(), "required"),
                ("sections[0].items[0].organisation".into(), "required"),
                ("sections[0].items[0].end".into(), "end_while_current"),
                ("sections[0].items[0].highlights[0]".into(), "required"),
            ]
        );
    }

    #[test]
    fn text_cannot_hold_a_nul_character() {
        let found =
            errors(json!({"schema_version": 2, "sections": [{"type": "header", "id": "h", "name": "Ada\u{0}"}]}));
        assert_eq!(found, vec![("sections[0].name".into(), "invalid_text")]);
        // Rich text goes through the sanitizer, which drops it.
        let document = parse(json!({"schema_version": 2, "sections": [
            {"type": "text", "id": "t", "body": "<p>a\u{0}b</p>"}
        ]}))
        .unwrap();
        let Section::Text(text) = &document.sections[0] else { panic!("a text section") };
        assert!(!text.body.as_html().contains('\0'), "{}", text.body.as_html());
    }

    #[test]
    fn a_document_put_together_in_code_is_held_to_the_same_rules() {
        let items: Vec<Value> = (0..MAX_ITEMS)
            .map(|n| json!({"id": format!("e{n}"), "role": "Engineer", "organisation": format!("Firm {n}")}))
            .collect();
        let mut document =
            parse(json!({"schema_version": 2, "sections": [{"type": "experience", "id": "x", "items": items}]}))
                .unwrap();
        assert_eq!(check(&document), Ok(()));
        let Section::Experience(experience) = &mut document.sections[0] else { panic!("an experience section") };
        experience.items.extend(experience.items.clone());
        let found: Vec<_> =
            check(&document).unwrap_err().into_iter().map(|violation| (violation.path, violation.code)).collect();
        assert!(found.contains(&("sections[0].items".into(), "too_many")), "{found:?}");
    }

    #[test]
    fn versions_outside_the_range_are_refused() {
        assert_eq!(
            errors(json!({"schema_version": 99, "sections": []})),
            vec![("schema_version".into(), "unsupported_version")]
        );
        assert_eq!(errors(json!({"sections": []})), vec![("schema_version".into(), "missing_field")]);
        assert_eq!(errors(json!([])), vec![("".into(), "invalid_type")]);
    }

    #[test]
    fn rich_text_is_sanitized_on_the_way_in() {
        let document = parse(json!({"schema_version": 2, "sections": [
            {"type": "text", "id": "t", "body": "<p onclick=\"x\">Hi<iframe src=\"https://x\"></iframe></p>"}
        ]}))
        .unwrap();
        let Section::Text(text) = &document.sections[0] else { panic!("a text section") };
        assert_eq!(text.body.as_html(), "<p>Hi</p>");
    }
}
