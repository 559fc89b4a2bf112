import { describe, expect, it } from 'vitest';
import { type Draft, type DraftStore, IndexedDbDraftStore, MemoryDraftStore, recoverDraft } from './drafts';
import type { Document } from './history';
import { TEST_STYLE } from './testing';

const document: Document = {
  schema_version: 2,
  style: TEST_STYLE,
  sections: [{ type: 'header', id: 'h', name: 'Ada' }],
};

const draft = (baseRevision: number): Draft => ({ baseRevision, document, savedAt: 1_700_000_000_000 });

describe('the in-memory draft store', () => {
  it('keeps one draft per portfolio', async () => {
    const store = new MemoryDraftStore();
    expect(await store.get('p')).toBeUndefined();
    await store.put('p', draft(1));
    await store.put('q', draft(2));
    await store.put('p', draft(3));
    expect(await store.get('p')).toEqual(draft(3));
    expect(await store.get('q')).toEqual(draft(2));
    await store.delete('p');
    expect(await store.get('p')).toBeUndefined();
    expect(await store.get('q')).toEqual(draft(2));
  });

  it('stores a copy, as IndexedDB does', async () => {
    const store = new MemoryDraftStore();
    const written = structuredClone(draft(1));
    await store.put('p', written);
    written.document.sections = [];
    const read = await store.get('p');
    expect(read?.document.sections).toHaveLength(1);
    read?.document.sections.pop();
    expect((await store.get('p'))?.document.sections).toHaveLength(1);
  });
});

describe('recovering a draft when the editor opens', () => {
  it('finds nothing when there is no draft', async () => {
    expect(await recoverDraft(new MemoryDraftStore(), 'p', 4)).toBeUndefined();
  });

  it('offers a draft based on the current revision, to save as it is', async () => {
    const store = new MemoryDraftStore();
    await store.put('p', draft(4));
    expect(await recoverDraft(store, 'p', 4)).toEqual({ draft: draft(4), stale: false });
  });

  it('offers a draft based on an older revision, marked stale: saving it will conflict', async () => {
    const store = new MemoryDraftStore();
    await store.put('p', draft(3));
    expect(await recoverDraft(store, 'p', 4)).toEqual({ draft: draft(3), stale: true });
  });

  it('opens on the server document when the store fails', async () => {
    const broken: DraftStore = {
      get: () => Promise.reject(new DOMException('denied', 'SecurityError')),
      put: () => Promise.resolve(),
      delete: () => Promise.resolve(),
    };
    expect(await recoverDraft(broken, 'p', 4)).toBeUndefined();
  });

  it('opens on the server document where there is no IndexedDB', async () => {
    expect('indexedDB' in globalThis).toBe(false);
    const store = new IndexedDbDraftStore();
    await expect(store.get('p')).rejects.toThrow();
    expect(await recoverDraft(store, 'p', 4)).toBeUndefined();
  });
});
