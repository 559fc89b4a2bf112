//! Careers brought in from elsewhere: LinkedIn's data export and JSON Resume. An upload is
//! checked and reduced to the files an import reads, recorded as a job and queued in one
//! transaction; the worker turns it into sections, parses them like any document (a value that
//! breaks a rule is left out and said so, never half-written), and keeps a preview with a
//! report: what was imported, what was skipped and why. Applying the preview makes a new
//! portfolio, or adds the new entries to an existing one (entries already there, by
//! organisation, title and start, are skipped): each application is a new version.

pub mod archive;
pub mod json_resume;
pub mod linkedin;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use crate::accounts::UserId;
use crate::document::{self, Document, Section};
use crate::jobs::{self, IMPORT_QUEUE, Import};
use crate::portfolios::{self, PortfolioId};
use crate::themes::Theme;
use crate::workspaces::{self, Role, WorkspaceId};
use crate::{Error, Result};

/// The largest upload an import takes.
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    LinkedinArchive,
    JsonResume,
}

/// An uploaded file.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Something left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skip {
    pub what: String,
    pub why: String,
}

impl Skip {
    pub fn new(what: impl Into<String>, why: impl Into<String>) -> Skip {
        Skip { what: what.into(), why: why.into() }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub imported: Vec<String>,
    pub skipped: Vec<Skip>,
}

/// The import's input, frozen with its job: only the files it reads, as text.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Input {
    kind: Kind,
    files: BTreeMap<String, String>,
    template: String,
    /// What the upload held that is not read.
    skipped: Vec<Skip>,
}

/// What a finished import offers, kept with its job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Preview {
    pub kind: String,
    /// For a new portfolio: every section; for an existing one: what would be added.
    pub sections: Vec<Value>,
    pub report: Report,
    /// Set once applied, to the portfolio that received it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_to: Option<Uuid>,
}

pub(crate) fn new_id() -> String {
    Uuid::new_v4().simple().to_string()[..12].to_owned()
}

/// Plain text as rich text: paragraphs at blank lines, line breaks kept, everything escaped.
pub fn paragraphs(text: &str) -> String {
    let normalized = text.replace("\r\n", "\n");
    normalized
        .split("\n\n")
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .map(|paragraph| format!("<p>{}</p>", escape(paragraph).replace('\n', "<br>")))
        .collect()
}

/// Text made safe to put in HTML.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Checks an upload and queues its import; answers the job.
pub async fn request(
    pool: &PgPool,
    workspace: WorkspaceId,
    actor: UserId,
    kind: Kind,
    uploads: Vec<Upload>,
    portfolio: Option<Uuid>,
    template: Option<&str>,
) -> Result<Uuid> {
    workspaces::require_role(pool, workspace, actor, Role::Editor).await?;
    if let Some(portfolio) = portfolio
        && !portfolios::is_in_workspace(&mut *pool.acquire().await?, workspace, portfolio).await?
    {
        return Err(Error::NotFound);
    }
    let template = Theme::parse_field("template", template, Theme::Modern)?;
    if uploads.is_empty() {
        return Err(Error::invalid("file", "required", "choose a file to import"));
    }
    let mut skipped = Vec::new();
    let files = match kind {
        Kind::LinkedinArchive => archive::linkedin_files(uploads, &mut skipped)?,
        Kind::JsonResume => {
            let [upload] = <[Upload; 1]>::try_from(uploads)
                .map_err(|_| Error::invalid("file", "one_file", "upload one resume.json file"))?;
            let text = std::str::from_utf8(upload.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&upload.bytes))
                .map_err(|_| Error::invalid("file", "not_json", format!("{} is not a JSON text file", upload.name)))?;
            let value: Value = serde_json::from_str(text).map_err(|error| {
                Error::invalid("file", "not_json", format!("{} is not valid JSON: {error}", upload.name))
            })?;
            if !value.is_object() {
                return Err(Error::invalid(
                    "file",
                    "not_json_resume",
                    "a JSON Resume is an object with `basics`, `work`, …",
                ));
            }
            BTreeMap::from([("resume.json".to_owned(), text.to_owned())])
        }
    };
    let input = Input { kind, files, template: template.id().to_owned(), skipped };
    let input = serde_json::to_value(&input).map_err(|error| anyhow::anyhow!("encoding an import: {error}"))?;
    let id = Uuid::new_v4();
    let mut transaction = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO jobs (id, workspace_id, portfolio_id, kind, input, created_by) VALUES ($1, $2, $3, 'import', $4, $5)",
        id,
        workspace.0,
        portfolio,
        input,
        actor.0,
    )
    .execute(&mut *transaction)
    .await?;
    jobs::enqueue(&mut transaction, IMPORT_QUEUE, &Import { job_id: id }).await?;
    transaction.commit().await?;
    Ok(id)
}

