import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { wordDiff } from '../../ai/diff';
import { streamAssist } from '../../ai/sse';
import { useAiStatus } from '../../ai/status';
import { TEXT_ACTIONS, applySuggestion, currentValue, htmlToText, isTextAction, targetOf, textFields, toFieldValue } from '../../ai/target';
import type { AssistAction, Target } from '../../ai/target';
import { api } from '../../api/client';
import { ApiError, toApiError, unwrap } from '../../api/errors';
import type { Document, EditorAction, SectionType } from '../../editor/history';
import { Field, FormError, TextAreaField, useAction } from '../Form';
import { SECTION_LABELS } from './Outline';

/** A reply being written or written: where it goes when accepted, when it goes anywhere. */
interface Reply {
  label: string;
  target: Target | null;
  text: string;
  done: boolean;
}

const SUGGESTIONS: { action: AssistAction; label: string }[] = [
  { action: 'suggest_headline', label: 'Suggest headline' },
  { action: 'suggest_summary', label: 'Suggest summary' },
  { action: 'suggest_sections', label: 'Suggest missing sections' },
];

/** Section types an AI draft can add to a portfolio. */
const DRAFTABLE: SectionType[] = ['about', 'experience', 'education', 'skills', 'projects', 'contact'];

/**
 * The editor's assistant: quick actions on the selected section's text, suggestions drawn from
 * the whole page, and a short chat. Replies stream in; one meant for a field is shown as a diff
 * against its text and, once accepted, applied as an ordinary edit (undoable, autosaved).
 */
