//! LinkedIn's data export, as sections: Profile.csv (name, headline, summary, location,
//! websites), Positions.csv, Education.csv, Skills.csv and, when present, Projects.csv,
//! Certifications.csv, Languages.csv and Honors.csv. Columns are found by their header in
//! any order, in English or French; dates read "Jan 2020", "2020" or nothing.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Skip, new_id, paragraphs};

/// Entries kept per list; the most recent first, as LinkedIn writes them.
pub const MAX_ENTRIES: usize = 200;

/// The column a header names, whatever its language, case or accents.
fn canonical(header: &str) -> Option<&'static str> {
    let folded: String = header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'û' | 'ù' => 'u',
            'ç' => 'c',
            '’' => '\'',
            other => other,
        })
        .collect();
    Some(match folded.as_str() {
        "first name" | "prenom" => "first_name",
        "last name" | "nom de famille" => "last_name",
        "headline" | "titre du profil" | "titre professionnel" => "headline",
        "summary" | "resume" => "summary",
        "geo location" | "location" | "lieu" | "localisation" | "zone geographique" => "location",
        "websites" | "sites web" | "site web" => "websites",
        "company name" | "nom de l'entreprise" | "entreprise" => "company",
        "title" | "titre" | "intitule du poste" => "title",
        "description" => "description",
        "started on" | "start date" | "date de debut" | "debut" => "start",
        "finished on" | "end date" | "date de fin" | "fin" => "end",
        "issued on" | "date d'obtention" => "start",
        "school name" | "nom de l'ecole" | "etablissement" => "school",
        "degree name" | "diplome" => "degree",
        "notes" | "remarques" => "notes",
        "activities" | "activites" => "activities",
        "name" | "nom" | "competence" => "name",
        "url" | "lien" => "url",
        "authority" | "organisme" | "autorite" => "authority",
        "proficiency" | "niveau" | "competence linguistique" => "proficiency",
        _ => return None,
    })
}

/// A CSV file's rows as column → value, or why it could not be read.
fn rows(name: &str, text: &str, skipped: &mut Vec<Skip>) -> Vec<BTreeMap<&'static str, String>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<Option<&'static str>> = match reader.headers() {
        Ok(headers) => headers.iter().map(canonical).collect(),
        Err(error) => {
            skipped.push(Skip::new(name, format!("not a readable CSV file: {error}")));
            return Vec::new();
        }
    };
    if headers.iter().all(Option::is_none) {
        skipped.push(Skip::new(name, "none of its columns is one we know; the file was skipped"));
        return Vec::new();
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        match record {
            Ok(record) => {
                let row: BTreeMap<&'static str, String> = headers
                    .iter()
                    .zip(record.iter())
                    .filter_map(|(column, value)| Some((((*column)?), value.trim().to_owned())))
                    .filter(|(_, value)| !value.is_empty())
                    .collect();
                if !row.is_empty() {
                    rows.push(row);
                }
            }
            Err(error) => {
                skipped.push(Skip::new(format!("{name}, line {}", index + 2), format!("unreadable: {error}")))
            }
        }
    }
    rows
}

const MONTHS: [[&str; 2]; 12] = [
    ["jan", "janv"],
    ["feb", "fevr"],
    ["mar", "mars"],
    ["apr", "avr"],
    ["may", "mai"],
    ["jun", "juin"],
    ["jul", "juil"],
    ["aug", "aout"],
    ["sep", "sept"],
    ["oct", "oct"],
    ["nov", "nov"],
    ["dec", "dec"],
];

/// "Jan 2020", "janv. 2020", "2020-01", "2020" → "2020-01" or "2020"; anything else → None.
pub fn date(text: &str) -> Option<String> {
    let text = text.trim().to_lowercase().replace(['é', 'û'], "e").replace('.', "");
    let mut words = text.split_whitespace();
    let (first, second) = (words.next()?, words.next());
    let year = |word: &str| (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit())).then(|| word.to_owned());
    match second {
        None if first.len() == 7 && first.as_bytes()[4] == b'-' => {
            let (y, m) = first.split_at(4);
            let month: u8 = m[1..].parse().ok()?;
            (year(y).is_some() && (1..=12).contains(&month)).then(|| first.to_owned())
        }
        None => year(first),
        Some(second) => {
            let month = MONTHS.iter().position(|names| names.iter().any(|name| first.starts_with(name)))?;
            Some(format!("{}-{:02}", year(second)?, month + 1))
        }
    }
}

fn dated(
    item: &mut serde_json::Map<String, Value>,
    key: &str,
    value: Option<&String>,
    what: &str,
    skipped: &mut Vec<Skip>,
) {
    let Some(value) = value else { return };
    match date(value) {
        Some(date) => {
            item.insert(key.to_owned(), json!(date));
        }
        None => skipped.push(Skip::new(what, format!("the date `{value}` was not understood and left out"))),
    }
}