/// One step of a violation's path: a field, or an index into a list.
fn steps(path: &str) -> Vec<(String, Option<usize>)> {
    path.split('.')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('[') {
            Some((name, index)) => (name.to_owned(), index.trim_end_matches(']').parse().ok()),
            None => (part.to_owned(), None),
        })
        .collect()
}

/// Fields an entry cannot do without: breaking one leaves the whole entry out.
const ESSENTIAL: [&str; 8] = ["type", "id", "name", "role", "organisation", "institution", "body", "network"];

/// The value at `steps` (the first step names the section).
fn walk<'a>(sections: &'a mut [Value], steps: &[(String, Option<usize>)]) -> Option<&'a mut Value> {
    let mut target = sections.get_mut(steps.first()?.1?)?;
    for (name, index) in &steps[1..] {
        target = target.get_mut(name)?;
        if let Some(index) = index {
            target = target.get_mut(*index)?;
        }
    }
    Some(target)
}

/// Removes what a violation points at: the field when its entry can do without it, else the
/// deepest list entry on the path, else the section. Answers the path of what was removed.
fn remove_at(sections: &mut Vec<Value>, path: &str) -> Option<String> {
    let steps = steps(path);
    let (first, section) = steps.first()?;
    let section = (*section).filter(|_| first == "sections")?;
    let (leaf, leaf_index) = steps.last()?;
    if steps.len() > 1 && leaf_index.is_none() && !ESSENTIAL.contains(&leaf.as_str()) {
        // A required field that is missing cannot be removed: its entry goes instead.
        let removed = walk(sections, &steps[..steps.len() - 1])
            .and_then(Value::as_object_mut)
            .and_then(|object| object.remove(leaf));
        if removed.is_some() {
            return Some(path.to_owned());
        }
    }
    for depth in (1..steps.len()).rev() {
        if let (name, Some(index)) = &steps[depth] {
            let list = walk(sections, &steps[..depth])?.get_mut(name)?.as_array_mut()?;
            if *index < list.len() {
                list.remove(*index);
                let removed: Vec<String> = steps[..=depth]
                    .iter()
                    .map(|(name, index)| index.map_or_else(|| name.clone(), |index| format!("{name}[{index}]")))
                    .collect();
                return Some(removed.join("."));
            }
        }
    }
    (section < sections.len()).then(|| sections.remove(section))?;
    Some(format!("sections[{section}]"))
}

/// Parses sections like any document, leaving out (and reporting) what breaks a rule.
pub fn lenient(mut sections: Vec<Value>, skipped: &mut Vec<Skip>) -> Document {
    for _ in 0..2_000 {
        let value = json!({ "schema_version": document::SCHEMA_VERSION, "sections": sections });
        match document::parse(value) {
            Ok(document) => return document,
            Err(violations) => {
                let violation = &violations[0];
                match remove_at(&mut sections, &violation.path) {
                    Some(removed) => skipped.push(Skip::new(removed, violation.message.clone())),
                    None => {
                        skipped.push(Skip::new(
                            violation.path.clone(),
                            format!("{}; the import stopped here", violation.message),
                        ));
                        break;
                    }
                }
            }
        }
    }
    Document::blank()
}

/// The identity of an entry for finding duplicates: organisation (or school, or name), title
/// and start, compared without case.
fn entry_key(section: &str, item: &Value) -> Option<String> {
    let field = |key: &str| item.get(key).and_then(Value::as_str).unwrap_or("").trim().to_lowercase();
    Some(match section {
        "experience" => format!("{}|{}|{}", field("organisation"), field("role"), field("start")),
        "education" => format!("{}|{}|{}", field("institution"), field("degree"), field("start")),
        "projects" => format!("{}||{}", field("name"), field("start")),
        _ => return None,
    })
}

