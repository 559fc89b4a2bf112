import { Suspense, lazy, useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/errors';
import type { components } from '../api/schema';
import { Canvas } from '../components/editor/Canvas';
import { History } from '../components/editor/History';
import { WorkspaceContext } from '../components/editor/ImageField';
import type { Previewed } from '../components/editor/History';
import { Inspector } from '../components/editor/Inspector';
import { Outline } from '../components/editor/Outline';
import { AutosaveQueue } from '../editor/autosave';
import type { AutosaveState, ConflictChoice } from '../editor/autosave';
import { IndexedDbDraftStore, recoverDraft } from '../editor/drafts';
import { createReducer, initialState } from '../editor/history';
import type { Document, EditorAction } from '../editor/history';
import { saveDocument } from '../editor/save';
import type { Portfolio } from '../portfolios';

// The assistant and the AI sections tray are loaded when first opened, not with the editor.
const Assistant = lazy(() => import('../components/editor/Assistant').then((module) => ({ default: module.Assistant })));
const AiSections = lazy(() => import('../components/editor/AiSections').then((module) => ({ default: module.AiSections })));

type Theme = components['schemas']['Theme'];
/** `recovered`: the document is a draft from this device that the server does not have. */
type Loaded = { portfolio: Portfolio; document: Document; revision: number; recovered: boolean };

const store = new IndexedDbDraftStore();
const reduce = createReducer();

async function load(portfolioId: string): Promise<Loaded> {
  const params = { params: { path: { portfolio_id: portfolioId } } };
  const [portfolio, current] = await Promise.all([
    unwrap(api.GET('/api/v1/portfolios/{portfolio_id}', params)),
    unwrap(api.GET('/api/v1/portfolios/{portfolio_id}/document', params)),
  ]);
  // Edits the server never got (a closed tab, a lost connection) come back first.
  const recovered = await recoverDraft(store, portfolioId, current.revision);
  if (recovered && JSON.stringify(recovered.draft.document) !== JSON.stringify(current.document)) {
    return { portfolio, document: recovered.draft.document, revision: recovered.draft.baseRevision, recovered: true };
  }
  return { portfolio, document: current.document, revision: current.revision, recovered: false };
}

/** The editor: outline and palette, the page as the server draws it, and the inspector. */
export function Editor() {
  const { portfolioId = '' } = useParams();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    load(portfolioId)
      .then((result) => current && setLoaded(result))
      .catch((error: Error) => current && setFailure(error.message));
    return () => {
      current = false;
    };
  }, [portfolioId, attempt]);

  const reload = useCallback(() => {
    setLoaded(null);
    setAttempt((count) => count + 1);
  }, []);

  if (failure) return <p className="banner banner-error">{failure}</p>;
  if (!loaded) return <p className="loading" role="status">Opening the editor…</p>;
  return <Workbench key={`${loaded.portfolio.id}:${loaded.revision}`} loaded={loaded} onReload={reload} />;
}

const STATUS_TEXT: Record<AutosaveState['status'], string> = {
  saved: 'Saved',
  saving: 'Saving…',
  offline: 'Offline — your edits are kept on this device',
  conflict: 'Conflict',
  invalid: 'Not saved: fix the marked fields',
};

