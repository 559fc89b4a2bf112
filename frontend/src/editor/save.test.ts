import createClient from 'openapi-fetch';
import { describe, expect, it, vi } from 'vitest';
import type { paths } from '../api/schema';
import type { Document } from './history';
import { saveDocument } from './save';
import { TEST_STYLE } from './testing';

const document: Document = {
  schema_version: 2,
  style: TEST_STYLE,
  sections: [],
};

function answering(status: number, body: unknown) {
  const fetch = vi.fn(async (request: Request) => {
    void request;
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
  });
  return { fetch, client: createClient<paths>({ baseUrl: 'http://vitrine.test', fetch }) };
}

describe('saving the document', () => {
  it('puts the document with its base revision and returns the new revision', async () => {
    const { fetch, client } = answering(200, { revision: 8 });
    expect(await saveDocument('p1', 7, document, client)).toEqual({ kind: 'saved', revision: 8 });
    const request = fetch.mock.calls[0]?.[0] as Request;
    expect(request.method).toBe('PUT');
    expect(new URL(request.url).pathname).toBe('/api/v1/portfolios/p1/document');
    expect(await request.json()).toEqual({ base_revision: 7, document });
  });

  it('reports a stale base as a conflict with the current revision', async () => {
    const body = { error: { code: 'stale_revision', message: 'changed elsewhere', current_revision: 12 } };
    expect(await saveDocument('p1', 7, document, answering(409, body).client)).toEqual({ kind: 'conflict', currentRevision: 12 });
  });

  it('reports a refused document with every problem', async () => {
    const errors = [{ field: 'document.sections[0].name', code: 'required', message: '`name` cannot be empty' }];
    const body = { error: { code: 'invalid_document', message: 'the document breaks a rule', field: errors[0]?.field, errors } };
    expect(await saveDocument('p1', 7, document, answering(422, body).client)).toEqual({ kind: 'invalid', errors });
    const tooLarge = { error: { code: 'too_large', message: 'the request is too large' } };
    expect(await saveDocument('p1', 7, document, answering(413, tooLarge).client)).toEqual({
      kind: 'invalid',
      errors: [{ field: '', code: 'too_large', message: 'the request is too large' }],
    });
  });

  it('reports other answers and network errors as failures to retry', async () => {
    const signedOut = { error: { code: 'unauthenticated', message: 'sign in first' } };
    expect(await saveDocument('p1', 7, document, answering(401, signedOut).client)).toMatchObject({
      kind: 'failed',
      error: { status: 401, code: 'unauthenticated' },
    });
    const fetch = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    const offline = createClient<paths>({ baseUrl: 'http://vitrine.test', fetch });
    expect(await saveDocument('p1', 7, document, offline)).toMatchObject({ kind: 'failed', error: { status: 0, code: 'offline' } });
  });
});
