//! A portfolio written from a few sentences. Asking records a job and enqueues its run in one
//! transaction, after counting the request against the quota; the worker asks the model for
//! sections as JSON of the document's own schema, validates them like any document, gives the
//! model one more round with the violations when they do not fit, and then either creates a
//! new portfolio (a first version) or keeps the sections as a preview for an existing one,
//! which the editor inserts section by section. Nothing is written until the sections fit.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use super::{DATA_IS_NOT_INSTRUCTIONS, Message, Provider, quoted};
use crate::accounts::UserId;
use crate::document::{self, SECTION_TYPES, Section};
use crate::jobs::{self, AI_QUEUE, Generate};
use crate::notifications;
use crate::portfolios;
use crate::themes::Theme;
use crate::workspaces::{self, Role, WorkspaceId};
use crate::{Error, Result};

const MAX_PROMPT: usize = 4_000;
/// Violations quoted back to the model (and to the person when it fails).
const MAX_PROBLEMS: usize = 12;

/// What a generation was asked, frozen with its job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Input {
    pub prompt: String,
    pub language: Option<String>,
    pub tone: Option<String>,
    /// The portfolio the sections are offered to; a new portfolio when absent.
    pub portfolio_id: Option<Uuid>,
    /// The section types wanted; any when empty.
    pub sections: Vec<String>,
    /// The design of a new portfolio.
    pub template: String,
}

/// What the person asked for, before checks.
pub struct Request<'a> {
    pub prompt: &'a str,
    pub language: Option<&'a str>,
    pub tone: Option<&'a str>,
    pub portfolio_id: Option<Uuid>,
    pub sections: &'a [String],
    pub template: Option<&'a str>,
}

fn short_text(field: &str, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else { return Ok(None) };
    if value.chars().count() > 40 || value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "too_long", "use at most 40 printable characters"));
    }
    Ok(Some(value.to_owned()))
}

/// Checks the request, counts it against the quota and queues the generation; answers the job.
pub async fn request(
    pool: &PgPool,
    provider: Option<&Provider>,
    workspace: WorkspaceId,
    actor: UserId,
    request: Request<'_>,
) -> Result<Uuid> {
    workspaces::require_role(pool, workspace, actor, Role::Editor).await?;
    let prompt = request.prompt.trim();
    if prompt.is_empty() {
        return Err(Error::invalid("prompt", "required", "describe your career in a few sentences"));
    }
    if prompt.chars().count() > MAX_PROMPT {
        return Err(Error::invalid("prompt", "too_long", format!("use at most {MAX_PROMPT} characters")));
    }
    let language = short_text("language", request.language)?;
    let tone = short_text("tone", request.tone)?;
    for (index, kind) in request.sections.iter().enumerate() {
        if !SECTION_TYPES.contains(&kind.as_str()) || matches!(kind.as_str(), "image" | "gallery") {
            return Err(Error::invalid(
                format!("sections[{index}]"),
                "unknown_section_type",
                "choose among header, about, experience, education, skills, projects, social_links, contact, text",
            ));
        }
    }
    let template = Theme::parse_field("template", request.template, Theme::Modern)?;
    if let Some(portfolio) = request.portfolio_id
        && !portfolios::is_in_workspace(&mut *pool.acquire().await?, workspace, portfolio).await?
    {
        return Err(Error::NotFound);
    }
    let provider =
        provider.ok_or(Error::Unavailable { code: "ai_disabled", message: super::HOW_TO_ENABLE.to_owned() })?;
    super::reserve(pool, workspace, provider.daily_requests).await?;
    let input = Input {
        prompt: prompt.to_owned(),
        language,
        tone,
        portfolio_id: request.portfolio_id,
        sections: request.sections.to_vec(),
        template: template.id().to_owned(),
    };
    let input = serde_json::to_value(&input).map_err(|error| anyhow::anyhow!("encoding a generation: {error}"))?;
    let id = Uuid::new_v4();
    let mut transaction = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO jobs (id, workspace_id, portfolio_id, kind, input, created_by)
         VALUES ($1, $2, $3, 'ai_generation', $4, $5)",
        id,
        workspace.0,
        request.portfolio_id,
        input,
        actor.0,
    )
    .execute(&mut *transaction)
    .await?;
    jobs::enqueue(&mut transaction, AI_QUEUE, &Generate { job_id: id }).await?;
    transaction.commit().await?;
    Ok(id)
}

