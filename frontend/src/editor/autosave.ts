// Saves the editor's document in the background. Every edit is written to the draft store at
// once and sent to the server after a pause in typing; one request at a time, each based on
// the revision the previous one produced. Failures to reach the server are retried with
// back-off; a save that lost a race with another one (409) waits for the author to choose.

import { ApiError, toApiError } from '../api/errors';
import type { components } from '../api/schema';
import type { DraftStore } from './drafts';
import type { Document } from './history';

export type Problem = components['schemas']['Problem'];

export type SaveResult =
  | { kind: 'saved'; revision: number }
  /** Someone else saved first; `currentRevision` is theirs. */
  | { kind: 'conflict'; currentRevision: number }
  /** The server refuses this document; saving it again cannot help. */
  | { kind: 'invalid'; errors: Problem[] }
  /** No answer, or one that may change by itself (signed out, rate limited, server error). */
  | { kind: 'failed'; error: ApiError };

export type SaveFunction = (baseRevision: number, document: Document) => Promise<SaveResult>;

/** `revision` is always the last one the server confirmed: the base of the next save. */
export type AutosaveState =
  | { status: 'saved'; revision: number }
  | { status: 'saving'; revision: number }
  | { status: 'offline'; revision: number; error: ApiError; retryAt: number }
  | { status: 'conflict'; revision: number; theirs: number }
  | { status: 'invalid'; revision: number; errors: Problem[] };

/**
 * - `keep-theirs`: drop the local edits; the caller reloads the server's document.
 * - `keep-mine`: save the local document over theirs.
 * - `keep-copy`: the caller has made a new portfolio of the local document; drop it here.
 */
export type ConflictChoice = 'keep-theirs' | 'keep-mine' | 'keep-copy';

type TimerHandle = ReturnType<typeof setTimeout>;

export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

// Looked up on each call so that fake timers installed after construction still apply.
const globalTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

export interface AutosaveOptions {
  portfolioId: string;
  /** The revision of the document the editor opened (or of the recovered draft). */
  baseRevision: number;
  save: SaveFunction;
  store: DraftStore;
  /** The pause after the last edit before saving. */
  delayMs?: number;
  now?: () => number;
  timers?: Timers;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

export class AutosaveQueue {
  private readonly portfolioId: string;
  private readonly save: SaveFunction;
  private readonly store: DraftStore;
  private readonly delayMs: number;
  private readonly now: () => number;
  private readonly timers: Timers;

  private state: AutosaveState;
  private readonly listeners = new Set<(state: AutosaveState) => void>();
  /** The document the server does not have yet; null when it has everything. */
  private unsaved: Document | null = null;
  /** Counts edits, so a confirmation can tell whether it covers the latest one. */
  private edits = 0;
  private inFlight = false;
  /** The pause ended during a request: save again as soon as it is answered. */
  private saveAfterFlight = false;
  private debounce: TimerHandle | null = null;
  private retry: TimerHandle | null = null;
  private retryMs = FIRST_RETRY_MS;
  /** Draft writes and deletes run in order, so an older write never lands after a delete. */
  private storeWork: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(options: AutosaveOptions) {
    this.portfolioId = options.portfolioId;
    this.save = options.save;
    this.store = options.store;
    this.delayMs = options.delayMs ?? 800;
    this.now = options.now ?? (() => Date.now());
    this.timers = options.timers ?? globalTimers;
    this.state = { status: 'saved', revision: options.baseRevision };
  }

  /** The current state; the same object until it changes (for `useSyncExternalStore`). */
  readonly getState = (): AutosaveState => this.state;

