//! AI writing: whether it is set up, a portfolio generated from a description (a job the
//! worker runs), and the editor's assistant, whose reply streams as server-sent events.
//! Another workspace's portfolios answer 404; a used-up quota 429; no provider 503.

use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use poem::web::sse::Event;
use poem_openapi::param::Path;
use poem_openapi::payload::{EventStream, Json};
use poem_openapi::{Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::ai::assist::{self, Action, Ask};
use vitrine_core::ai::{self, Piece, Usage, generation};
use vitrine_core::exports;
use vitrine_core::portfolios::PortfolioId;
use vitrine_core::workspaces::WorkspaceId;

use super::ApiTags;
use super::exports::{JobAccepted, JobView};
use crate::State;
use crate::error::ApiResult;
use crate::payload::ApiJson;
use crate::session::Session;

pub struct AiApi {
    pub state: Arc<State>,
}

#[derive(Debug, Object)]
pub struct AiStatus {
    /// Whether a provider is configured
    enabled: bool,
    /// The model asked, when enabled
    model: Option<String>,
    /// How to turn AI writing on, when it is off
    message: Option<String>,
    /// Requests a workspace may make per day (0 when off)
    daily_requests: i32,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationRequest {
    /// The person's own words about their career: roles, years, employers, skills, projects
    prompt: String,
    /// The language to write in (the prompt's when absent)
    language: Option<String>,
    /// The tone, such as "professional" or "friendly"
    tone: Option<String>,
    /// An existing portfolio to offer the sections to; a new portfolio when absent
    portfolio_id: Option<Uuid>,
    /// Section types to write (`experience`, `skills`, …); the usual ones when absent
    #[serde(default)]
    #[oai(default)]
    sections: Vec<String>,
    /// The design of a new portfolio (`modern` when absent)
    template: Option<String>,
}

#[derive(Debug, Object, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssistRequest {
    action: Action,
    /// The selected text, for rewrite, shorten, more_formal, friendlier, fix_grammar, translate
    text: Option<String>,
    /// The selected section, as context
    section_id: Option<String>,
    /// The person's message, for chat
    message: Option<String>,
    /// The target language, for translate
    language: Option<String>,
}

/// One server-sent event of the assistant's reply (its SSE event name is `kind`).
#[derive(Debug, Object, serde::Serialize)]
pub struct AssistEvent {
    /// `delta` carries the next piece of text, the last event `done` the whole reply, or
    /// `error` what went wrong
    kind: String,
    text: Option<String>,
    message: Option<String>,
}

impl AssistEvent {
    fn new(kind: &str, text: Option<String>, message: Option<String>) -> AssistEvent {
        AssistEvent { kind: kind.to_owned(), text, message }
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Ai")]
impl AiApi {
    /// Whether AI writing is available, and how to enable it when it is not
    #[oai(path = "/ai", method = "get", operation_id = "getAiStatus")]
    async fn status(&self, _session: Session) -> Json<AiStatus> {
        let provider = self.state.ai.as_ref();
        Json(AiStatus {
            enabled: provider.is_some(),
            model: provider.map(|provider| provider.model().to_owned()),
            message: provider.is_none().then(|| ai::HOW_TO_ENABLE.to_owned()),
            daily_requests: provider.map_or(0, |provider| provider.daily_requests),
        })
    }

    /// Write a portfolio from a description (editors); the answer is the job, whose result is a
    /// new portfolio or, with `portfolio_id`, sections to insert into it
    #[oai(path = "/workspaces/:workspace_id/ai/generations", method = "post", operation_id = "generatePortfolio")]
    async fn generate(
        &self,
        session: Session,
        workspace_id: Path<Uuid>,
        body: ApiJson<GenerationRequest>,
    ) -> ApiResult<JobAccepted> {
        let body = body.0;
        let id = generation::request(
            &self.state.pool,
            self.state.ai.as_ref(),
            WorkspaceId(workspace_id.0),
            session.user.id,
            generation::Request {
                prompt: &body.prompt,
                language: body.language.as_deref(),
                tone: body.tone.as_deref(),
                portfolio_id: body.portfolio_id,
                sections: &body.sections,
                template: body.template.as_deref(),
            },
        )
        .await?;
        let job = exports::job(&self.state.pool, id, session.user.id).await?;
        Ok(JobAccepted::Accepted(Json(JobView::from(job)), format!("/api/v1/jobs/{id}")))
    }

    /// Ask the assistant about this portfolio (editors); the reply streams as server-sent events
    #[oai(path = "/portfolios/:portfolio_id/ai/assist", method = "post", operation_id = "assist")]
    async fn assist(
        &self,
        session: Session,
        portfolio_id: Path<Uuid>,
        body: ApiJson<AssistRequest>,
    ) -> ApiResult<EventStream<BoxStream<'static, AssistEvent>>> {
        let body = body.0;
        let (workspace, messages) = assist::prepare(
            &self.state.pool,
            self.state.ai.as_ref(),
            PortfolioId(portfolio_id.0),
            session.user.id,
            Ask {
                action: body.action,
                text: body.text.as_deref(),
                section_id: body.section_id.as_deref(),
                message: body.message.as_deref(),
                language: body.language.as_deref(),
            },
        )
        .await?;
        let provider = self.state.ai.clone().expect("prepare refuses when no provider is set up");
        let pool = self.state.pool.clone();
        let pieces = provider.stream(&messages).await?;
        let stream = reply_events(pieces, move |usage| {
            let pool = pool.clone();
            async move {
                if let Err(error) = ai::record(&pool, workspace, usage).await {
                    tracing::warn!(%error, "cannot record AI usage");
                }
            }
        });
        Ok(EventStream::new(stream).to_event(|event| {
            let data = serde_json::to_string(&event).expect("an event serializes");
            Event::message(data).event_type(event.kind)
        }))
    }
}

/// Turns the provider's pieces into deltas, then the whole reply (or the error), recording the
/// usage once the provider reports it.
fn reply_events<S, F, Fut>(pieces: S, record: F) -> BoxStream<'static, AssistEvent>
where
    S: futures::Stream<Item = vitrine_core::Result<Piece>> + Send + 'static,
    F: Fn(Usage) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let state = (Box::pin(pieces), String::new(), false, Arc::new(record));
    futures::stream::unfold(state, |(mut pieces, mut reply, finished, record)| async move {
        if finished {
            return None;
        }
        loop {
            match pieces.next().await {
                Some(Ok(Piece::Text(text))) => {
                    reply.push_str(&text);
                    return Some((AssistEvent::new("delta", Some(text), None), (pieces, reply, false, record)));
                }
                Some(Ok(Piece::Usage(usage))) => record(usage).await,
                Some(Err(error)) => {
                    return Some((
                        AssistEvent::new("error", None, Some(error.to_string())),
                        (pieces, reply, true, record),
                    ));
                }
                None => {
                    return Some((AssistEvent::new("done", Some(reply.clone()), None), (pieces, reply, true, record)));
                }
            }
        }
    })
    .boxed()
}