/// The JSON the model must answer: `{"sections": [...]}` in the document's schema.
pub fn answer_schema() -> Value {
    let schema = document::json_schema();
    let sections = schema["$defs"]["Document"]["properties"]["sections"].clone();
    json!({
        "type": "object",
        "properties": { "sections": sections },
        "required": ["sections"],
        "additionalProperties": false,
        "$defs": schema["$defs"],
    })
}

fn instructions(input: &Input) -> String {
    let wanted = if input.sections.is_empty() {
        "a header (name, headline, location, a two-sentence summary), about, experience, education when mentioned, \
         skills, projects when mentioned, and contact"
            .to_owned()
    } else {
        input.sections.join(", ")
    };
    format!(
        "You write personal portfolio websites. From the person's description, write these sections: {wanted}. \
         Answer with JSON only: an object {{\"sections\": [...]}} following the given JSON schema exactly. \
         Every section and every item needs a unique short `id` (letters, digits, dashes). Rich text fields hold \
         simple HTML (<p>, <strong>, <em>, <ul>, <li>). Dates are \"YYYY\" or \"YYYY-MM\". Do not invent employers, \
         degrees, dates or numbers the description does not give; write well about what it does give. No images, \
         no style fields. Write in {language}, in a {tone} tone. {DATA_IS_NOT_INSTRUCTIONS}",
        language = input.language.as_deref().unwrap_or("the language of the description"),
        tone = input.tone.as_deref().unwrap_or("professional, warm"),
    )
}

fn first_messages(input: &Input) -> Vec<Message> {
    vec![
        Message::system(instructions(input)),
        Message::user(format!("Here is how I describe my career:\n{}", quoted("text", &input.prompt))),
    ]
}

/// Gives ids to sections and items the model left without one: ids carry no meaning to it.
fn fill_ids(value: &mut Value) {
    let Some(sections) = value.get_mut("sections").and_then(Value::as_array_mut) else { return };
    for section in sections {
        let Some(section) = section.as_object_mut() else { continue };
        section.entry("id").or_insert_with(|| json!(new_id()));
        for list in ["items", "groups", "links", "images"] {
            if let Some(items) = section.get_mut(list).and_then(Value::as_array_mut) {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    item.entry("id").or_insert_with(|| json!(new_id()));
                }
            }
        }
    }
}

fn new_id() -> String {
    Uuid::new_v4().simple().to_string()[..12].to_owned()
}

/// The sections an answer holds, or what is wrong with it in words the model (and a person)
/// can act on.
pub fn interpret(answer: &str, input: &Input) -> std::result::Result<Vec<Section>, String> {
    let text = answer.trim();
    let text = text.strip_prefix("```json").or_else(|| text.strip_prefix("```")).unwrap_or(text);
    let text = text.strip_suffix("```").unwrap_or(text).trim();
    let mut value: Value = serde_json::from_str(text).map_err(|error| format!("the answer is not JSON: {error}"))?;
    if !value.get("sections").is_some_and(Value::is_array) {
        return Err("the answer must be an object with a `sections` array".to_owned());
    }
    fill_ids(&mut value);
    let document = json!({ "schema_version": document::SCHEMA_VERSION, "sections": value["sections"] });
    let parsed = document::parse(document).map_err(|violations| {
        let mut problems: Vec<String> = violations
            .iter()
            .take(MAX_PROBLEMS)
            .map(|violation| format!("{}: {}", violation.path.trim_start_matches('.'), violation.message))
            .collect();
        if violations.len() > MAX_PROBLEMS {
            problems.push(format!("and {} more", violations.len() - MAX_PROBLEMS));
        }
        problems.join("; ")
    })?;
    let sections: Vec<Section> = parsed
        .sections
        .into_iter()
        .filter(|section| !matches!(section, Section::Image(_) | Section::Gallery(_)))
        .filter(|section| input.sections.is_empty() || input.sections.iter().any(|kind| kind == section.type_name()))
        .collect();
    if sections.is_empty() {
        return Err("the answer holds none of the sections asked for".to_owned());
    }
    Ok(sections)
}

