import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors';
import { type AutosaveState, AutosaveQueue, type SaveResult } from './autosave';
import { MemoryDraftStore } from './drafts';
import type { Document } from './history';
import { TEST_STYLE } from './testing';

function doc(name: string): Document {
  return {
    schema_version: 2,
    style: TEST_STYLE,
    sections: [{ type: 'header', id: 'h', name }],
  };
}

interface Call {
  base: number;
  document: Document;
  answer(result: SaveResult): Promise<void>;
  fail(error: unknown): Promise<void>;
}

/** A server whose answers the test gives, one request at a time. */
function fakeServer() {
  const calls: Call[] = [];
  const save = vi.fn(
    (base: number, document: Document) =>
      new Promise<SaveResult>((resolve, reject) => {
        calls.push({
          base,
          document,
          answer: async (result) => {
            resolve(result);
            await vi.advanceTimersByTimeAsync(0);
          },
          fail: async (error) => {
            reject(error);
            await vi.advanceTimersByTimeAsync(0);
          },
        });
      }),
  );
  return { calls, save, last: () => calls.at(-1) as Call };
}

function setup(baseRevision = 5) {
  const server = fakeServer();
  const store = new MemoryDraftStore();
  const queue = new AutosaveQueue({ portfolioId: 'p', baseRevision, save: server.save, store });
  const states: AutosaveState[] = [];
  queue.subscribe((state) => states.push(state));
  const statuses = () => states.map((state) => state.status);
  return { server, store, queue, states, statuses };
}

