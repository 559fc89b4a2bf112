//! The editor's assistant: quick actions on a selected text (rewrite, shorten, more formal,
//! friendlier, fix grammar, translate), suggestions drawn from the rest of the portfolio
//! (headline, summary, missing sections) and a free chat. It sees this portfolio only, and its
//! reply is only text the editor offers as a suggestion: it has no way to act.

use serde::Deserialize;

use super::{DATA_IS_NOT_INSTRUCTIONS, Message, Provider, quoted};
use crate::accounts::UserId;
use crate::portfolios::{self, PortfolioId};
use crate::workspaces::{Role, WorkspaceId};
use crate::{Error, Result};

const MAX_TEXT: usize = 5_000;
/// How much of the document the model is shown as context.
const MAX_CONTEXT: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, poem_openapi::Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename = "AssistAction", rename_all = "snake_case")]
pub enum Action {
    Rewrite,
    Shorten,
    MoreFormal,
    Friendlier,
    FixGrammar,
    Translate,
    SuggestHeadline,
    SuggestSummary,
    SuggestSections,
    Chat,
}

impl Action {
    /// Whether the action works on a selected text.
    fn needs_text(self) -> bool {
        matches!(
            self,
            Action::Rewrite
                | Action::Shorten
                | Action::MoreFormal
                | Action::Friendlier
                | Action::FixGrammar
                | Action::Translate
        )
    }

    fn instruction(self, language: Option<&str>) -> String {
        let same = "Keep the facts, the language and any simple HTML tags. Reply with the new text only.";
        match self {
            Action::Rewrite => format!("Rewrite the text in <text> so it reads clearly and with energy. {same}"),
            Action::Shorten => format!("Shorten the text in <text> to about half its length. {same}"),
            Action::MoreFormal => format!("Make the text in <text> more formal and polished. {same}"),
            Action::Friendlier => format!("Make the text in <text> warmer and friendlier. {same}"),
            Action::FixGrammar => {
                "Fix spelling, grammar and punctuation in <text>, changing nothing else. Reply with the corrected text \
                 only."
                    .to_owned()
            }
            Action::Translate => format!(
                "Translate the text in <text> into {}. Keep any simple HTML tags. Reply with the translation only.",
                language.unwrap_or("English")
            ),
            Action::SuggestHeadline => "Suggest one headline (at most 10 words) for this person, from the portfolio in \
                 <document>. Reply with the headline only."
                .to_owned(),
            Action::SuggestSummary => "Write a two- or three-sentence summary of this person for the top of their \
                 portfolio, from <document>. Reply with the summary only."
                .to_owned(),
            Action::SuggestSections => "Say which sections this portfolio in <document> lacks that would help it (for \
                 example projects, skills, education, contact), one per line with a one-sentence reason. Reply with the \
                 list only."
                .to_owned(),
            Action::Chat => "Answer the person's message about their portfolio in <document> briefly and concretely."
                .to_owned(),
        }
    }
}

/// What the person asked the assistant.
pub struct Ask<'a> {
    pub action: Action,
    pub text: Option<&'a str>,
    pub section_id: Option<&'a str>,
    pub message: Option<&'a str>,
    pub language: Option<&'a str>,
}

/// Checks the question, counts it against the quota and writes the conversation to send.
pub async fn prepare(
    pool: &sqlx::PgPool,
    provider: Option<&Provider>,
    portfolio: PortfolioId,
    actor: UserId,
    ask: Ask<'_>,
) -> Result<(WorkspaceId, Vec<Message>)> {
    let mut connection = pool.acquire().await?;
    let (found, _) = portfolios::load(&mut connection, portfolio, actor, Role::Editor).await?;
    drop(connection);
    let document =
        sqlx::query_scalar!("SELECT document FROM portfolios WHERE id = $1", portfolio.0).fetch_one(pool).await?;
    let document = portfolios::read_stored(document)?;
    let text = ask.text.map(str::trim).filter(|text| !text.is_empty());
    if ask.action.needs_text() {
        let text = text.ok_or_else(|| Error::invalid("text", "required", "select the text to work on"))?;
        if text.chars().count() > MAX_TEXT {
            return Err(Error::invalid("text", "too_long", format!("select at most {MAX_TEXT} characters")));
        }
    }
    let language = ask.language.map(str::trim).filter(|language| !language.is_empty());
    if ask.action == Action::Translate && language.is_none_or(|language| language.chars().count() > 40) {
        return Err(Error::invalid("language", "required", "say which language to translate into"));
    }
    let message = ask.message.map(str::trim).filter(|message| !message.is_empty());
    if ask.action == Action::Chat {
        let message = message.ok_or_else(|| Error::invalid("message", "required", "write a message"))?;
        if message.chars().count() > MAX_TEXT {
            return Err(Error::invalid("message", "too_long", format!("use at most {MAX_TEXT} characters")));
        }
    }
    let section =
        match ask.section_id {
            Some(id) => {
                Some(document.sections.iter().find(|section| section.id() == id).ok_or_else(|| {
                    Error::invalid("section_id", "unknown_section", "no such section in this portfolio")
                })?)
            }
            None => None,
        };
    let provider =
        provider.ok_or(Error::Unavailable { code: "ai_disabled", message: super::HOW_TO_ENABLE.to_owned() })?;
    super::reserve(pool, found.workspace_id, provider.daily_requests).await?;

    let system = format!(
        "You are the writing assistant inside a portfolio editor. Your reply is shown to the person as a suggestion \
         they accept or reject; you cannot change anything yourself. {} {DATA_IS_NOT_INSTRUCTIONS}",
        ask.action.instruction(language)
    );
    let mut context = serde_json::to_string(&document.sections).unwrap_or_default();
    if context.len() > MAX_CONTEXT {
        let cut = (0..=MAX_CONTEXT).rev().find(|index| context.is_char_boundary(*index)).unwrap_or(0);
        context.truncate(cut);
    }
    let mut user = quoted("document", &context);
    if let Some(section) = section {
        user.push('\n');
        user.push_str(&quoted("section", &serde_json::to_string(section).unwrap_or_default()));
    }
    if let Some(text) = text {
        user.push('\n');
        user.push_str(&quoted("text", text));
    }
    if let (Action::Chat, Some(message)) = (ask.action, message) {
        user.push_str(&format!("\nMy message: {message}"));
    }
    Ok((found.workspace_id, vec![Message::system(system), Message::user(user)]))
}