/// What an import adds to `existing`: new sections whole, and for sections of a type already
/// there the entries not yet in it; duplicates go to the report.
fn additions(existing: &Document, imported: &Document, report: &mut Report) -> Vec<Value> {
    let existing_json = serde_json::to_value(&existing.sections).unwrap_or_default();
    let mut added = Vec::new();
    for section in &imported.sections {
        let kind = section.type_name();
        let value = serde_json::to_value(section).unwrap_or_default();
        let same: Vec<&Value> = existing_json.as_array().into_iter().flatten().filter(|s| s["type"] == kind).collect();
        if same.is_empty() {
            added.push(value);
            continue;
        }
        match kind {
            "experience" | "education" | "projects" => {
                let known: std::collections::HashSet<String> = same
                    .iter()
                    .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
                    .filter_map(|item| entry_key(kind, &item))
                    .collect();
                let mut fresh = Vec::new();
                for item in value["items"].as_array().cloned().unwrap_or_default() {
                    if entry_key(kind, &item).is_some_and(|key| known.contains(&key)) {
                        let label = ["organisation", "institution", "name"]
                            .iter()
                            .find_map(|key| item[key].as_str())
                            .unwrap_or("an entry");
                        report.skipped.push(Skip::new(format!("{kind}: {label}"), "already in the portfolio"));
                    } else {
                        fresh.push(item);
                    }
                }
                if !fresh.is_empty() {
                    let mut partial = value.clone();
                    partial["items"] = json!(fresh);
                    added.push(partial);
                }
            }
            "header" | "about" | "contact" => {
                report.skipped.push(Skip::new(kind, "the portfolio has one already; it was kept as it is"));
            }
            _ => added.push(value),
        }
    }
    added
}