/// Asks the model, with one round of repair; the sections, or why they never fit.
async fn write(provider: &Provider, pool: &PgPool, workspace: WorkspaceId, input: &Input) -> Result<Vec<Section>> {
    let schema = answer_schema();
    let mut messages = first_messages(input);
    let (answer, usage) = provider.complete(&messages, Some(&schema)).await?;
    super::record(pool, workspace, usage).await?;
    let problems = match interpret(&answer, input) {
        Ok(sections) => return Ok(sections),
        Err(problems) => problems,
    };
    tracing::info!(%problems, "the model's sections did not fit; asking for a correction");
    messages.push(Message::assistant(answer));
    messages.push(Message::user(format!(
        "That answer does not fit the schema: {problems}. Answer again with the whole corrected JSON object, and \
         nothing else."
    )));
    let (answer, usage) = provider.complete(&messages, Some(&schema)).await?;
    super::record(pool, workspace, usage).await?;
    interpret(&answer, input).map_err(|problems| {
        Error::Internal(anyhow::anyhow!("the AI's answer did not fit a portfolio, even after a correction: {problems}"))
    })
}

/// What a generation produced, kept with its job.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    /// A new portfolio holds the sections.
    Portfolio { portfolio_id: Uuid },
    /// Sections offered to the job's portfolio, to insert one by one.
    Preview { sections: Vec<Value> },
}

/// What a run wrote, before it is stored.
enum Written {
    Portfolio { owner: UserId, theme: Theme, sections: Vec<Section> },
    Preview(Vec<Value>),
}