function Workbench({ loaded, onReload }: { loaded: Loaded; onReload: () => void }) {
  const portfolioId = loaded.portfolio.id;
  const [state, dispatch] = useReducer(reduce, loaded.document, initialState);
  const [template, setTemplate] = useState<Theme>(loaded.portfolio.template);
  const [saveState, setSaveState] = useState<AutosaveState>({ status: 'saved', revision: loaded.revision });
  const [width, setWidth] = useState<'desktop' | 'tablet' | 'phone'>('desktop');
  const [published, setPublished] = useState(loaded.portfolio);
  const [panel, setPanel] = useState<'inspector' | 'history' | 'assistant'>('inspector');
  const [search, setSearch] = useSearchParams();
  const aiJob = search.get('ai');
  const [previewed, setPreviewed] = useState<Previewed | null>(null);
  const [shortcuts, setShortcuts] = useState(false);
  const queue = useRef<AutosaveQueue | null>(null);
  // The document the queue last got; a recovered draft has not been sent yet.
  const sent = useRef<Document | null>(loaded.recovered ? null : loaded.document);

  // Made in the effect, so that a remount (React's strict mode does one) gets a live queue.
  useEffect(() => {
    const autosave = new AutosaveQueue({
      portfolioId,
      baseRevision: loaded.revision,
      store,
      save: (base, document) => saveDocument(portfolioId, base, document),
    });
    queue.current = autosave;
    const unsubscribe = autosave.subscribe(setSaveState);
    const online = () => autosave.online();
    window.addEventListener('online', online);
    return () => {
      unsubscribe();
      window.removeEventListener('online', online);
      autosave.flush();
      autosave.dispose();
      queue.current = null;
    };
  }, [portfolioId, loaded.revision]);

  // Every change of the document (not of the selection) is an edit to keep.
  useEffect(() => {
    if (state.document === sent.current || !queue.current) return;
    sent.current = state.document;
    queue.current.edit(state.document);
  }, [state.document]);

  const act = useCallback((action: EditorAction) => dispatch(action), []);

  const selected = state.selected;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      // Text fields keep their own keys (and their own undo) while they have focus.
      if (target && (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.isContentEditable)) return;
      const command = event.metaKey || event.ctrlKey;
      const key = event.key.toLowerCase();
      if (command && key === 'z') {
        dispatch({ type: event.shiftKey ? 'redo' : 'undo' });
      } else if (command && key === 'y') {
        dispatch({ type: 'redo' });
      } else if (command && key === 'd' && selected) {
        dispatch({ type: 'duplicateSection', id: selected });
      } else if ((key === 'delete' || key === 'backspace') && selected && !command) {
        dispatch({ type: 'deleteSection', id: selected });
      } else if (key === 'escape') {
        dispatch({ type: 'select', id: null });
      } else if (key === '?') {
        setShortcuts(true);
      } else {
        return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected]);

  const chooseTemplate = async (next: Theme) => {
    setTemplate(next);
    await unwrap(
      api.PATCH('/api/v1/portfolios/{portfolio_id}', { params: { path: { portfolio_id: portfolioId } }, body: { template: next } }),
    ).catch(() => undefined);
  };

  const navigate = useNavigate();
  /** The last edits reach the server first, so what is on screen is what gets published or exported. */
  const savedFirst = async () => {
    if (!queue.current) return true;
    queue.current.flush();
    return whenSaved(queue.current);
  };

  const publish = async () => {
    if (!(await savedFirst())) return;
    const portfolio = await unwrap(
      api.POST('/api/v1/portfolios/{portfolio_id}/publish', { params: { path: { portfolio_id: portfolioId } } }),
    ).catch(() => null);
    if (portfolio) setPublished(portfolio);
  };

  const exportPdf = async () => {
    if (!(await savedFirst())) return;
    const job = await unwrap(
      api.POST('/api/v1/portfolios/{portfolio_id}/exports/pdf', { params: { path: { portfolio_id: portfolioId } }, body: {} }),
    ).catch(() => null);
    if (job) navigate(`/jobs/${job.id}`);
  };

  const resolve = async (choice: ConflictChoice) => {
    if (choice === 'keep-copy') {
      await unwrap(
        api.POST('/api/v1/workspaces/{workspace_id}/portfolios', {
          params: { path: { workspace_id: loaded.portfolio.workspace_id } },
          body: { title: `${loaded.portfolio.title} (my copy)`, template, document: state.document },
        }),
      );
    }
    await queue.current?.resolve(choice);
    if (choice !== 'keep-mine') onReload();
  };

  return (
    <WorkspaceContext.Provider value={loaded.portfolio.workspace_id}>
      <div className="editor">
        <header className="editor-bar">
          <Link to="/" className="button button-quiet">
            ← Portfolios
          </Link>
          <h1 className="editor-title">{loaded.portfolio.title}</h1>
          <p className={`save-status save-${saveState.status}`} role="status" aria-live="polite">
            {STATUS_TEXT[saveState.status]}
          </p>
          <div className="button-row">
            <button type="button" className="button" onClick={() => dispatch({ type: 'undo' })} disabled={state.past.length === 0}>
              Undo
            </button>
            <button type="button" className="button" onClick={() => dispatch({ type: 'redo' })} disabled={state.future.length === 0}>
              Redo
            </button>
            <div className="segmented" role="group" aria-label="Canvas width">
              {(['desktop', 'tablet', 'phone'] as const).map((option) => (
                <button key={option} type="button" aria-pressed={width === option} onClick={() => setWidth(option)}>
                  {option}
                </button>
              ))}
            </div>
            <button
              type="button"
              className="button"
              aria-pressed={panel === 'assistant'}
              onClick={() => {
                setPanel(panel === 'assistant' ? 'inspector' : 'assistant');
                setPreviewed(null);
              }}
            >
              Assistant
            </button>
            <button
              type="button"
              className="button"
              aria-pressed={panel === 'history'}
              onClick={() => {
                setPanel(panel === 'history' ? 'inspector' : 'history');
                setPreviewed(null);
              }}
            >
              History
            </button>
            <button type="button" className="button" onClick={() => setShortcuts(true)} aria-label="Keyboard shortcuts">
              ?
            </button>
            <button type="button" className="button" onClick={exportPdf}>
              Export PDF
            </button>
            <button type="button" className="button button-primary" onClick={publish}>
              Publish
            </button>
            {published.status === 'published' && (
              <a className="button" href={published.secret_url ?? published.public_url} target="_blank" rel="noreferrer">
                View page
              </a>
            )}
          </div>
        </header>
        {shortcuts && <Shortcuts onClose={() => setShortcuts(false)} />}
        {saveState.status === 'conflict' && (
          <ConflictBanner
            onChoose={(choice) => {
              setPreviewed(null);
              void resolve(choice);
            }}
            onCompare={async () => {
              const theirs = await unwrap(
                api.GET('/api/v1/portfolios/{portfolio_id}/document', { params: { path: { portfolio_id: portfolioId } } }),
              ).catch(() => null);
              if (theirs) {
                setPreviewed({ id: 'theirs', label: `their version (revision ${theirs.revision})`, document: theirs.document, template });
              }
            }}
          />
        )}
        {saveState.status === 'invalid' && (
          <div className="banner banner-error" role="alert">
            <ul>
              {saveState.errors.map((problem) => (
                <li key={`${problem.field}:${problem.code}`}>
                  <code>{problem.field}</code>: {problem.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {previewed && (
          <div className="banner preview-banner" role="status">
            Showing {previewed.label}, not your document.{' '}
            <button type="button" className="button button-quiet" onClick={() => setPreviewed(null)}>
              Back to editing
            </button>
          </div>
        )}
        {aiJob && (
          <Suspense fallback={null}>
            <AiSections
              jobId={aiJob}
              portfolioId={portfolioId}
              sectionCount={state.document.sections.length}
              insert={search.get('insert')}
              act={act}
              onInserted={() =>
                setSearch(
                  (current) => {
                    current.delete('insert');
                    return current;
                  },
                  { replace: true },
                )
              }
              onClose={() => setSearch({}, { replace: true })}
            />
          </Suspense>
        )}
        <div className="editor-panes">
          <Outline state={state} act={act} />
          <Canvas
            document={previewed?.document ?? state.document}
            template={previewed?.template ?? template}
            width={width}
            selected={previewed ? null : state.selected}
            act={act}
          />
          {panel === 'history' ? (
            <History
              portfolioId={portfolioId}
              revision={saveState.revision}
              previewing={previewed?.id ?? null}
              onPreview={setPreviewed}
              beforeRestore={async () => {
                if (!queue.current) return true;
                queue.current.flush();
                return whenSaved(queue.current);
              }}
              onRestored={onReload}
            />
          ) : panel === 'assistant' ? (
            <Suspense
              fallback={
                <aside className="inspector" aria-label="Assistant">
                  <p className="loading" role="status">
                    Starting the assistant…
                  </p>
                </aside>
              }
            >
              <Assistant
                portfolioId={portfolioId}
                workspaceId={loaded.portfolio.workspace_id}
                document={state.document}
                selected={state.selected}
                act={act}
              />
            </Suspense>
          ) : (
            <Inspector state={state} act={act} template={template} onTemplate={chooseTemplate} />
          )}
        </div>
      </div>
    </WorkspaceContext.Provider>
  );
}

const SHORTCUTS: [string, string][] = [
  ['Ctrl/⌘ + Z', 'Undo'],
  ['Shift + Ctrl/⌘ + Z, Ctrl/⌘ + Y', 'Redo'],
  ['Ctrl/⌘ + D', 'Duplicate the selected section'],
  ['Delete', 'Delete the selected section'],
  ['Escape', 'Select nothing: edit the page style'],
  ['Tab to ⠿, Space, ↑ / ↓, Space', 'Move a section with the keyboard'],
  ['?', 'Show these shortcuts'],
];

function Shortcuts({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="shortcuts-title" onClose={onClose}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table className="table">
        <tbody>
          {SHORTCUTS.map(([keys, effect]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{effect}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">Shortcuts do nothing while you type in a field, which keeps its own undo.</p>
      <div className="button-row">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}

/** Resolves `true` once the server has every edit, `false` if saving stops on a problem. */
function whenSaved(autosave: AutosaveQueue): Promise<boolean> {
  return new Promise((resolve) => {
    const check = (state: AutosaveState) => {
      if (state.status === 'saving') return false;
      resolve(state.status === 'saved');
      return true;
    };
    if (check(autosave.getState())) return;
    const unsubscribe = autosave.subscribe((state) => {
      if (check(state)) unsubscribe();
    });
  });
}

function ConflictBanner({ onChoose, onCompare }: { onChoose: (choice: ConflictChoice) => void; onCompare: () => void }) {
  return (
    <div className="banner banner-error conflict" role="alertdialog" aria-labelledby="conflict-title">
      <p id="conflict-title">
        <strong>Someone else saved this portfolio while you were editing.</strong> Your version is on screen and kept on
        this device; theirs is the latest on the server (“Show theirs” puts it in the canvas). Nothing is overwritten
        until you choose.
      </p>
      <div className="button-row">
        <button type="button" className="button" onClick={onCompare}>
          Show theirs
        </button>
        <button type="button" className="button" onClick={() => onChoose('keep-theirs')}>
          Keep theirs
        </button>
        <button type="button" className="button button-primary" onClick={() => onChoose('keep-mine')}>
          Keep mine
        </button>
        <button type="button" className="button" onClick={() => onChoose('keep-copy')}>
          Keep mine as a copy
        </button>
      </div>
    </div>
  );
}