export function Assistant({
  portfolioId,
  workspaceId,
  document,
  selected,
  act,
}: {
  portfolioId: string;
  workspaceId: string;
  document: Document;
  selected: string | null;
  act: (action: EditorAction) => void;
}) {
  const { status, error: statusError } = useAiStatus();
  const [field, setField] = useState<string | undefined>(undefined);
  const [language, setLanguage] = useState('');
  const [message, setMessage] = useState('');
  const [reply, setReply] = useState<Reply | null>(null);
  const [asked, setAsked] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const running = useRef<AbortController | null>(null);
  const replyBox = useRef<HTMLDivElement>(null);
  const streaming = reply !== null && !reply.done;

  useEffect(() => () => running.current?.abort(), []);
  // Each new question brings its reply into view (below the page, on a phone).
  useEffect(() => {
    if (asked > 0) replyBox.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [asked]);

  const section = document.sections.find((candidate) => candidate.id === selected);
  const fields = section ? textFields(section) : [];
  const textTarget = targetOf('rewrite', document, selected, field);
  const selectedText = textTarget ? currentValue(document, textTarget).trim() : '';

  const ask = async (action: AssistAction, label: string, extra: { language?: string; message?: string } = {}) => {
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    const target = targetOf(action, document, selected, field);
    setError(null);
    setNotice(null);
    setReply({ label, target, text: '', done: false });
    setAsked((count) => count + 1);
    try {
      const text = await streamAssist(
        portfolioId,
        {
          action,
          section_id: section?.id,
          text: isTextAction(action) ? selectedText : undefined,
          ...extra,
        },
        (soFar) => setReply({ label, target, text: soFar, done: false }),
        { signal: controller.signal },
      );
      setReply({ label, target, text, done: true });
      if (action === 'chat') setMessage('');
    } catch (caught) {
      if (controller.signal.aborted) return;
      setReply(null);
      setError(caught instanceof ApiError ? caught : toApiError(0, null));
    } finally {
      if (running.current === controller) running.current = null;
    }
  };

  const stop = () => {
    running.current?.abort();
    running.current = null;
    setReply((current) => current && { ...current, done: true });
  };

  const accept = () => {
    if (!reply?.target) return;
    act(applySuggestion(reply.target, toFieldValue(reply.text, reply.target.rich)));
    setReply(null);
    setNotice(`Applied to ${SECTION_LABELS[reply.target.sectionType].toLowerCase()} · ${reply.target.label.toLowerCase()}. Undo takes it back.`);
  };

  const chat = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void ask('chat', 'Answer', { message });
  };

  if (statusError) {
    return (
      <Panel>
        <FormError error={statusError} />
      </Panel>
    );
  }
  if (!status) {
    return (
      <Panel>
        <p className="loading" role="status">
          Starting the assistant…
        </p>
      </Panel>
    );
  }
  if (!status.enabled) {
    return (
      <Panel>
        <div className="banner" role="status">
          {status.message ?? 'AI writing is not set up on this server.'}
        </div>
      </Panel>
    );
  }

  const textBlocked = streaming || !textTarget || selectedText === '';
  return (
    <Panel>
      <section className="assist-group" aria-labelledby="assist-text">
        <h3 id="assist-text">Selected text</h3>
        {!section && <p className="hint">Select a section on the page or in the list to work on its text.</p>}
        {section && fields.length === 0 && (
          <p className="hint">
            The {SECTION_LABELS[section.type].toLowerCase()} section has no text for these actions: select a header, about, text or contact
            section.
          </p>
        )}
        {section && fields.length > 1 && (
          <FieldChoice fields={fields.map(({ key, label }) => ({ key, label }))} value={textTarget?.key ?? ''} onChange={setField} />
        )}
        {textTarget && selectedText === '' && <p className="hint">This {textTarget.label.toLowerCase()} is empty: write a few words first.</p>}
        {textTarget && selectedText !== '' && (
          <p className="hint">
            {SECTION_LABELS[textTarget.sectionType]} · {textTarget.label}: “{clip(htmlToText(selectedText))}”
          </p>
        )}
        <div className="assist-actions">
          {TEXT_ACTIONS.map(({ action, label }) => (
            <button key={action} type="button" className="button button-small" disabled={textBlocked} onClick={() => void ask(action, label)}>
              {label}
            </button>
          ))}
        </div>
        <form
          className="assist-translate"
          onSubmit={(event) => {
            event.preventDefault();
            void ask('translate', `Translate into ${language.trim()}`, { language });
          }}
        >
          <Field
            label="Translate into"
            name="language"
            value={language}
            maxLength={40}
            placeholder="e.g. Spanish"
            onChange={(event) => setLanguage(event.target.value)}
            error={error}
          />
          <button type="submit" className="button button-small" disabled={textBlocked}>
            Translate
          </button>
        </form>
      </section>

      <section className="assist-group" aria-labelledby="assist-suggest">
        <h3 id="assist-suggest">From the whole page</h3>
        <div className="assist-actions">
          {SUGGESTIONS.map(({ action, label }) => (
            <button key={action} type="button" className="button button-small" disabled={streaming} onClick={() => void ask(action, label)}>
              {label}
            </button>
          ))}
        </div>
      </section>

      <div ref={replyBox} className="assist-reply-area" aria-live="polite">
        <FormError error={error} fields={['language', 'message']} />
        {notice && (
          <p className="banner banner-success" role="status">
            {notice}
          </p>
        )}
        {reply && (
          <ReplyView
            reply={reply}
            current={reply.target ? currentValue(document, reply.target) : ''}
            onAccept={accept}
            onReject={() => setReply(null)}
            onStop={stop}
          />
        )}
      </div>

      <form className="assist-group" onSubmit={chat} aria-labelledby="assist-chat">
        <h3 id="assist-chat">Ask about your page</h3>
        <TextAreaField
          label="Message"
          name="message"
          rows={3}
          maxLength={5000}
          value={message}
          placeholder="e.g. What would make my experience stand out?"
          onChange={(event) => setMessage(event.target.value)}
          error={error}
        />
        <div className="button-row">
          <button type="submit" className="button button-small" disabled={streaming || message.trim() === ''}>
            Send
          </button>
        </div>
      </form>

      <DraftSections portfolioId={portfolioId} workspaceId={workspaceId} />
    </Panel>
  );
}

function Panel({ children }: { children: ReactNode }) {
  return (
    <aside className="inspector assistant" aria-label="Assistant">
      <h2>Assistant</h2>
      {children}
    </aside>
  );
}

function clip(text: string, length = 90): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

