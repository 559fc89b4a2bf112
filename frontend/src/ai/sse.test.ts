import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors';
import { SseParser, readEvents, streamAssist } from './sse';

function body(pieces: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece);
      controller.close();
    },
  });
}

function answer(pieces: string[], status = 200): Response {
  return new Response(body(pieces), { status, headers: { 'Content-Type': 'text/event-stream' } });
}

const delta = (text: string) => `event: delta\ndata: ${JSON.stringify({ kind: 'delta', text })}\n\n`;
const done = (text: string) => `event: done\ndata: ${JSON.stringify({ kind: 'done', text })}\n\n`;

describe('the event-stream parser', () => {
  it('reads named events, joins data lines and skips comments', () => {
    const parser = new SseParser();
    expect(parser.push(': keep-alive\n\nevent: delta\ndata: {"a":1}\n\ndata: one\ndata:two\n\n')).toEqual([
      { type: 'delta', data: '{"a":1}' },
      { type: 'message', data: 'one\ntwo' },
    ]);
  });

  it('completes events cut anywhere, CRLF split across pieces included', () => {
    const parser = new SseParser();
    const text = 'event: delta\r\ndata: hello\r\n\r\nevent: done\rdata: bye\r\r';
    const events = [...text].flatMap((character) => parser.push(character));
    // The last CR may still be the first half of a CRLF: the end of the stream settles it.
    expect(events).toHaveLength(1);
    expect([...events, ...parser.end()]).toEqual([
      { type: 'delta', data: 'hello' },
      { type: 'done', data: 'bye' },
    ]);
  });

  it('drops an event the stream ends before closing', () => {
    const parser = new SseParser();
    expect(parser.push('event: delta\ndata: half')).toEqual([]);
    expect(parser.end()).toEqual([]);
  });

  it('reads a body whose bytes split a character', async () => {
    const bytes = new TextEncoder().encode('data: café\n\n');
    const events = [];
    for await (const event of readEvents(body([bytes.slice(0, 10), bytes.slice(10)]))) events.push(event);
    expect(events).toEqual([{ type: 'message', data: 'café' }]);
  });
});

describe('asking the assistant', () => {
  it('posts the request and streams the reply so far', async () => {
    const fetcher = vi.fn(async () => answer([delta('Six years '), delta('building'), done('Six years building.')]));
    const seen: string[] = [];
    const reply = await streamAssist('p1', { action: 'shorten', text: '<p>Long</p>' }, (text) => seen.push(text), { fetcher });
    expect(reply).toBe('Six years building.');
    expect(seen).toEqual(['Six years ', 'Six years building', 'Six years building.']);
    const [url, init] = fetcher.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/portfolios/p1/ai/assist');
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ action: 'shorten', text: '<p>Long</p>' });
  });

  it('rejects with the API error that comes before the stream', async () => {
    const fetcher = vi.fn(async () =>
      Response.json({ error: { code: 'quota_exceeded', message: 'this workspace has used its 50 AI requests', field: null } }, { status: 429 }),
    );
    const failure = await streamAssist('p1', { action: 'chat', message: 'hi' }, () => undefined, { fetcher }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 429, code: 'quota_exceeded', message: 'this workspace has used its 50 AI requests' });
  });

  it('rejects with the error event of a stream that fails midway, or one cut off', async () => {
    const failing = vi.fn(async () => answer([delta('Six'), 'event: error\ndata: {"kind":"error","message":"the AI provider cannot be reached"}\n\n']));
    await expect(streamAssist('p1', { action: 'rewrite', text: 'x' }, () => undefined, { fetcher: failing })).rejects.toMatchObject({
      code: 'ai_failed',
      message: 'The assistant could not answer: the AI provider cannot be reached',
    });
    const cut = vi.fn(async () => answer([delta('Six')]));
    await expect(streamAssist('p1', { action: 'rewrite', text: 'x' }, () => undefined, { fetcher: cut })).rejects.toMatchObject({
      code: 'interrupted',
    });
  });

  it('says the server cannot be reached when the request fails', async () => {
    const fetcher = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(streamAssist('p1', { action: 'chat', message: 'hi' }, () => undefined, { fetcher })).rejects.toMatchObject({ code: 'offline' });
  });
});