const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the autosave queue', () => {
  it('saves once after a pause in editing', async () => {
    const { server, queue, statuses } = setup();
    for (const name of ['A', 'Ad', 'Ada']) {
      queue.edit(doc(name));
      await wait(500);
    }
    expect(server.save).not.toHaveBeenCalled();
    expect(queue.getState().status).toBe('saving');
    await wait(300);
    expect(server.save).toHaveBeenCalledTimes(1);
    expect(server.last().base).toBe(5);
    expect(server.last().document).toEqual(doc('Ada'));

    await server.last().answer({ kind: 'saved', revision: 6 });
    expect(queue.getState()).toEqual({ status: 'saved', revision: 6 });
    expect(statuses().at(-1)).toBe('saved');
  });

  it('writes the draft at once and clears it only once the server has it', async () => {
    const { server, store, queue } = setup();
    queue.edit(doc('Ada'));
    await wait(0);
    expect(await store.get('p')).toMatchObject({ baseRevision: 5, document: doc('Ada') });

    await wait(800);
    expect(await store.get('p')).toBeDefined();
    await server.last().answer({ kind: 'saved', revision: 6 });
    expect(await store.get('p')).toBeUndefined();
  });

  it('saves edits made during a request after it, on the new revision', async () => {
    const { server, store, queue } = setup();
    queue.edit(doc('Ada'));
    await wait(800);
    queue.edit(doc('Ada King'));
    await wait(800);
    // One request at a time.
    expect(server.save).toHaveBeenCalledTimes(1);

    await server.last().answer({ kind: 'saved', revision: 6 });
    // A newer edit happened: the draft stays, now based on the new revision.
    expect(await store.get('p')).toMatchObject({ baseRevision: 6, document: doc('Ada King') });
    expect(server.save).toHaveBeenCalledTimes(2);
    expect(server.last()).toMatchObject({ base: 6, document: doc('Ada King') });
    expect(queue.getState().status).toBe('saving');

    await server.last().answer({ kind: 'saved', revision: 7 });
    expect(queue.getState()).toEqual({ status: 'saved', revision: 7 });
    expect(await store.get('p')).toBeUndefined();
  });

  it('waits out the pause of an edit made during a request', async () => {
    const { server, queue } = setup();
    queue.edit(doc('Ada'));
    await wait(800);
    queue.edit(doc('Ada King'));
    await server.last().answer({ kind: 'saved', revision: 6 });
    expect(server.save).toHaveBeenCalledTimes(1);
    await wait(800);
    expect(server.save).toHaveBeenCalledTimes(2);
    expect(server.last().base).toBe(6);
  });

  it('goes offline when the server cannot be reached, and retries with back-off', async () => {
    const { server, queue, store } = setup();
    queue.edit(doc('Ada'));
    await wait(800);
    await server.last().fail(new TypeError('Failed to fetch'));
    const state = queue.getState();
    expect(state).toMatchObject({ status: 'offline', revision: 5, retryAt: Date.now() + 1000 });
    expect(state.status === 'offline' && state.error.code).toBe('offline');

    await wait(1000);
    expect(server.save).toHaveBeenCalledTimes(2);
    await server.last().answer({ kind: 'failed', error: new ApiError(503, 'unexpected', 'down', null) });
    // Edits while offline are kept and go with the next retry.
    queue.edit(doc('Ada King'));
    await wait(1999);
    expect(server.save).toHaveBeenCalledTimes(2);
    await wait(1);
    expect(server.save).toHaveBeenCalledTimes(3);
    expect(server.last()).toMatchObject({ base: 5, document: doc('Ada King') });

    await server.last().fail(new TypeError('Failed to fetch'));
    await wait(3999);
    expect(server.save).toHaveBeenCalledTimes(3);
    await wait(1);
    await server.last().answer({ kind: 'saved', revision: 6 });
    expect(queue.getState()).toEqual({ status: 'saved', revision: 6 });
    expect(await store.get('p')).toBeUndefined();
  });

  it('stops growing the back-off at thirty seconds', async () => {
    const { server, queue } = setup();
    queue.edit(doc('Ada'));
    await wait(800);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      await server.last().fail(new TypeError('Failed to fetch'));
      const state = queue.getState();
      if (state.status === 'offline') {
        delays.push(state.retryAt - Date.now());
        await wait(state.retryAt - Date.now());
      }
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('retries at once when the browser comes back online', async () => {
    const { server, queue } = setup();
    queue.edit(doc('Ada'));
    await wait(800);
    await server.last().fail(new TypeError('Failed to fetch'));
    queue.online();
    expect(server.save).toHaveBeenCalledTimes(2);
    await server.last().answer({ kind: 'saved', revision: 6 });
    expect(queue.getState().status).toBe('saved');
    // The retry scheduled while offline was cancelled.
    await wait(60_000);
    expect(server.save).toHaveBeenCalledTimes(2);
  });

  it('reports a refused document and saves again after the next edit', async () => {
    const { server, queue, store } = setup();
    queue.edit(doc(' '));
    await wait(800);
    const errors = [{ field: 'document.sections[0].name', code: 'required', message: '`name` cannot be empty' }];
    await server.last().answer({ kind: 'invalid', errors });
    expect(queue.getState()).toEqual({ status: 'invalid', revision: 5, errors });
    expect(await store.get('p')).toBeDefined();
    await wait(60_000);
    expect(server.save).toHaveBeenCalledTimes(1);

    queue.edit(doc('Ada'));
    expect(queue.getState().status).toBe('invalid');
    await wait(800);
    expect(server.save).toHaveBeenCalledTimes(2);
    expect(queue.getState().status).toBe('saving');
    await server.last().answer({ kind: 'saved', revision: 6 });
    expect(queue.getState().status).toBe('saved');
  });

  describe('on a conflict', () => {
    async function conflicted() {
      const setupResult = setup();
      const { server, queue } = setupResult;
      queue.edit(doc('Mine'));
      await wait(800);
      await server.last().answer({ kind: 'conflict', currentRevision: 9 });
      return setupResult;
    }

    it('waits for the author, keeping later edits in the draft', async () => {
      const { server, queue, store } = await conflicted();
      expect(queue.getState()).toEqual({ status: 'conflict', revision: 5, theirs: 9 });
      queue.edit(doc('Mine, later'));
      queue.online();
      queue.flush();
      await wait(60_000);
      expect(server.save).toHaveBeenCalledTimes(1);
      expect(queue.getState().status).toBe('conflict');
      expect(await store.get('p')).toMatchObject({ baseRevision: 5, document: doc('Mine, later') });
    });

    it('keep-mine saves the local document over their revision', async () => {
      const { server, queue, store } = await conflicted();
      queue.edit(doc('Mine, later'));
      await queue.resolve('keep-mine');
      expect(server.save).toHaveBeenCalledTimes(2);
      expect(server.last()).toMatchObject({ base: 9, document: doc('Mine, later') });
      expect(await store.get('p')).toMatchObject({ baseRevision: 9 });
      await server.last().answer({ kind: 'saved', revision: 10 });
      expect(queue.getState()).toEqual({ status: 'saved', revision: 10 });
      expect(await store.get('p')).toBeUndefined();
    });

    it.each(['keep-theirs', 'keep-copy'] as const)('%s drops the local draft and goes on from their revision', async (choice) => {
      const { server, queue, store } = await conflicted();
      await queue.resolve(choice);
      expect(queue.getState()).toEqual({ status: 'saved', revision: 9 });
      expect(await store.get('p')).toBeUndefined();
      await wait(60_000);
      expect(server.save).toHaveBeenCalledTimes(1);

      // The reloaded (or copied-from) document is edited and saved as usual.
      queue.edit(doc('Theirs, edited'));
      await wait(800);
      expect(server.last()).toMatchObject({ base: 9, document: doc('Theirs, edited') });
    });
  });

  it('stops when disposed, letting the answer on its way settle the draft', async () => {
    const { server, queue, states, store } = setup();
    queue.edit(doc('Ada'));
    await wait(800);
    queue.dispose();
    const seen = states.length;
    await server.last().answer({ kind: 'saved', revision: 6 });
    expect(await store.get('p')).toBeUndefined();
    queue.edit(doc('Ada King'));
    await wait(60_000);
    expect(server.save).toHaveBeenCalledTimes(1);
    expect(states).toHaveLength(seen);
  });

  it('keeps the draft, on the new revision, when the editor closed before a newer edit was sent', async () => {
    const { server, queue, store } = setup();
    queue.edit(doc('Ada'));
    await wait(800);
    queue.edit(doc('Ada King'));
    queue.dispose();
    await server.last().answer({ kind: 'saved', revision: 6 });
    expect(await store.get('p')).toMatchObject({ baseRevision: 6, document: doc('Ada King') });
    await wait(60_000);
    expect(server.save).toHaveBeenCalledTimes(1);
  });

  it('unsubscribes listeners', () => {
    const { queue } = setup();
    const listener = vi.fn();
    const unsubscribe = queue.subscribe(listener);
    queue.edit(doc('Ada'));
    unsubscribe();
    queue.edit(doc('Ada King'));
    queue.flush();
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