/// The sections LinkedIn's files make, in page order.
pub fn sections(files: &BTreeMap<String, String>, imported: &mut Vec<String>, skipped: &mut Vec<Skip>) -> Vec<Value> {
    let mut sections = Vec::new();
    let read =
        |name: &str, skipped: &mut Vec<Skip>| files.get(name).map(|text| rows(name, text, skipped)).unwrap_or_default();

    let profile = read("Profile.csv", skipped);
    let mut links = Vec::new();
    if let Some(profile) = profile.first() {
        let name = [profile.get("first_name"), profile.get("last_name")]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        let mut header = json!({ "type": "header", "id": new_id(), "name": if name.is_empty() { "Your name".to_owned() } else { name } });
        for (key, column) in [("headline", "headline"), ("location", "location")] {
            if let Some(value) = profile.get(column) {
                header[key] = json!(value);
            }
        }
        sections.push(header);
        imported.push("your name, headline and location".to_owned());
        if let Some(summary) = profile.get("summary") {
            sections.push(json!({ "type": "about", "id": new_id(), "body": paragraphs(summary) }));
            imported.push("your summary".to_owned());
        }
        if let Some(websites) = profile.get("websites") {
            // LinkedIn writes `[COMPANY:https://a.example,PERSONAL:https://b.example]`.
            for part in websites.trim_matches(['[', ']']).split(',') {
                let url =
                    part.split_once(':').filter(|(kind, _)| !kind.contains('/')).map_or(part, |(_, url)| url).trim();
                if url.starts_with("http://") || url.starts_with("https://") {
                    links.push(json!({ "id": new_id(), "network": network_of(url), "url": url }));
                }
            }
        }
    }

    let positions = read("Positions.csv", skipped);
    if !positions.is_empty() {
        let mut items = Vec::new();
        for (index, position) in positions.iter().enumerate().take(MAX_ENTRIES) {
            let what = format!("Positions.csv, entry {}", index + 1);
            let (Some(title), Some(company)) = (position.get("title"), position.get("company")) else {
                skipped.push(Skip::new(what, "a position needs a title and a company"));
                continue;
            };
            let mut item = serde_json::Map::new();
            item.insert("id".into(), json!(new_id()));
            item.insert("role".into(), json!(title));
            item.insert("organisation".into(), json!(company));
            if let Some(location) = position.get("location") {
                item.insert("location".into(), json!(location));
            }
            dated(&mut item, "start", position.get("start"), &what, skipped);
            dated(&mut item, "end", position.get("end"), &what, skipped);
            if position.get("end").is_none() && position.get("start").is_some() {
                item.insert("current".into(), json!(true));
            }
            if let Some(description) = position.get("description") {
                item.insert("description".into(), json!(paragraphs(description)));
            }
            items.push(Value::Object(item));
        }
        too_many("Positions.csv", "positions", positions.len(), skipped);
        imported.push(format!("{} positions", items.len()));
        sections.push(json!({ "type": "experience", "id": new_id(), "items": items }));
    }

    let education = read("Education.csv", skipped);
    if !education.is_empty() {
        let mut items = Vec::new();
        for (index, school) in education.iter().enumerate().take(MAX_ENTRIES) {
            let what = format!("Education.csv, entry {}", index + 1);
            let Some(name) = school.get("school") else {
                skipped.push(Skip::new(what, "an entry needs a school name"));
                continue;
            };
            let mut item = serde_json::Map::new();
            item.insert("id".into(), json!(new_id()));
            item.insert("institution".into(), json!(name));
            if let Some(degree) = school.get("degree") {
                item.insert("degree".into(), json!(degree));
            }
            dated(&mut item, "start", school.get("start"), &what, skipped);
            dated(&mut item, "end", school.get("end"), &what, skipped);
            let notes: Vec<&str> =
                ["notes", "activities"].iter().filter_map(|key| school.get(key).map(String::as_str)).collect();
            if !notes.is_empty() {
                item.insert("description".into(), json!(paragraphs(&notes.join("\n\n"))));
            }
            items.push(Value::Object(item));
        }
        too_many("Education.csv", "schools", education.len(), skipped);
        imported.push(format!("{} schools", items.len()));
        sections.push(json!({ "type": "education", "id": new_id(), "items": items }));
    }

    let mut groups = Vec::new();
    let skills = read("Skills.csv", skipped);
    if !skills.is_empty() {
        let names: Vec<Value> = skills
            .iter()
            .filter_map(|skill| skill.get("name"))
            .take(MAX_ENTRIES)
            .map(|name| json!({ "name": name }))
            .collect();
        too_many("Skills.csv", "skills", skills.len(), skipped);
        imported.push(format!("{} skills", names.len()));
        groups.push(json!({ "id": new_id(), "name": "Skills", "skills": names }));
    }
    let languages = read("Languages.csv", skipped);
    if !languages.is_empty() {
        let names: Vec<Value> = languages
            .iter()
            .filter_map(|language| {
                let name = language.get("name")?;
                Some(json!({ "name": match language.get("proficiency") {
                    Some(level) => format!("{name} ({level})"),
                    None => name.clone(),
                } }))
            })
            .take(MAX_ENTRIES)
            .collect();
        imported.push(format!("{} languages", names.len()));
        groups.push(json!({ "id": new_id(), "name": super::json_resume::LANGUAGES, "skills": names }));
    }
    if !groups.is_empty() {
        sections.push(json!({ "type": "skills", "id": new_id(), "groups": groups }));
    }

    let projects = read("Projects.csv", skipped);
    if !projects.is_empty() {
        let mut items = Vec::new();
        for (index, project) in projects.iter().enumerate().take(MAX_ENTRIES) {
            let what = format!("Projects.csv, entry {}", index + 1);
            let Some(title) = project.get("title").or_else(|| project.get("name")) else {
                skipped.push(Skip::new(what, "a project needs a title"));
                continue;
            };
            let mut item = serde_json::Map::new();
            item.insert("id".into(), json!(new_id()));
            item.insert("name".into(), json!(title));
            if let Some(description) = project.get("description") {
                item.insert("description".into(), json!(paragraphs(description)));
            }
            if let Some(url) = project.get("url") {
                item.insert("url".into(), json!(url));
            }
            dated(&mut item, "start", project.get("start"), &what, skipped);
            dated(&mut item, "end", project.get("end"), &what, skipped);
            items.push(Value::Object(item));
        }
        imported.push(format!("{} projects", items.len()));
        sections.push(json!({ "type": "projects", "id": new_id(), "items": items }));
    }

    for (file, title, what) in
        [("Certifications.csv", "Certifications", "certifications"), ("Honors.csv", "Honors and awards", "honors")]
    {
        let entries = read(file, skipped);
        let lines: Vec<String> = entries
            .iter()
            .take(MAX_ENTRIES)
            .filter_map(|entry| {
                let name = entry.get("name").or_else(|| entry.get("title"))?;
                let mut line = super::escape(name);
                if let Some(authority) = entry.get("authority") {
                    line.push_str(&format!(" — {}", super::escape(authority)));
                }
                if let Some(year) = entry.get("start").and_then(|start| date(start)) {
                    line.push_str(&format!(" ({})", &year[..4]));
                }
                Some(format!("<li>{line}</li>"))
            })
            .collect();
        if !lines.is_empty() {
            imported.push(format!("{} {what}", lines.len()));
            sections.push(json!({ "type": "text", "id": new_id(), "title": title, "body": format!("<ul>{}</ul>", lines.concat()) }));
        }
    }

    if !links.is_empty() {
        imported.push(format!("{} websites", links.len()));
        sections.push(json!({ "type": "social_links", "id": new_id(), "links": links }));
    }
    sections
}

