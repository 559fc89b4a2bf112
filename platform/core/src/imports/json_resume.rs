//! JSON Resume (jsonresume.org, schema v1) in and out. What our document holds maps both
//! ways: basics (name, label, summary, email, phone, city, profiles), work, volunteer (an
//! experience section titled "Volunteering"), education, skills and languages and interests
//! (skill groups), projects, awards, certificates and publications (listed in text sections).
//! What it cannot hold (a photo URL, references, scores, courses, …) is named in the report.

use serde_json::{Map, Value, json};

use super::{Skip, new_id, paragraphs};
use crate::document::{Document, Section};

const VOLUNTEERING: &str = "Volunteering";
pub const LANGUAGES: &str = "Spoken languages";
const INTERESTS: &str = "Interests";

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str).map(str::trim).filter(|text| !text.is_empty())
}

/// `2020-03-15`, `2020-03` or `2020` → `2020-03` / `2020`.
fn month_of(date: &str) -> Option<String> {
    let date = date.trim();
    let year = date.get(..4).filter(|year| year.bytes().all(|b| b.is_ascii_digit()))?;
    match date.get(5..7).filter(|month| month.bytes().all(|b| b.is_ascii_digit())) {
        Some(month) if date.as_bytes().get(4) == Some(&b'-') => Some(format!("{year}-{month}")),
        _ => Some(year.to_owned()),
    }
}

/// Fields of `value` outside `known`, reported as not held.
fn report_unknown(value: &Value, known: &[&str], what: &str, skipped: &mut Vec<Skip>) {
    if let Some(object) = value.as_object() {
        for key in object.keys().filter(|key| !known.contains(&key.as_str())) {
            if !object[key].is_null() && object[key] != json!("") && object[key] != json!([]) {
                skipped.push(Skip::new(format!("{what}.{key}"), "a portfolio has no place for it"));
            }
        }
    }
}

fn list<'a>(resume: &'a Value, key: &str, skipped: &mut Vec<Skip>) -> &'a [Value] {
    match resume.get(key) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(_) => {
            skipped.push(Skip::new(key, "should be a list; left out"));
            &[]
        }
    }
}

fn dated(item: &mut Map<String, Value>, source: &Value, what: &str, skipped: &mut Vec<Skip>) {
    for (from, to) in [("startDate", "start"), ("endDate", "end")] {
        if let Some(date) = text(source, from) {
            match month_of(date) {
                Some(month) => {
                    item.insert(to.into(), json!(month));
                }
                None => skipped.push(Skip::new(format!("{what}.{from}"), format!("`{date}` is not a date; left out"))),
            }
        }
    }
}

fn experience(entries: &[Value], key: &str, title: Option<&str>, skipped: &mut Vec<Skip>) -> Option<Value> {
    let mut items = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let what = format!("{key}[{index}]");
        let organisation =
            text(entry, if key == "volunteer" { "organization" } else { "name" }).or_else(|| text(entry, "company"));
        let (Some(organisation), Some(role)) = (organisation, text(entry, "position")) else {
            skipped.push(Skip::new(what, "needs a name and a position; left out"));
            continue;
        };
        let mut item = Map::new();
        item.insert("id".into(), json!(new_id()));
        item.insert("role".into(), json!(role));
        item.insert("organisation".into(), json!(organisation));
        if let Some(location) = text(entry, "location") {
            item.insert("location".into(), json!(location));
        }
        dated(&mut item, entry, &what, skipped);
        if let Some(summary) = text(entry, "summary").or_else(|| text(entry, "description")) {
            item.insert("description".into(), json!(paragraphs(summary)));
        }
        if let Some(highlights) = entry.get("highlights").and_then(Value::as_array) {
            let lines: Vec<&str> = highlights.iter().filter_map(Value::as_str).collect();
            item.insert("highlights".into(), json!(lines));
        }
        let known = [
            "name",
            "organization",
            "company",
            "position",
            "location",
            "startDate",
            "endDate",
            "summary",
            "description",
            "highlights",
        ];
        report_unknown(entry, &known, &what, skipped);
        items.push(Value::Object(item));
    }
    if items.is_empty() {
        return None;
    }
    let mut section = json!({ "type": "experience", "id": new_id(), "items": items });
    if let Some(title) = title {
        section["title"] = json!(title);
    }
    Some(section)
}

