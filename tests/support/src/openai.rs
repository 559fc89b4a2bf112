//! A local stand-in for an OpenAI-compatible chat-completions API: it answers from a script
//! (JSON answers, streamed answers, error statuses, answers that take too long) and keeps every
//! request it received, so tests check what the product sent.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::{Data, Json};
use poem::{EndpointExt, IntoResponse, Response, Route, Server, handler, post};
use serde_json::{Value, json};

/// One scripted reply.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A completion whose message holds this text.
    Text(String),
    /// The same text streamed in these pieces (server-sent events), then the usage.
    Stream(Vec<String>),
    /// An error status with OpenAI's error body.
    Status(u16, String),
    /// Waits this long before answering with the text.
    Slow(Duration, String),
}

#[derive(Default)]
struct Script {
    replies: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<Value>>,
}

pub struct FakeOpenAi {
    /// The API's base URL, as `VITRINE_AI_BASE_URL` takes it.
    pub base_url: String,
    script: Arc<Script>,
}

#[handler]
async fn completions(Json(request): Json<Value>, script: Data<&Arc<Script>>) -> Response {
    script.requests.lock().unwrap().push(request.clone());
    let reply = script.replies.lock().unwrap().pop_front();
    let model = request["model"].clone();
    let usage = json!({ "prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200 });
    let completion = |text: &str| {
        Json(json!({
            "id": "chatcmpl-test", "object": "chat.completion", "created": 1_700_000_000, "model": model,
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": text }, "finish_reason": "stop" }],
            "usage": usage,
        }))
        .into_response()
    };
    match reply {
        Some(Reply::Text(text)) => completion(&text),
        Some(Reply::Slow(wait, text)) => {
            tokio::time::sleep(wait).await;
            completion(&text)
        }
        Some(Reply::Stream(pieces)) => {
            let mut body = String::new();
            for piece in pieces {
                let chunk = json!({
                    "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model,
                    "choices": [{ "index": 0, "delta": { "content": piece }, "finish_reason": null }],
                });
                body.push_str(&format!("data: {chunk}\n\n"));
            }
            let last = json!({
                "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model,
                "choices": [], "usage": usage,
            });
            body.push_str(&format!("data: {last}\n\ndata: [DONE]\n\n"));
            Response::builder().content_type("text/event-stream").body(body)
        }
        Some(Reply::Status(status, message)) => {
            let kind = if status == 429 { "requests" } else { "server_error" };
            Response::builder()
                .status(poem::http::StatusCode::from_u16(status).unwrap())
                .content_type("application/json")
                .body(json!({ "error": { "message": message, "type": kind, "param": null, "code": null } }).to_string())
        }
        None => Response::builder()
            .status(poem::http::StatusCode::INTERNAL_SERVER_ERROR)
            .content_type("application/json")
            .body(json!({ "error": { "message": "no reply scripted", "type": "server_error" } }).to_string()),
    }
}

impl FakeOpenAi {
    pub async fn start() -> FakeOpenAi {
        let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
        let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
        let script = Arc::new(Script::default());
        let app = Route::new().at("/v1/chat/completions", post(completions)).data(script.clone());
        tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
        FakeOpenAi { base_url: format!("http://127.0.0.1:{port}/v1"), script }
    }

    /// Queues the next reply.
    pub fn reply(&self, reply: Reply) {
        self.script.replies.lock().unwrap().push_back(reply);
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Value> {
        self.script.requests.lock().unwrap().clone()
    }
}