function FieldChoice({ fields, value, onChange }: { fields: { key: string; label: string }[]; value: string; onChange: (key: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Text to work on</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {fields.map((field) => (
          <option key={field.key} value={field.key}>
            {field.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The reply as it streams; once written, a suggestion for a field is shown as changes to it. */
function ReplyView({
  reply,
  current,
  onAccept,
  onReject,
  onStop,
}: {
  reply: Reply;
  current: string;
  onAccept: () => void;
  onReject: () => void;
  onStop: () => void;
}) {
  const { target } = reply;
  const suggestion = target ? toFieldValue(reply.text, target.rich) : '';
  const showDiff = reply.done && target !== null && reply.text.trim() !== '';
  const parts = showDiff ? wordDiff(htmlToText(current), htmlToText(suggestion)) : [];
  const unchanged = parts.every((part) => part.kind === 'same');
  return (
    <section className="assist-reply" aria-label="Suggestion" aria-busy={!reply.done}>
      <h3>
        {reply.label}
        {target && <span className="hint"> · {`${SECTION_LABELS[target.sectionType]} ${target.label.toLowerCase()}`}</span>}
      </h3>
      {showDiff && unchanged ? (
        <>
          <p className="assist-text">The assistant suggests no change to this text.</p>
          <div className="button-row">
            <button type="button" className="button button-small" onClick={onReject}>
              Dismiss
            </button>
          </div>
        </>
      ) : showDiff ? (
        <>
          <p className="diff" aria-label="Changes">
            {parts.map((part, index) =>
              part.kind === 'same' ? (
                <span key={index}>{part.text}</span>
              ) : part.kind === 'added' ? (
                <ins key={index}>{part.text}</ins>
              ) : (
                <del key={index}>{part.text}</del>
              ),
            )}
          </p>
          <div className="button-row">
            <button type="button" className="button button-primary button-small" onClick={onAccept}>
              Accept
            </button>
            <button type="button" className="button button-small" onClick={onReject}>
              Reject
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="assist-text">{htmlToText(reply.text) || (reply.done ? 'The assistant had nothing to say.' : 'Thinking…')}</p>
          <div className="button-row">
            {reply.done ? (
              <button type="button" className="button button-small" onClick={onReject}>
                Dismiss
              </button>
            ) : (
              <button type="button" className="button button-small" onClick={onStop}>
                Stop
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}

/** New sections written from a description, offered on the job's page and then in the editor's tray. */
function DraftSections({ portfolioId, workspaceId }: { portfolioId: string; workspaceId: string }) {
  const navigate = useNavigate();
  const [kinds, setKinds] = useState<SectionType[]>(['experience', 'skills']);
  const draft = useAction(async (form: FormData) => {
    const job = await unwrap(
      api.POST('/api/v1/workspaces/{workspace_id}/ai/generations', {
        params: { path: { workspace_id: workspaceId } },
        body: { prompt: String(form.get('prompt') ?? ''), portfolio_id: portfolioId, sections: kinds },
      }),
    );
    navigate(`/jobs/${job.id}`);
  });
  return (
    <details className="assist-group assist-draft">
      <summary>Write new sections from a description</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void draft.run(new FormData(event.currentTarget));
        }}
      >
        <TextAreaField
          label="What should they say?"
          name="prompt"
          rows={4}
          maxLength={4000}
          placeholder="e.g. Two years at Ledgerly building a payments ledger in Rust; before that, Go services at Paynova."
          error={draft.error}
        />
        <fieldset className="assist-kinds">
          <legend>Sections</legend>
          {DRAFTABLE.map((kind) => (
            <label key={kind} className="check">
              <input
                type="checkbox"
                checked={kinds.includes(kind)}
                onChange={(event) => setKinds(event.target.checked ? [...kinds, kind] : kinds.filter((other) => other !== kind))}
              />
              {SECTION_LABELS[kind]}
            </label>
          ))}
        </fieldset>
        <FormError error={draft.error} fields={['prompt']} />
        <div className="button-row">
          <button type="submit" className="button button-small" disabled={draft.running || kinds.length === 0}>
            Write sections
          </button>
        </div>
      </form>
    </details>
  );
}