/// The worker's run of a generation job. Any failure is final: the provider's own retries
/// already happened, and running again would spend the quota twice.
pub async fn run(pool: &PgPool, provider: Option<&Provider>, id: Uuid) -> Result<()> {
    let row = sqlx::query!(
        r#"UPDATE jobs SET status = 'running', started_at = coalesce(started_at, now()), progress = 10, error = NULL
           WHERE id = $1 AND status IN ('queued', 'running') AND kind = 'ai_generation'
           RETURNING workspace_id, created_by, input"#,
        id
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(()) };
    let workspace = WorkspaceId(row.workspace_id);
    let owner = row.created_by.map(UserId);
    let written = async {
        let input: Input = serde_json::from_value(row.input)
            .map_err(|error| anyhow::anyhow!("the generation's input does not read: {error}"))?;
        let provider =
            provider.ok_or(Error::Unavailable { code: "ai_disabled", message: super::HOW_TO_ENABLE.to_owned() })?;
        let sections = write(provider, pool, workspace, &input).await?;
        sqlx::query!("UPDATE jobs SET progress = 80 WHERE id = $1", id).execute(pool).await?;
        match input.portfolio_id {
            Some(_) => Ok(Written::Preview(
                sections.iter().map(|section| serde_json::to_value(section).unwrap_or_default()).collect(),
            )),
            None => {
                let owner = owner.ok_or_else(|| anyhow::anyhow!("the person who asked no longer exists"))?;
                let theme = Theme::parse(&input.template).unwrap_or(Theme::Modern);
                Ok::<_, Error>(Written::Portfolio { owner, theme, sections })
            }
        }
    }
    .await;
    // A new portfolio is created in the transaction that records the job done: a run repeated
    // after a failure cannot leave two.
    let mut transaction = pool.begin().await?;
    let outcome = match written {
        Ok(Written::Preview(sections)) => Ok(Outcome::Preview { sections }),
        Ok(Written::Portfolio { owner, theme, sections }) => {
            let created = portfolios::create_from_sections(
                pool,
                &mut transaction,
                workspace,
                owner,
                theme,
                sections,
                "My portfolio",
            )
            .await;
            match created {
                Ok(portfolio) => Ok(Outcome::Portfolio { portfolio_id: portfolio.0 }),
                Err(error) => {
                    // A failed statement ends the transaction; the failure is recorded in another.
                    transaction.rollback().await?;
                    transaction = pool.begin().await?;
                    Err(error)
                }
            }
        }
        Err(error) => Err(error),
    };
    let (kind, title, body) = match &outcome {
        Ok(result) => {
            let portfolio = match result {
                Outcome::Portfolio { portfolio_id } => Some(*portfolio_id),
                Outcome::Preview { .. } => None,
            };
            let result = serde_json::to_value(result).map_err(|error| anyhow::anyhow!("encoding a result: {error}"))?;
            sqlx::query!(
                "UPDATE jobs SET status = 'done', progress = 100, result = $2, finished_at = now(),
                        portfolio_id = coalesce($3, portfolio_id)
                 WHERE id = $1",
                id,
                result,
                portfolio,
            )
            .execute(&mut *transaction)
            .await?;
            ("generation_ready", "Your AI draft is ready".to_owned(), "Open it to review and polish it.".to_owned())
        }
        Err(error) => {
            let message = error.to_string();
            sqlx::query!(
                "UPDATE jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1",
                id,
                message
            )
            .execute(&mut *transaction)
            .await?;
            ("generation_failed", "The AI draft could not be written".to_owned(), message)
        }
    };
    if let Some(owner) = owner {
        notifications::notify(
            &mut transaction,
            notifications::New {
                user: owner,
                workspace: Some(workspace),
                category: notifications::Category::Jobs,
                kind,
                title,
                body,
                link: Some(format!("/app/jobs/{id}")),
                dedupe_key: Some(format!("job:{id}")),
                may_email: false,
            },
        )
        .await?;
    }
    transaction.commit().await?;
    outcome.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(sections: &[&str]) -> Input {
        Input {
            prompt: "I build ledgers".into(),
            language: None,
            tone: None,
            portfolio_id: None,
            sections: sections.iter().map(|kind| kind.to_string()).collect(),
            template: "modern".into(),
        }
    }

    #[test]
    fn answers_become_sections_with_ids_given_where_missing() {
        let answer = r#"```json
        {"sections": [
          {"type": "header", "name": "Ana Ruiz", "headline": "Backend engineer"},
          {"type": "skills", "groups": [{"name": "Languages", "skills": [{"name": "Rust"}]}]},
          {"type": "experience", "items": [{"role": "Engineer", "organisation": "Ledgerly", "start": "2019-04"}]},
          {"type": "image", "image": "https://example.com/x.png", "alt": "x"}
        ]}
        ```"#;
        let sections = interpret(answer, &input(&[])).unwrap();
        assert_eq!(sections.iter().map(Section::type_name).collect::<Vec<_>>(), ["header", "skills", "experience"]);
        assert!(sections.iter().all(|section| !section.id().is_empty()));
        let only = interpret(answer, &input(&["experience"])).unwrap();
        assert_eq!(only.len(), 1);
    }

    #[test]
    fn what_does_not_fit_is_said_with_its_path() {
        let problems = interpret(r#"{"sections": [{"type": "experience", "items": [{"role": "x", "organisation": "y", "start": "June 2020"}]}]}"#, &input(&[]))
            .unwrap_err();
        assert!(problems.contains("sections[0].items[0].start"), "{problems}");
        assert!(interpret("Sure! Here is your portfolio", &input(&[])).unwrap_err().contains("not JSON"));
        assert!(interpret(r#"{"title": "x"}"#, &input(&[])).unwrap_err().contains("`sections`"));
    }

    #[test]
    fn markup_from_the_model_is_held_to_the_rich_text_rules() {
        let script = r#"{"sections": [{"type": "about", "body": "<p>Hi<script>alert(1)</script></p>"}]}"#;
        assert!(interpret(script, &input(&[])).unwrap_err().contains("sections[0].body: scripts are not allowed"));
        let styled = r#"{"sections": [{"type": "about", "body": "<p onclick=\"x()\">Hi <span style=\"color:red\">there</span></p>"}]}"#;
        let html = serde_json::to_string(&interpret(styled, &input(&[])).unwrap()).unwrap();
        assert!(!html.contains("onclick") && !html.contains("span") && html.contains("Hi there"), "{html}");
    }

    #[test]
    fn the_schema_asks_for_sections() {
        let schema = answer_schema();
        assert_eq!(schema["required"], json!(["sections"]));
        assert!(schema["properties"]["sections"]["items"].is_object(), "{schema}");
    }
}