/// Text fields of each part of a resume, by the list (or object) that holds them.
const TEXT_FIELDS: [(&str, &[&str]); 8] = [
    ("basics", &["name", "label", "summary", "email", "phone", "url"]),
    ("work", &["name", "position", "location", "startDate", "endDate", "summary"]),
    ("volunteer", &["organization", "position", "startDate", "endDate", "summary"]),
    ("education", &["institution", "area", "studyType", "startDate", "endDate"]),
    ("skills", &["name"]),
    ("projects", &["name", "description", "url", "startDate", "endDate"]),
    ("languages", &["language", "fluency"]),
    ("interests", &["name"]),
];

/// Reports values of the wrong type (a number where text belongs, text where a list does):
/// they are left out.
fn report_wrong_types(resume: &Value, skipped: &mut Vec<Skip>) {
    for (part, fields) in TEXT_FIELDS {
        let entries: Vec<(String, &Value)> = match resume.get(part) {
            Some(Value::Array(items)) => {
                items.iter().enumerate().map(|(index, item)| (format!("{part}[{index}]"), item)).collect()
            }
            Some(object @ Value::Object(_)) => vec![(part.to_owned(), object)],
            _ => Vec::new(),
        };
        for (what, entry) in entries {
            for field in fields {
                if let Some(value) = entry.get(*field).filter(|value| !value.is_null() && !value.is_string()) {
                    skipped
                        .push(Skip::new(format!("{what}.{field}"), format!("should be text, not {value}; left out")));
                }
            }
            for list_field in ["highlights", "keywords", "profiles"] {
                if let Some(value) = entry.get(list_field).filter(|value| !value.is_null() && !value.is_array()) {
                    skipped.push(Skip::new(
                        format!("{what}.{list_field}"),
                        format!("should be a list, not {value}; left out"),
                    ));
                }
            }
        }
    }
}

