import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/errors';
import { accessLabel } from '../portfolios';
import type { AccessMode, Portfolio } from '../portfolios';
import { Field, FormError, useAction } from './Form';

const MODES: { mode: AccessMode; hint: string }[] = [
  { mode: 'public', hint: 'Anyone with the address; search engines may list it.' },
  { mode: 'private', hint: 'Only members of this workspace, signed in.' },
  { mode: 'password', hint: 'Visitors type a password you share with them.' },
  { mode: 'secret_link', hint: 'Anyone with a long, unguessable link; you can replace it any time.' },
];

/** Who may see the published page, in a modal dialog. */
export function AccessDialog({ portfolio, onClose, onSaved }: { portfolio: Portfolio; onClose: () => void; onSaved: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [mode, setMode] = useState<AccessMode>(portfolio.access);
  const [current, setCurrent] = useState(portfolio);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const save = useAction(async (password: string) => {
    const updated = await unwrap(
      api.PUT('/api/v1/portfolios/{portfolio_id}/access', {
        params: { path: { portfolio_id: portfolio.id } },
        body: { mode, ...(mode === 'password' && password ? { password } : {}) },
      }),
    );
    setCurrent(updated);
    onSaved();
    if (mode !== 'secret_link') onClose();
  });
  const rotate = useAction(async () => {
    setCurrent(
      await unwrap(
        api.POST('/api/v1/portfolios/{portfolio_id}/access/rotate-secret', { params: { path: { portfolio_id: portfolio.id } } }),
      ),
    );
    setCopied(false);
    onSaved();
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void save.run(String(new FormData(event.currentTarget).get('password') ?? ''));
  };

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="access-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="access-title">Who can see “{portfolio.title}”</h2>
        <fieldset className="choices">
          <legend className="visually-hidden">Access</legend>
          {MODES.map(({ mode: option, hint }) => (
            <label key={option} className="choice">
              <input type="radio" name="mode" value={option} checked={mode === option} onChange={() => setMode(option)} />
              <span>
                <strong>{accessLabel(option)}</strong>
                <span className="hint">{hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {mode === 'password' && (
          <Field
            label={current.has_password ? 'New password (leave empty to keep the current one)' : 'Password'}
            name="password"
            type="text"
            autoComplete="off"
            minLength={4}
            required={!current.has_password}
            error={save.error}
          />
        )}
        {mode === 'secret_link' && current.secret_url && (
          <div className="field">
            <label htmlFor="secret-url">Secret link</label>
            <input id="secret-url" readOnly value={current.secret_url} onFocus={(event) => event.currentTarget.select()} />
            <div className="button-row">
              <button
                type="button"
                className="button"
                onClick={() => {
                  void navigator.clipboard.writeText(current.secret_url ?? '').catch(() => undefined);
                  setCopied(true);
                }}
              >
                {copied ? 'Copied' : 'Copy link'}
              </button>
              <button type="button" className="button" onClick={() => void rotate.run()} disabled={rotate.running}>
                Replace the link
              </button>
            </div>
            <p className="hint">Replacing it stops the old link from working.</p>
          </div>
        )}
        <FormError error={save.error ?? rotate.error} fields={['password']} />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={save.running}>
            Save
          </button>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}
