// The autosave queue's `save`: one PUT of the document, its answer sorted into what the queue
// does next.

import { api } from '../api/client';
import { toApiError } from '../api/errors';
import type { Problem, SaveResult } from './autosave';
import type { Document } from './history';

type ApiClient = Pick<typeof api, 'PUT'>;

const EDITOR_KEY = 'vitrine.editor';

/**
 * This tab's editor id: the server joins consecutive saves of one editor into one version, so
 * two tabs of the same person keep separate versions. Kept for the tab's life, reloads included.
 */
export function tabEditorId(storage: Storage = sessionStorage): string {
  let id = storage.getItem(EDITOR_KEY);
  if (!id) {
    id = crypto.randomUUID();
    storage.setItem(EDITOR_KEY, id);
  }
  return id;
}

export async function saveDocument(
  portfolioId: string,
  baseRevision: number,
  document: Document,
  client: ApiClient = api,
  editorId: string = tabEditorId(),
): Promise<SaveResult> {
  const answer = await client
    .PUT('/api/v1/portfolios/{portfolio_id}/document', {
      params: { path: { portfolio_id: portfolioId }, header: { 'X-Editor-Id': editorId } },
      body: { base_revision: baseRevision, document },
    })
    // Rejected: the request did not reach the server, or its answer did not reach us.
    .catch(() => null);
  if (answer === null) {
    return { kind: 'failed', error: toApiError(0, null) };
  }
  const { data, error, response } = answer;
  if (data) {
    return { kind: 'saved', revision: data.revision };
  }
  const detail = error?.error;
  if (response.status === 409 && detail?.code === 'stale_revision' && typeof detail.current_revision === 'number') {
    return { kind: 'conflict', currentRevision: detail.current_revision };
  }
  // 422 is a broken rule; 400 and 413 (unreadable, too large) are as final for this document.
  if (detail && [400, 413, 422].includes(response.status)) {
    const errors: Problem[] = detail.errors ?? [{ field: detail.field ?? '', code: detail.code, message: detail.message }];
    return { kind: 'invalid', errors };
  }
  return { kind: 'failed', error: toApiError(response.status, error) };
}

