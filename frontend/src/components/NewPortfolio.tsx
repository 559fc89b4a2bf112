import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useAiStatus } from '../ai/status';
import { api } from '../api/client';
import type { Workspace } from '../api/client';
import { unwrap } from '../api/errors';
import type { Template } from '../portfolios';
import { Field, FormError, SelectField, TextAreaField, text, useAction } from './Form';

type Start = 'template' | 'ai';

/** "New portfolio": from a template in the gallery (sample content or a blank page), or written by AI from a description. */
export function NewPortfolio({ workspace }: { workspace: Workspace }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [start, setStart] = useState<Start>('template');

  useEffect(() => {
    unwrap(api.GET('/api/v1/workspaces/{workspace_id}/templates', { params: { path: { workspace_id: workspace.id } } }))
      .then(setTemplates)
      .catch(() => setTemplates([]));
  }, [workspace.id]);

  const close = () => dialog.current?.close();

  return (
    <>
      <button type="button" className="button button-primary" onClick={() => dialog.current?.showModal()}>
        New portfolio
      </button>
      <dialog ref={dialog} className="dialog dialog-wide" aria-labelledby="new-portfolio-title">
        <div className="dialog-body">
          <h2 id="new-portfolio-title">A new portfolio</h2>
          <fieldset className="choices start-choices">
            <legend className="visually-hidden">How to start</legend>
            <label className="choice">
              <input type="radio" name="start" value="template" checked={start === 'template'} onChange={() => setStart('template')} />
              <span>
                <strong>From a template</strong>
                <span className="hint">Pick a design; start from sample content or a blank page.</span>
              </span>
            </label>
            <label className="choice">
              <input type="radio" name="start" value="ai" checked={start === 'ai'} onChange={() => setStart('ai')} />
              <span>
                <strong>Write it with AI</strong>
                <span className="hint">Tell it about your work in a few sentences; get a first draft to polish.</span>
              </span>
            </label>
          </fieldset>
          {start === 'template' ? (
            <FromTemplate workspace={workspace} templates={templates} onCancel={close} />
          ) : (
            <WithAi workspace={workspace} templates={templates.filter((template) => template.kind === 'builtin')} onCancel={close} />
          )}
        </div>
      </dialog>
    </>
  );
}

function Gallery({ templates, chosen, onChoose }: { templates: Template[]; chosen: string; onChoose: (id: string) => void }) {
  return (
    <>
      {templates.map((template) => (
        <label key={template.id} className="template-choice">
          <input type="radio" name="template" value={template.id} checked={chosen === template.id} onChange={() => onChoose(template.id)} />
          <img src={template.thumbnail_url} alt="" loading="lazy" />
          <strong>{template.name}</strong>
          <span className="hint">{template.description}</span>
          <a href={template.preview_url} target="_blank" rel="noreferrer">
            Preview
          </a>
        </label>
      ))}
    </>
  );
}