/// The sections a resume makes, with what was imported and what was not.
pub fn sections(resume: &Value, imported: &mut Vec<String>, skipped: &mut Vec<Skip>) -> Vec<Value> {
    let mut sections = Vec::new();
    report_wrong_types(resume, skipped);
    let basics = resume.get("basics").cloned().unwrap_or(Value::Null);
    if basics.is_object() {
        let mut header =
            json!({ "type": "header", "id": new_id(), "name": text(&basics, "name").unwrap_or("Your name") });
        if let Some(label) = text(&basics, "label") {
            header["headline"] = json!(label);
        }
        let location = basics.get("location").cloned().unwrap_or(Value::Null);
        let place: Vec<&str> =
            ["city", "region", "countryCode"].iter().filter_map(|key| text(&location, key)).collect();
        if !place.is_empty() {
            header["location"] = json!(place.join(", "));
        }
        report_unknown(&location, &["city", "region", "countryCode"], "basics.location", skipped);
        sections.push(header);
        imported.push("name, headline and location".into());
        if let Some(summary) = text(&basics, "summary") {
            sections.push(json!({ "type": "about", "id": new_id(), "body": paragraphs(summary) }));
            imported.push("summary".into());
        }
        let mut links = Vec::new();
        if let Some(url) = text(&basics, "url") {
            links.push(json!({ "id": new_id(), "network": "website", "url": url }));
        }
        for (index, profile) in list(&basics, "profiles", skipped).iter().enumerate() {
            match text(profile, "url") {
                Some(url) => {
                    let network = super::linkedin::network_of(url);
                    let mut link = json!({ "id": new_id(), "network": network, "url": url });
                    if let Some(label) = text(profile, "network") {
                        link["label"] = json!(label);
                    }
                    links.push(link);
                }
                None => {
                    skipped.push(Skip::new(format!("basics.profiles[{index}]"), "a profile without a URL; left out"))
                }
            }
        }
        if !links.is_empty() {
            imported.push(format!("{} links", links.len()));
            sections.push(json!({ "type": "social_links", "id": new_id(), "links": links }));
        }
        if text(&basics, "email").is_some() || text(&basics, "phone").is_some() {
            let mut contact = json!({ "type": "contact", "id": new_id() });
            for key in ["email", "phone"] {
                if let Some(value) = text(&basics, key) {
                    contact[key] = json!(value);
                }
            }
            sections.push(contact);
            imported.push("contact details".into());
        }
        report_unknown(
            &basics,
            &["name", "label", "summary", "location", "url", "profiles", "email", "phone"],
            "basics",
            skipped,
        );
    } else if resume.get("basics").is_some_and(|basics| !basics.is_null()) {
        skipped.push(Skip::new("basics", "should be an object; left out"));
    }

    if let Some(section) = experience(list(resume, "work", skipped), "work", None, skipped) {
        imported.push(format!("{} positions", section["items"].as_array().map_or(0, Vec::len)));
        sections.push(section);
    }
    if let Some(section) = experience(list(resume, "volunteer", skipped), "volunteer", Some(VOLUNTEERING), skipped) {
        imported.push("volunteering".into());
        sections.push(section);
    }

    let mut schools = Vec::new();
    for (index, entry) in list(resume, "education", skipped).iter().enumerate() {
        let what = format!("education[{index}]");
        let Some(institution) = text(entry, "institution") else {
            skipped.push(Skip::new(what, "needs an institution; left out"));
            continue;
        };
        let mut item = Map::new();
        item.insert("id".into(), json!(new_id()));
        item.insert("institution".into(), json!(institution));
        if let Some(degree) = text(entry, "studyType") {
            item.insert("degree".into(), json!(degree));
        }
        if let Some(area) = text(entry, "area") {
            item.insert("field".into(), json!(area));
        }
        dated(&mut item, entry, &what, skipped);
        report_unknown(entry, &["institution", "studyType", "area", "startDate", "endDate"], &what, skipped);
        schools.push(Value::Object(item));
    }
    if !schools.is_empty() {
        imported.push(format!("{} schools", schools.len()));
        sections.push(json!({ "type": "education", "id": new_id(), "items": schools }));
    }

    let mut groups = Vec::new();
    for (index, skill) in list(resume, "skills", skipped).iter().enumerate() {
        let what = format!("skills[{index}]");
        let keywords: Vec<Value> = skill
            .get("keywords")
            .and_then(Value::as_array)
            .map(|words| words.iter().filter_map(Value::as_str).map(|name| json!({ "name": name })).collect())
            .unwrap_or_default();
        let name = text(skill, "name");
        let skills = if keywords.is_empty() {
            name.map(|name| vec![json!({ "name": name })]).unwrap_or_default()
        } else {
            keywords
        };
        if skills.is_empty() {
            skipped.push(Skip::new(what, "a skill without a name; left out"));
            continue;
        }
        report_unknown(skill, &["name", "keywords"], &what, skipped);
        groups.push(json!({ "id": new_id(), "name": name, "skills": skills }));
    }
    for (key, title, name_key, detail_key) in
        [("languages", LANGUAGES, "language", "fluency"), ("interests", INTERESTS, "name", "")]
    {
        let names: Vec<Value> = list(resume, key, skipped)
            .iter()
            .filter_map(|entry| {
                let name = text(entry, name_key)?;
                Some(json!({ "name": match text(entry, detail_key) {
                    Some(detail) => format!("{name} ({detail})"),
                    None => name.to_owned(),
                } }))
            })
            .collect();
        if !names.is_empty() {
            imported.push(key.to_owned());
            groups.push(json!({ "id": new_id(), "name": title, "skills": names }));
        }
    }
    if !groups.is_empty() {
        imported.push("skills".into());
        sections.push(json!({ "type": "skills", "id": new_id(), "groups": groups }));
    }

    let mut projects = Vec::new();
    for (index, entry) in list(resume, "projects", skipped).iter().enumerate() {
        let what = format!("projects[{index}]");
        let Some(name) = text(entry, "name") else {
            skipped.push(Skip::new(what, "a project without a name; left out"));
            continue;
        };
        let mut item = Map::new();
        item.insert("id".into(), json!(new_id()));
        item.insert("name".into(), json!(name));
        if let Some(description) = text(entry, "description") {
            item.insert("description".into(), json!(paragraphs(description)));
        }
        if let Some(url) = text(entry, "url") {
            item.insert("url".into(), json!(url));
        }
        if let Some(keywords) = entry.get("keywords").and_then(Value::as_array) {
            item.insert("tags".into(), json!(keywords.iter().filter_map(Value::as_str).collect::<Vec<_>>()));
        }
        dated(&mut item, entry, &what, skipped);
        report_unknown(entry, &["name", "description", "url", "keywords", "startDate", "endDate"], &what, skipped);
        projects.push(Value::Object(item));
    }
    if !projects.is_empty() {
        imported.push(format!("{} projects", projects.len()));
        sections.push(json!({ "type": "projects", "id": new_id(), "items": projects }));
    }

    for (key, title, name_key, by_key, date_key) in [
        ("awards", "Awards", "title", "awarder", "date"),
        ("certificates", "Certificates", "name", "issuer", "date"),
        ("publications", "Publications", "name", "publisher", "releaseDate"),
    ] {
        let lines: Vec<String> = list(resume, key, skipped)
            .iter()
            .filter_map(|entry| {
                let mut line = super::escape(text(entry, name_key)?);
                if let Some(by) = text(entry, by_key) {
                    line.push_str(&format!(" — {}", super::escape(by)));
                }
                if let Some(year) = text(entry, date_key).and_then(month_of) {
                    line.push_str(&format!(" ({})", &year[..4]));
                }
                Some(format!("<li>{line}</li>"))
            })
            .collect();
        if !lines.is_empty() {
            imported.push(key.to_owned());
            skipped.push(Skip::new(key, "kept as a list of text: their links and summaries have no place"));
            sections.push(json!({ "type": "text", "id": new_id(), "title": title, "body": format!("<ul>{}</ul>", lines.concat()) }));
        }
    }
    if !list(resume, "references", skipped).is_empty() {
        skipped.push(Skip::new("references", "a portfolio has no place for references"));
    }
    sections
}

