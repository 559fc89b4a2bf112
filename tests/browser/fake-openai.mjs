// A stand-in for an OpenAI-compatible chat-completions API, for the browser tests: a
// generation (a request with `response_format`) gets a fixed portfolio as JSON, a streamed
// request a short fixed reply for the assistant's action in three pieces, then the usage.
// Usage: node fake-openai.mjs [port]; with 0 (the default) it picks a free port. Either way
// the port is the first line it prints.
import { createServer } from 'node:http';

const CREATED = 1_700_000_000;
const USAGE = { prompt_tokens: 120, completion_tokens: 80, total_tokens: 200 };
/** A model takes a moment: long enough for the job page to show its progress. */
const GENERATION_MS = Number(process.env.FAKE_OPENAI_GENERATION_MS ?? 1500);
const PIECE_MS = 150;

const PORTFOLIO = {
  sections: [
    { type: 'header', name: 'Ana Ruiz', headline: 'Backend engineer for payments', location: 'Lisbon' },
    {
      type: 'about',
      body: '<p>I have spent six years building systems that move money safely at two fintechs, most recently a double-entry payments ledger written in Rust.</p>',
    },
    {
      type: 'experience',
      items: [
        { role: 'Senior engineer', organisation: 'Ledgerly', start: '2021-02', current: true, highlights: ['Built a double-entry payments ledger in Rust'] },
      ],
    },
    { type: 'skills', groups: [{ name: 'Languages', skills: [{ name: 'Rust' }, { name: 'Go' }] }] },
  ],
};

/** The reply to each of the assistant's instructions, found by a phrase of its system prompt. */
const REPLIES = [
  ['Shorten the text', 'Six years building money-moving systems; built a Rust payments ledger.'],
  ['Rewrite the text', 'For six years I have built systems that move money safely, lately a Rust payments ledger.'],
  ['more formal', 'I have spent six years designing systems that transfer funds securely, most recently a payments ledger in Rust.'],
  ['warmer and friendlier', 'I love building systems that move money safely, and lately a payments ledger in Rust.'],
  ['Fix spelling', 'I have spent six years building systems that move money safely.'],
  ['Translate the text', 'Llevo seis años construyendo sistemas que mueven dinero con seguridad.'],
  ['Suggest one headline', 'Backend engineer building safe payment systems'],
  ['two- or three-sentence summary', 'Backend engineer with six years in fintech. I build payment systems in Rust and Go.'],
  ['lacks', 'Projects: show the payments ledger.\nContact: say how to reach you.'],
];
const CHAT = 'Lead with the payments ledger: it is your strongest story.';

function replyFor(request) {
  const system = request.messages?.find((message) => message.role === 'system')?.content ?? '';
  return REPLIES.find(([phrase]) => system.includes(phrase))?.[1] ?? CHAT;
}

/** The text in three pieces, cut at spaces. */
function pieces(text) {
  const third = Math.ceil(text.length / 3);
  const first = text.indexOf(' ', third);
  const second = text.indexOf(' ', 2 * third);
  if (first < 0 || second < 0 || second <= first) return [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)];
  return [text.slice(0, first), text.slice(first, second), text.slice(second)];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function json(response, status, body) {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function completions(request, response) {
  const model = request.model ?? 'fake-model';
  const id = `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
  if (request.stream) {
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const chunk = (choices, extra = {}) =>
      response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: CREATED, model, choices, ...extra })}\n\n`);
    for (const piece of pieces(replyFor(request))) {
      await sleep(PIECE_MS);
      chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]);
    }
    chunk([], { usage: USAGE });
    response.end('data: [DONE]\n\n');
    return;
  }
  let content = replyFor(request);
  if (request.response_format) {
    await sleep(GENERATION_MS);
    content = JSON.stringify(PORTFOLIO);
  }
  json(response, 200, {
    id,
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: USAGE,
  });
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      json(response, 404, { error: { message: `no route ${request.method} ${request.url}`, type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      json(response, 400, { error: { message: 'the body is not JSON', type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    completions(body, response).catch((error) => {
      if (!response.headersSent) json(response, 500, { error: { message: String(error), type: 'server_error', param: null, code: null } });
      else response.destroy();
    });
  });
});

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
  console.log(server.address().port);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