  /** Calls `listener` on every change of state; returns the function that unsubscribes it. */
  readonly subscribe = (listener: (state: AutosaveState) => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Records a new version of the document. */
  edit(document: Document): void {
    if (this.disposed) {
      return;
    }
    this.unsaved = document;
    this.edits += 1;
    this.writeDraft(this.state.revision);
    switch (this.state.status) {
      case 'conflict':
        // Nothing is saved until the author has chosen; the draft keeps the edits meanwhile.
        return;
      case 'offline':
        // The pending retry sends whatever is latest by then.
        return;
      case 'saved':
        this.setState({ status: 'saving', revision: this.state.revision });
        break;
    }
    this.clearTimer('debounce');
    this.debounce = this.timers.setTimeout(() => {
      this.debounce = null;
      this.flush();
    }, this.delayMs);
  }

  /** Saves now rather than after the pause (or the back-off). */
  flush(): void {
    this.clearTimer('debounce');
    if (this.disposed || this.unsaved === null || this.state.status === 'conflict') {
      return;
    }
    if (this.inFlight) {
      this.saveAfterFlight = true;
      return;
    }
    this.clearTimer('retry');
    void this.send(this.unsaved);
  }

  /** The browser is back online: retry at once instead of waiting out the back-off. */
  online(): void {
    if (this.state.status === 'offline') {
      this.retryMs = FIRST_RETRY_MS;
      this.flush();
    }
  }

  /** Settles a conflict. Resolves once the draft store reflects the choice. */
  resolve(choice: ConflictChoice): Promise<void> {
    if (this.state.status !== 'conflict') {
      return this.storeWork;
    }
    const theirs = this.state.theirs;
    if (choice === 'keep-mine') {
      this.setState({ status: 'saving', revision: theirs });
      this.writeDraft(theirs);
      this.flush();
    } else {
      this.unsaved = null;
      this.setState({ status: 'saved', revision: theirs });
      this.deleteDraft();
    }
    return this.storeWork;
  }

  /**
   * Stops timers and listeners when the editor closes. A request still on its way only
   * updates the draft store when answered.
   */
  dispose(): void {
    this.disposed = true;
    this.clearTimer('debounce');
    this.clearTimer('retry');
    this.listeners.clear();
  }

  private async send(document: Document): Promise<void> {
    const edit = this.edits;
    const base = this.state.revision;
    this.inFlight = true;
    this.saveAfterFlight = false;
    this.setState({ status: 'saving', revision: base });
    let result: SaveResult;
    try {
      result = await this.save(base, document);
    } catch (error) {
      result = { kind: 'failed', error: error instanceof ApiError ? error : toApiError(0, null) };
    }
    this.inFlight = false;
    const newer = this.edits !== edit;
    if (result.kind === 'saved') {
      this.retryMs = FIRST_RETRY_MS;
      if (newer) {
        // The draft now builds on the new revision; left on the old one, reopening it
        // would report our own save as someone else's.
        this.writeDraft(result.revision);
      } else {
        this.unsaved = null;
        this.deleteDraft();
      }
    }
    // Disposed (the editor closed while this request was out): the draft store is up to date
    // with the answer, and nothing more is sent.
    if (this.disposed) {
      return;
    }
    switch (result.kind) {
      case 'saved':
        this.setState({ status: newer ? 'saving' : 'saved', revision: result.revision });
        break;
      case 'conflict':
        this.clearTimer('debounce');
        this.setState({ status: 'conflict', revision: base, theirs: result.currentRevision });
        return;
      case 'invalid':
        this.setState({ status: 'invalid', revision: base, errors: result.errors });
        break;
      case 'failed': {
        this.clearTimer('debounce');
        const retryAt = this.now() + this.retryMs;
        this.setState({ status: 'offline', revision: base, error: result.error, retryAt });
        this.retry = this.timers.setTimeout(() => {
          this.retry = null;
          this.flush();
        }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
        return;
      }
    }
    if (this.saveAfterFlight) {
      this.flush();
    }
  }

  private writeDraft(baseRevision: number): void {
    const document = this.unsaved;
    if (document === null) {
      return;
    }
    const draft = { baseRevision, document, savedAt: this.now() };
    this.queueStoreWork(() => this.store.put(this.portfolioId, draft));
  }

  private deleteDraft(): void {
    this.queueStoreWork(() => this.store.delete(this.portfolioId));
  }

  private queueStoreWork(work: () => Promise<void>): void {
    // The draft is a safety net: failing to write it (storage full, private browsing) must
    // not stop saving to the server.
    this.storeWork = this.storeWork.then(work).catch(() => undefined);
  }

  private clearTimer(which: 'debounce' | 'retry'): void {
    const handle = this[which];
    if (handle !== null) {
      this.timers.clearTimeout(handle);
      this[which] = null;
    }
  }

  private setState(state: AutosaveState): void {
    this.state = state;
    for (const listener of this.listeners) {
      listener(state);
    }
  }
}
