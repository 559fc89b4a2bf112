// Unsaved edits are kept in the browser as well, so that closing the tab, a crash or a long
// stretch offline does not lose them. A draft is the latest local document and the revision
// it was based on; it is deleted once the server has that document.

import type { Document } from './history';

export interface Draft {
  baseRevision: number;
  document: Document;
  /** When the draft was written, in milliseconds since the epoch. */
  savedAt: number;
}

export interface DraftStore {
  get(portfolioId: string): Promise<Draft | undefined>;
  put(portfolioId: string, draft: Draft): Promise<void>;
  delete(portfolioId: string): Promise<void>;
}

/** Keeps drafts for the life of the page: for tests, and where IndexedDB is unavailable. */
export class MemoryDraftStore implements DraftStore {
  private readonly drafts = new Map<string, Draft>();

  async get(portfolioId: string): Promise<Draft | undefined> {
    const draft = this.drafts.get(portfolioId);
    return draft && structuredClone(draft);
  }

  async put(portfolioId: string, draft: Draft): Promise<void> {
    // A copy, as IndexedDB stores one: later changes to the caller's objects do not leak in.
    this.drafts.set(portfolioId, structuredClone(draft));
  }

  async delete(portfolioId: string): Promise<void> {
    this.drafts.delete(portfolioId);
  }
}

const DATABASE = 'vitrine-drafts';
const STORE = 'drafts';

/** Drafts in IndexedDB (database `vitrine-drafts`, store `drafts`, keyed by portfolio id). */
export class IndexedDbDraftStore implements DraftStore {
  private database: Promise<IDBDatabase> | null = null;

  /**
   * Without a factory, the page's `indexedDB`, looked up on first use: where there is none
   * (jsdom, some embedded browsers) the store's calls fail rather than its construction.
   */
  constructor(private readonly factory?: IDBFactory) {}

  async get(portfolioId: string): Promise<Draft | undefined> {
    const value: unknown = await this.run('readonly', (store) => store.get(portfolioId));
    // Whatever is stored came from an older build or another tab: only use what has the shape.
    return isDraft(value) ? value : undefined;
  }

  async put(portfolioId: string, draft: Draft): Promise<void> {
    await this.run('readwrite', (store) => store.put(draft, portfolioId));
  }

  async delete(portfolioId: string): Promise<void> {
    await this.run('readwrite', (store) => store.delete(portfolioId));
  }

  private async run<T>(mode: IDBTransactionMode, operation: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const database = await this.open();
    return new Promise((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const request = operation(transaction.objectStore(STORE));
      // Resolving on completion rather than on the request's success means a write is durable
      // by the time the caller goes on.
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? request.error);
      transaction.onabort = () => reject(transaction.error ?? new DOMException('the transaction was aborted', 'AbortError'));
    });
  }

  private open(): Promise<IDBDatabase> {
    this.database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = (this.factory ?? indexedDB).open(DATABASE, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE);
      };
      request.onsuccess = () => {
        const database = request.result;
        // Another tab upgrading the database waits for this connection; give way and reopen
        // on the next use.
        database.onversionchange = () => {
          database.close();
          this.database = null;
        };
        resolve(database);
      };
      request.onerror = () => reject(request.error);
    }).catch((error: unknown) => {
      // Try again next time (private browsing, a full disk) instead of failing for good.
      this.database = null;
      throw error;
    });
    return this.database;
  }
}

function isDraft(value: unknown): value is Draft {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const draft = value as Partial<Record<keyof Draft, unknown>>;
  return (
    typeof draft.baseRevision === 'number' &&
    typeof draft.savedAt === 'number' &&
    typeof draft.document === 'object' &&
    draft.document !== null &&
    Array.isArray((draft.document as { sections?: unknown }).sections)
  );
}

export interface RecoveredDraft {
  draft: Draft;
  /**
   * The draft was based on an older revision than the server's: someone saved since. Saving it
   * answers with a conflict, which the autosave queue reports for the author to resolve.
   */
  stale: boolean;
}

/**
 * The unsaved draft of a portfolio, if there is one, to use in place of the server's document
 * when the editor opens (and to hand to the autosave queue with its base revision).
 */
export async function recoverDraft(
  store: DraftStore,
  portfolioId: string,
  serverRevision: number,
): Promise<RecoveredDraft | undefined> {
  let draft: Draft | undefined;
  try {
    draft = await store.get(portfolioId);
  } catch {
    // A broken store must not keep the editor from opening on the server's document.
    return undefined;
  }
  return draft && { draft, stale: draft.baseRevision !== serverRevision };
}