fn too_many(file: &str, what: &str, count: usize, skipped: &mut Vec<Skip>) {
    if count > MAX_ENTRIES {
        skipped.push(Skip::new(
            file,
            format!("{} {what} beyond the first {MAX_ENTRIES} were left out", count - MAX_ENTRIES),
        ));
    }
}

/// The network a link's host names.
pub fn network_of(url: &str) -> &'static str {
    let host = url::Url::parse(url).ok().and_then(|url| url.host_str().map(str::to_owned)).unwrap_or_default();
    match host.trim_start_matches("www.") {
        "github.com" => "github",
        "linkedin.com" => "linkedin",
        "x.com" | "twitter.com" => "x",
        "dribbble.com" => "dribbble",
        "behance.net" => "behance",
        _ => "website",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_linkedins_shapes() {
        assert_eq!(date("Jan 2020").as_deref(), Some("2020-01"));
        assert_eq!(date("Sep 2018").as_deref(), Some("2018-09"));
        assert_eq!(date("janv. 2021").as_deref(), Some("2021-01"));
        assert_eq!(date("févr. 2019").as_deref(), Some("2019-02"));
        assert_eq!(date("2020").as_deref(), Some("2020"));
        assert_eq!(date("2020-03").as_deref(), Some("2020-03"));
        assert_eq!(date("Someday 2020"), None);
        assert_eq!(date("soon"), None);
    }

    #[test]
    fn headers_are_found_in_any_language_and_order() {
        assert_eq!(canonical("\u{feff}Company Name"), Some("company"));
        assert_eq!(canonical("Nom de l’entreprise"), Some("company"));
        assert_eq!(canonical("Date de début"), Some("start"));
        assert_eq!(canonical("Finished On"), Some("end"));
        assert_eq!(canonical("Favourite colour"), None);
    }
}