/// The worker's run of an import job.
pub async fn run(pool: &PgPool, id: Uuid) -> Result<()> {
    let row = sqlx::query!(
        r#"UPDATE jobs SET status = 'running', started_at = coalesce(started_at, now()), progress = 10, error = NULL
           WHERE id = $1 AND status IN ('queued', 'running') AND kind = 'import'
           RETURNING workspace_id, portfolio_id, input"#,
        id
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(()) };
    let input: Input = serde_json::from_value(row.input)
        .map_err(|error| anyhow::anyhow!("the import's input does not read: {error}"))?;
    let mut report = Report { imported: Vec::new(), skipped: input.skipped.clone() };
    let sections = match input.kind {
        Kind::LinkedinArchive => linkedin::sections(&input.files, &mut report.imported, &mut report.skipped),
        Kind::JsonResume => {
            let resume: Value = serde_json::from_str(input.files.get("resume.json").map_or("{}", String::as_str))
                .map_err(|error| anyhow::anyhow!("the stored resume does not read: {error}"))?;
            json_resume::sections(&resume, &mut report.imported, &mut report.skipped)
        }
    };
    let document = lenient(sections, &mut report.skipped);
    let preview = match row.portfolio_id {
        None => Preview {
            kind: "new_portfolio".into(),
            sections: document
                .sections
                .iter()
                .map(|section| serde_json::to_value(section).unwrap_or_default())
                .collect(),
            report,
            applied_to: None,
        },
        Some(portfolio) => {
            let stored =
                sqlx::query_scalar!("SELECT document FROM portfolios WHERE id = $1", portfolio).fetch_one(pool).await?;
            let existing = portfolios::read_stored(stored)?;
            let sections = additions(&existing, &document, &mut report);
            Preview { kind: "merge".into(), sections, report, applied_to: None }
        }
    };
    let failed = preview.sections.is_empty().then(|| {
        let reasons: Vec<String> =
            preview.report.skipped.iter().take(5).map(|skip| format!("{}: {}", skip.what, skip.why)).collect();
        format!("nothing could be imported ({})", reasons.join("; "))
    });
    let result = serde_json::to_value(&preview).map_err(|error| anyhow::anyhow!("encoding a preview: {error}"))?;
    sqlx::query!(
        "UPDATE jobs SET status = CASE WHEN $3::text IS NULL THEN 'done' ELSE 'failed' END, progress = 100, result = $2,
                error = $3, finished_at = now()
         WHERE id = $1",
        id,
        result,
        failed,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Applies a finished import: a new portfolio, or the new entries added to the job's
/// portfolio as a new version. `chosen` lists the section ids to apply; all when `None`.
pub async fn apply(pool: &PgPool, id: Uuid, actor: UserId, chosen: Option<&[String]>) -> Result<PortfolioId> {
    // The job's row stays locked until it records where it was applied: a second click waits,
    // then finds it applied.
    let mut lock = pool.begin().await?;
    let row = sqlx::query!(
        r#"SELECT j.workspace_id, j.portfolio_id, j.result, j.status, j.input->>'template' AS template
           FROM jobs j JOIN workspace_members m ON m.workspace_id = j.workspace_id AND m.user_id = $2
           WHERE j.id = $1 AND j.kind = 'import'
           FOR UPDATE OF j"#,
        id,
        actor.0
    )
    .fetch_optional(&mut *lock)
    .await?
    .ok_or(Error::NotFound)?;
    let workspace = WorkspaceId(row.workspace_id);
    workspaces::require_role(pool, workspace, actor, Role::Editor).await?;
    let Some(result) = row.result.filter(|_| row.status == "done") else {
        return Err(Error::conflict("import_not_ready", None, "the import has not finished"));
    };
    let mut preview: Preview =
        serde_json::from_value(result).map_err(|error| anyhow::anyhow!("a stored preview does not read: {error}"))?;
    if preview.applied_to.is_some() {
        return Err(Error::conflict("import_applied", None, "this import was applied already"));
    }
    let picked: Vec<Value> = preview
        .sections
        .iter()
        .filter(|section| chosen.is_none_or(|ids| ids.iter().any(|id| section["id"] == json!(id))))
        .cloned()
        .collect();
    if picked.is_empty() {
        return Err(Error::invalid("sections", "nothing_chosen", "choose at least one section to import"));
    }
    let sections: Vec<Section> = picked
        .into_iter()
        .map(serde_json::from_value)
        .collect::<std::result::Result<_, _>>()
        .map_err(|error| anyhow::anyhow!("a stored section does not read: {error}"))?;
    let portfolio = match row.portfolio_id {
        None => {
            let theme = Theme::parse(row.template.as_deref().unwrap_or("modern")).unwrap_or(Theme::Modern);
            portfolios::create_from_sections(pool, &mut lock, workspace, actor, theme, sections, "Imported portfolio")
                .await?
        }
        Some(portfolio) => {
            let id = PortfolioId(portfolio);
            let (mut document, revision) = portfolios::document(pool, id, actor).await?;
            for section in sections {
                let same = document.sections.iter_mut().find(|existing| existing.type_name() == section.type_name());
                match (same, section) {
                    (Some(Section::Experience(existing)), Section::Experience(new)) => existing.items.extend(new.items),
                    (Some(Section::Education(existing)), Section::Education(new)) => existing.items.extend(new.items),
                    (Some(Section::Projects(existing)), Section::Projects(new)) => existing.items.extend(new.items),
                    (_, section) => document.sections.push(section),
                }
            }
            // Merged in code, the document meets the rules a client's document is parsed by.
            crate::document::check(&document).map_err(Error::InvalidDocument)?;
            portfolios::save_document(pool, id, actor, revision, &document, Some("import")).await?;
            id
        }
    };
    preview.applied_to = Some(portfolio.0);
    let result = serde_json::to_value(&preview).map_err(|error| anyhow::anyhow!("encoding a preview: {error}"))?;
    sqlx::query!("UPDATE jobs SET result = $2, portfolio_id = $3 WHERE id = $1", id, result, portfolio.0)
        .execute(&mut *lock)
        .await?;
    lock.commit().await?;
    Ok(portfolio)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_breaks_a_rule_is_left_out_and_said() {
        let sections = vec![
            json!({ "type": "header", "id": "h", "name": "Ana" }),
            json!({ "type": "experience", "id": "e", "items": [
                { "id": "a", "role": "Engineer", "organisation": "Ledgerly", "start": "June 2020" },
                { "id": "b", "role": "", "organisation": "Paystream" },
            ]}),
            json!({ "type": "projects", "id": "p", "items": [{ "id": "c", "name": "Ledger", "url": "not a url" }] }),
        ];
        let mut skipped = Vec::new();
        let document = lenient(sections, &mut skipped);
        assert_eq!(document.sections.len(), 3, "{skipped:?}");
        let Section::Experience(experience) = &document.sections[1] else { panic!("{document:?}") };
        assert_eq!(experience.items.len(), 1, "{skipped:?}");
        assert!(experience.items[0].start.is_none(), "a bad date goes, the position stays");
        let Section::Projects(projects) = &document.sections[2] else { panic!() };
        assert!(projects.items[0].url.is_none());
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(skipped.iter().any(|skip| skip.what == "sections[1].items[1]"), "{skipped:?}");
    }

    #[test]
    fn text_goes_in_and_out_of_rich_text() {
        let html = paragraphs("Built <ledgers> & APIs.\nOn call.\n\nSecond paragraph.");
        assert!(html.starts_with("<p>Built &lt;ledgers&gt; &amp; APIs."), "{html}");
        let rich: crate::document::values::RichText = html.parse().unwrap();
        assert_eq!(rich.text_with_paragraphs(), "Built <ledgers> & APIs.\nOn call.\n\nSecond paragraph.");
    }
}