function FromTemplate({ workspace, templates, onCancel }: { workspace: Workspace; templates: Template[]; onCancel: () => void }) {
  const navigate = useNavigate();
  const [chosen, setChosen] = useState('minimal');
  const [sample, setSample] = useState(true);

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
    <form onSubmit={submit}>
      <Field label="Title" name="title" required maxLength={200} placeholder="e.g. My portfolio" error={create.error} />
      <fieldset className="gallery-picker">
        <legend>Template</legend>
        <Gallery templates={templates} chosen={chosen} onChoose={setChosen} />
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
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const EXAMPLES: { title: string; prompt: string }[] = [
  {
    title: 'Backend engineer',
    prompt:
      "I'm a backend engineer, 6 years at two fintechs, Rust and Go. At Ledgerly (since 2021) I built a double-entry payments ledger that settles card and bank payments; before that I worked on fraud checks at Paynova. I live in Lisbon and like mentoring.",
  },
  {
    title: 'Product designer',
    prompt:
      'Product designer with 8 years in B2B software. I led the redesign of an invoicing app used by 40,000 small businesses, built its design system and run user research. Studied visual communication in Berlin, where I live.',
  },
  {
    title: 'Graduate',
    prompt:
      'Computer science graduate from the University of Porto (2025). Six-month internship at a robotics start-up writing Python for warehouse robots; my final project planned routes for delivery drones. Looking for a first job in embedded or backend work.',
  },
];

const TONES = ['professional', 'friendly', 'confident', 'concise', 'playful'];

function WithAi({ workspace, templates, onCancel }: { workspace: Workspace; templates: Template[]; onCancel: () => void }) {
  const navigate = useNavigate();
  const { status, error: statusError } = useAiStatus();
  const [prompt, setPrompt] = useState('');
  const [design, setDesign] = useState('modern');

  const generate = useAction(async (form: FormData) => {
    const optional = (name: string) => text(form, name).trim() || undefined;
    const job = await unwrap(
      api.POST('/api/v1/workspaces/{workspace_id}/ai/generations', {
        params: { path: { workspace_id: workspace.id } },
        body: {
          prompt,
          tone: optional('tone'),
          language: optional('language'),
          template: templates.find((template) => template.id === design)?.template ?? design,
          sections: [],
        },
      }),
    );
    navigate(`/jobs/${job.id}`);
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void generate.run(new FormData(event.currentTarget));
  };
  const describe = (value: string) => {
    setPrompt(value);
    // A complaint about the description goes once it is being rewritten.
    if (generate.error?.field === 'prompt') generate.setError(null);
  };

  const cancel = (
    <button type="button" className="button" onClick={onCancel}>
      Cancel
    </button>
  );
  if (statusError) {
    return (
      <>
        <FormError error={statusError} />
        <div className="button-row">{cancel}</div>
      </>
    );
  }
  if (!status) return <p className="loading" role="status">Checking whether AI writing is available…</p>;
  if (!status.enabled) {
    return (
      <>
        <div className="banner" role="status">
          {status.message ?? 'AI writing is not set up on this server.'}
        </div>
        <div className="button-row">{cancel}</div>
      </>
    );
  }
  return (
    <form onSubmit={submit}>
      <TextAreaField
        label="Describe your career"
        name="prompt"
        rows={6}
        maxLength={4000}
        placeholder="Describe your career… your roles and years, where you worked, your skills, the projects you are proud of."
        value={prompt}
        onChange={(event) => describe(event.target.value)}
        error={generate.error}
        hint="A few sentences in your own words. The draft says only what you give it: check it before you publish."
      />
      <div className="examples">
        <span className="hint">Try an example:</span>
        {EXAMPLES.map((example) => (
          <button key={example.title} type="button" className="example" onClick={() => describe(example.prompt)} title={example.prompt}>
            {example.title}
          </button>
        ))}
      </div>
      <div className="inline-form form-row">
        <SelectField label="Tone" name="tone" defaultValue="" error={generate.error}>
          <option value="">Professional and warm</option>
          {TONES.map((tone) => (
            <option key={tone} value={tone}>
              {tone[0]?.toUpperCase()}
              {tone.slice(1)}
            </option>
          ))}
        </SelectField>
        <Field label="Language" name="language" maxLength={40} placeholder="As your description" error={generate.error} />
      </div>
      {templates.length > 0 && (
        <fieldset className="gallery-picker">
          <legend>Design</legend>
          <Gallery templates={templates} chosen={design} onChoose={setDesign} />
        </fieldset>
      )}
      <FormError error={generate.error} fields={['prompt', 'tone', 'language']} />
      <p className="hint">This workspace can make {status.daily_requests} AI requests a day.</p>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={generate.running}>
          {generate.running ? 'Starting…' : 'Write my portfolio'}
        </button>
        {cancel}
      </div>
    </form>
  );
}