/// A link as it was written: the parser adds a `/` to a bare host.
fn link(url: &crate::document::values::LinkUrl) -> String {
    let text = url.to_string();
    match text.strip_suffix('/') {
        Some(bare) if !bare.trim_start_matches("https://").trim_start_matches("http://").contains('/') => {
            bare.to_owned()
        }
        _ => text,
    }
}

fn set(object: &mut Map<String, Value>, key: &str, value: Option<String>) {
    if let Some(value) = value.filter(|value| !value.is_empty()) {
        object.insert(key.into(), json!(value));
    }
}

/// A portfolio as a JSON Resume.
pub fn export(document: &Document) -> Value {
    let mut basics = Map::new();
    let mut resume = Map::new();
    let mut work = Vec::new();
    let mut volunteer = Vec::new();
    let (mut education, mut skills, mut languages, mut interests, mut projects, mut profiles) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let date = |date: &Option<crate::document::values::PartialDate>| date.as_ref().map(ToString::to_string);
    for section in &document.sections {
        match section {
            Section::Header(header) => {
                set(&mut basics, "name", Some(header.name.clone()));
                set(&mut basics, "label", header.headline.clone());
                if let Some(location) = &header.location {
                    basics.insert("location".into(), json!({ "city": location }));
                }
                if let Some(summary) = &header.summary {
                    set(&mut basics, "summary", Some(summary.text_with_paragraphs()));
                }
            }
            Section::About(about) if !basics.contains_key("summary") => {
                set(&mut basics, "summary", Some(about.body.text_with_paragraphs()));
            }
            Section::Experience(experience) => {
                let target = if experience.title.as_deref() == Some(VOLUNTEERING) { &mut volunteer } else { &mut work };
                for item in &experience.items {
                    let mut entry = Map::new();
                    let name_key =
                        if experience.title.as_deref() == Some(VOLUNTEERING) { "organization" } else { "name" };
                    set(&mut entry, name_key, Some(item.organisation.clone()));
                    set(&mut entry, "position", Some(item.role.clone()));
                    set(&mut entry, "location", item.location.clone());
                    set(&mut entry, "startDate", date(&item.start));
                    set(&mut entry, "endDate", date(&item.end));
                    set(&mut entry, "summary", item.description.as_ref().map(|text| text.text_with_paragraphs()));
                    if !item.highlights.is_empty() {
                        entry.insert("highlights".into(), json!(item.highlights));
                    }
                    target.push(Value::Object(entry));
                }
            }
            Section::Education(section) => {
                for item in &section.items {
                    let mut entry = Map::new();
                    set(&mut entry, "institution", Some(item.institution.clone()));
                    set(&mut entry, "studyType", item.degree.clone());
                    set(&mut entry, "area", item.field.clone());
                    set(&mut entry, "startDate", date(&item.start));
                    set(&mut entry, "endDate", date(&item.end));
                    education.push(Value::Object(entry));
                }
            }
            Section::Skills(section) => {
                for group in &section.groups {
                    let names: Vec<&str> = group.skills.iter().map(|skill| skill.name.as_str()).collect();
                    let split = |name: &str| match name.strip_suffix(')').and_then(|name| name.split_once(" (")) {
                        Some((name, detail)) => (name.to_owned(), Some(detail.to_owned())),
                        None => (name.to_owned(), None),
                    };
                    match group.name.as_deref() {
                        Some(LANGUAGES) => languages.extend(names.iter().map(|name| {
                            let (language, fluency) = split(name);
                            let mut entry = Map::new();
                            set(&mut entry, "language", Some(language));
                            set(&mut entry, "fluency", fluency);
                            Value::Object(entry)
                        })),
                        Some(INTERESTS) => interests.extend(names.iter().map(|name| json!({ "name": name }))),
                        name => {
                            let mut entry = Map::new();
                            set(&mut entry, "name", name.map(str::to_owned));
                            entry.insert("keywords".into(), json!(names));
                            skills.push(Value::Object(entry));
                        }
                    }
                }
            }
            Section::Projects(section) => {
                for item in &section.items {
                    let mut entry = Map::new();
                    set(&mut entry, "name", Some(item.name.clone()));
                    set(&mut entry, "description", item.description.as_ref().map(|text| text.text_with_paragraphs()));
                    set(&mut entry, "url", item.url.as_ref().map(link));
                    set(&mut entry, "startDate", date(&item.start));
                    set(&mut entry, "endDate", date(&item.end));
                    if !item.tags.is_empty() {
                        entry.insert("keywords".into(), json!(item.tags));
                    }
                    projects.push(Value::Object(entry));
                }
            }
            Section::SocialLinks(section) => {
                for link in &section.links {
                    let url = self::link(&link.url);
                    if link.network.as_str() == "website" && !basics.contains_key("url") && link.label.is_none() {
                        basics.insert("url".into(), json!(url));
                        continue;
                    }
                    let mut entry = Map::new();
                    set(
                        &mut entry,
                        "network",
                        Some(link.label.clone().unwrap_or_else(|| link.network.label().to_owned())),
                    );
                    set(&mut entry, "url", Some(url));
                    profiles.push(Value::Object(entry));
                }
            }
            Section::Contact(contact) => {
                set(&mut basics, "email", contact.email.clone());
                set(&mut basics, "phone", contact.phone.clone());
            }
            _ => {}
        }
    }
    if !profiles.is_empty() {
        basics.insert("profiles".into(), json!(profiles));
    }
    resume.insert(
        "$schema".into(),
        json!("https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"),
    );
    resume.insert("basics".into(), Value::Object(basics));
    for (key, entries) in [
        ("work", work),
        ("volunteer", volunteer),
        ("education", education),
        ("skills", skills),
        ("languages", languages),
        ("interests", interests),
        ("projects", projects),
    ] {
        if !entries.is_empty() {
            resume.insert(key.into(), json!(entries));
        }
    }
    Value::Object(resume)
}
