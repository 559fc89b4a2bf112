import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import type { Workspace } from '../api/client';
import { unwrap } from '../api/errors';
import type { Template } from '../portfolios';
import { Field, FormError, useAction } from './Form';

/** "New portfolio": a title, a template from the gallery, and sample content or a blank page. */
export function NewPortfolio({ workspace }: { workspace: Workspace }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const navigate = useNavigate();
  const [templates, setTemplates] = useState<Template[]>([]);
  const [chosen, setChosen] = useState('minimal');
  const [sample, setSample] = useState(true);

  useEffect(() => {
    unwrap(api.GET('/api/v1/workspaces/{workspace_id}/templates', { params: { path: { workspace_id: workspace.id } } }))
      .then(setTemplates)
      .catch(() => setTemplates([]));
  }, [workspace.id]);

  const create = useAction(async (title: string) => {
    const template = templates.find((candidate) => candidate.id === chosen);
    const body =
      template?.kind === 'workspace'
        ? { title, workspace_template_id: template.id }
        : { title, template: template?.template ?? 'minimal', start_with: sample ? ('sample' as const) : ('blank' as const) };
    const portfolio = await unwrap(
      api.POST('/api/v1/workspaces/{workspace_id}/portfolios', { params: { path: { workspace_id: workspace.id } }, body }),
    );
    navigate(`/portfolios/${portfolio.id}/edit`);
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void create.run(String(new FormData(event.currentTarget).get('title') ?? ''));
  };

  return (
    <>
      <button type="button" className="button button-primary" onClick={() => dialog.current?.showModal()}>
        New portfolio
      </button>
      <dialog ref={dialog} className="dialog dialog-wide" aria-labelledby="new-portfolio-title">
        <form onSubmit={submit}>
          <h2 id="new-portfolio-title">A new portfolio</h2>
          <Field label="Title" name="title" required maxLength={200} placeholder="e.g. My portfolio" error={create.error} />
          <fieldset className="gallery-picker">
            <legend>Template</legend>
            {templates.map((template) => (
              <label key={template.id} className="template-choice">
                <input
                  type="radio"
                  name="template"
                  value={template.id}
                  checked={chosen === template.id}
                  onChange={() => setChosen(template.id)}
                />
                <img src={template.thumbnail_url} alt="" loading="lazy" />
                <strong>{template.name}</strong>
                <span className="hint">{template.description}</span>
                <a href={template.preview_url} target="_blank" rel="noreferrer">
                  Preview
                </a>
              </label>
            ))}
          </fieldset>
          {templates.find((template) => template.id === chosen)?.kind !== 'workspace' && (
            <label className="check">
              <input type="checkbox" checked={sample} onChange={(event) => setSample(event.target.checked)} />
              Start with sample content to replace (otherwise a blank page)
            </label>
          )}
          <FormError error={create.error} fields={['title']} />
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={create.running}>
              Create
            </button>
            <button type="button" className="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
