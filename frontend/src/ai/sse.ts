// Server-sent events read from a fetch() body: EventSource only makes GET requests, and the
// assistant is asked with a POST. The parsing follows the HTML standard's event-stream rules.

import { ApiError, toApiError } from '../api/errors';
import type { components } from '../api/schema';

export type AssistRequest = components['schemas']['AssistRequest'];

export interface SseEvent {
  /** The `event:` field; `message` when the event names none. */
  type: string;
  /** The `data:` lines, joined by newlines. */
  data: string;
}

/** Turns pieces of an event stream, cut anywhere, into whole events. */
export class SseParser {
  private buffer = '';
  private type = '';
  private data: string[] = [];

  /** The events the text completes. */
  push(text: string): SseEvent[] {
    this.buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = this.buffer.slice(start).search(/\r\n|\r|\n/);
      if (end < 0) break;
      const at = start + end;
      // A carriage return at the very end may be the first half of a CRLF still to come.
      if (this.buffer[at] === '\r' && at + 1 === this.buffer.length) break;
      const line = this.buffer.slice(start, at);
      start = at + (this.buffer.startsWith('\r\n', at) ? 2 : 1);
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** The stream is over: an event without its closing blank line is dropped, as the standard says. */
  end(): SseEvent[] {
    const events = this.buffer.endsWith('\r') ? this.push('\n') : [];
    this.buffer = '';
    this.type = '';
    this.data = [];
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.type = '';
        return null;
      }
      const event = { type: this.type || 'message', data: this.data.join('\n') };
      this.type = '';
      this.data = [];
      return event;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    return null;
  }
}

/** The events of a response body, as they arrive. */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    yield* parser.end();
  } finally {
    reader.releaseLock();
  }
}

/**
 * Asks the assistant and streams its reply: `onText` gets the reply so far after every piece.
 * Resolves to the whole reply; rejects with an `ApiError` (the API's own before the stream
 * starts, `ai_failed` when the provider fails midway, `interrupted` when the stream stops early).
 */
export async function streamAssist(
  portfolioId: string,
  request: AssistRequest,
  onText: (text: string) => void,
  { signal, fetcher = fetch }: { signal?: AbortSignal; fetcher?: typeof fetch } = {},
): Promise<string> {
  let response: Response;
  try {
    response = await fetcher(`/api/v1/portfolios/${encodeURIComponent(portfolioId)}/ai/assist`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(request),
      signal,
    });
  } catch (caught) {
    if (signal?.aborted) throw caught;
    throw toApiError(0, null);
  }
  if (!response.ok || !response.body) {
    const body: unknown = await response.json().catch(() => null);
    throw toApiError(response.status, body);
  }
  let text = '';
  for await (const event of readEvents(response.body)) {
    const payload = parse(event.data);
    if (event.type === 'delta') {
      text += typeof payload?.text === 'string' ? payload.text : '';
      onText(text);
    } else if (event.type === 'done') {
      if (typeof payload?.text === 'string') text = payload.text;
      onText(text);
      return text;
    } else if (event.type === 'error') {
      const message = typeof payload?.message === 'string' ? payload.message : 'the assistant failed';
      throw new ApiError(502, 'ai_failed', `The assistant could not answer: ${message}`, null);
    }
  }
  throw new ApiError(0, 'interrupted', 'The reply was cut off. Try again.', null);
}

function parse(data: string): { text?: unknown; message?: unknown } | null {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}
