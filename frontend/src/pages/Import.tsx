import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Workspace } from '../api/client';
import { ApiError, unwrap } from '../api/errors';
import { Field, FormError, SelectField, useAction } from '../components/Form';
import { AppShell } from '../components/Layout';
import { checkFiles, startImport } from '../imports/form';
import type { ImportKind, Target } from '../imports/form';
import type { Portfolio, Template } from '../portfolios';
import { useSession } from '../session';
import './Import.css';

/** `/import`: a LinkedIn data export or a JSON Resume, into a new portfolio or an existing one. */
export function ImportPage() {
  const { current } = useSession();
  const [params] = useSearchParams();
  return (
    <AppShell title="Import your career">
      {current ? (
        <ImportForm key={current.id} workspace={current} preselected={params.get('portfolio')} />
      ) : (
        <p className="muted">
          Imports go into a workspace: <Link to="/">create one</Link> first.
        </p>
      )}
    </AppShell>
  );
}

function LinkedInHowTo() {
  return (
    <div className="import-howto">
      <h3>How to get your LinkedIn data</h3>
      <ol>
        <li>
          On LinkedIn, open <strong>Settings &amp; Privacy</strong> → <strong>Data privacy</strong> → <strong>Get a copy of your data</strong>.
        </li>
        <li>
          Choose the <strong>larger data archive</strong>: it has your profile, positions, education and skills. (Or pick Profile,
          Positions, Education and Skills one by one under “Want something in particular?”.)
        </li>
        <li>Request the archive. LinkedIn emails you when it is ready, which can take up to a day; download the ZIP.</li>
        <li>
          Upload the ZIP as it is, or only the CSV files inside it: <code>Profile.csv</code>, <code>Positions.csv</code>,{' '}
          <code>Education.csv</code>, <code>Skills.csv</code>; also <code>Projects.csv</code>, <code>Certifications.csv</code>,{' '}
          <code>Languages.csv</code> and <code>Honors.csv</code> when you have them. Nothing else is read: your messages and connections
          stay out.
        </li>
      </ol>
      <p className="hint">
        Signed in with LinkedIn? LinkedIn shares only your name, email address and photo with Vitrine, never your career: that is why
        your positions, education and skills come from this export.
      </p>
    </div>
  );
}

function JsonResumeHowTo() {
  return (
    <div className="import-howto">
      <h3>About JSON Resume</h3>
      <p>
        <a href="https://jsonresume.org/schema" target="_blank" rel="noreferrer">
          JSON Resume
        </a>{' '}
        is an open format for CVs: one <code>resume.json</code> file with your basics, work, education, skills and projects. Many CV tools
        export it, and so does Vitrine (“Download JSON Resume” in a portfolio’s menu).
      </p>
      <p className="hint">What has no place in a portfolio, such as references, is left out and listed before you apply anything.</p>
    </div>
  );
}

function ImportForm({ workspace, preselected }: { workspace: Workspace; preselected: string | null }) {
  const navigate = useNavigate();
  const [kind, setKind] = useState<ImportKind>('linkedin_archive');
  const [files, setFiles] = useState<File[]>([]);
  const [where, setWhere] = useState<Target['kind']>(preselected ? 'merge' : 'new');
  const [portfolioId, setPortfolioId] = useState(preselected ?? '');
  const [template, setTemplate] = useState('modern');
  const [portfolios, setPortfolios] = useState<Portfolio[] | null>(null);
  const [templates, setTemplates] = useState<Template[]>([]);
  const canEdit = workspace.role !== 'viewer';

  useEffect(() => {
    const path = { params: { path: { workspace_id: workspace.id } } };
    unwrap(api.GET('/api/v1/workspaces/{workspace_id}/portfolios', path))
      .then((listed) => {
        setPortfolios(listed);
        // The first one is chosen when none was, or when the chosen one is not in this workspace.
        setPortfolioId((chosen) => (listed.some((portfolio) => portfolio.id === chosen) ? chosen : (listed[0]?.id ?? '')));
        if (listed.length === 0) setWhere('new');
      })
      .catch(() => setPortfolios([]));
    unwrap(api.GET('/api/v1/workspaces/{workspace_id}/templates', path))
      .then((found) => setTemplates(found.filter((each) => each.kind === 'builtin')))
      .catch(() => setTemplates([]));
  }, [workspace.id]);

  const start = useAction(async () => {
    const problem = checkFiles(kind, files);
    if (problem) throw new ApiError(422, 'invalid', problem, 'file');
    const target: Target = where === 'new' ? { kind: 'new', template } : { kind: 'merge', portfolioId };
    const job = await startImport(workspace.id, { kind, files, target });
    navigate(`/imports/${job.id}`);
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void start.run();
  };
  const choose = (next: ImportKind) => {
    setKind(next);
    setFiles([]);
    start.setError(null);
  };

  if (!canEdit) {
    return (
      <section className="card">
        <p>Viewers of {workspace.name} cannot import. Ask an owner of the workspace to make you an editor.</p>
      </section>
    );
  }

  const linkedIn = kind === 'linkedin_archive';
  return (
    <section className="card import-card">
      <form onSubmit={submit} noValidate>
        <fieldset className="choices import-kinds">
          <legend className="import-legend">What are you importing?</legend>
          <label className="choice">
            <input type="radio" name="kind" value="linkedin_archive" checked={linkedIn} onChange={() => choose('linkedin_archive')} />
            <span>
              <strong>LinkedIn data export</strong>
              <span className="hint">The ZIP from “Get a copy of your data”, or its CSV files.</span>
            </span>
          </label>
          <label className="choice">
            <input type="radio" name="kind" value="json_resume" checked={!linkedIn} onChange={() => choose('json_resume')} />
            <span>
              <strong>JSON Resume</strong>
              <span className="hint">One resume.json file.</span>
            </span>
          </label>
        </fieldset>
        {start.error?.field === 'kind' && (
          <p className="field-error" role="alert">
            {start.error.message}
          </p>
        )}

        {linkedIn ? <LinkedInHowTo /> : <JsonResumeHowTo />}

        <Field
          key={kind}
          label={linkedIn ? 'Your LinkedIn export (ZIP or CSV files)' : 'Your resume.json'}
          name="file"
          type="file"
          accept={linkedIn ? '.zip,.csv,application/zip,text/csv' : '.json,application/json'}
          multiple={linkedIn}
          onChange={(event) => {
            setFiles([...(event.currentTarget.files ?? [])]);
            if (start.error?.field === 'file') start.setError(null);
          }}
          error={start.error}
          hint={linkedIn ? 'Several CSV files can be chosen at once. At most 20 MB in all.' : 'At most 20 MB.'}
        />
        {files.length > 1 && (
          <ul className="import-files" aria-label="Chosen files">
            {files.map((file) => (
              <li key={file.name}>{file.name}</li>
            ))}
          </ul>
        )}

        <fieldset className="choices import-where">
          <legend className="import-legend">Where should it go?</legend>
          <label className="choice">
            <input type="radio" name="where" value="new" checked={where === 'new'} onChange={() => setWhere('new')} />
            <span>
              <strong>A new portfolio</strong>
              <span className="hint">Made from what you import, in the design you choose.</span>
            </span>
          </label>
          <label className={portfolios?.length ? 'choice' : 'choice import-disabled'}>
            <input
              type="radio"
              name="where"
              value="merge"
              checked={where === 'merge'}
              disabled={!portfolios?.length}
              onChange={() => setWhere('merge')}
            />
            <span>
              <strong>Add to an existing portfolio</strong>
              <span className="hint">New positions, schools and projects are added; what it has already is kept.</span>
            </span>
          </label>
        </fieldset>

        {where === 'new' ? (
          <fieldset className="gallery-picker import-designs" aria-describedby={start.error?.field === 'template' ? 'template-error' : undefined}>
            <legend>Design</legend>
            {templates.map((each) => (
              <label key={each.id} className="template-choice">
                <input type="radio" name="template" value={each.template} checked={template === each.template} onChange={() => setTemplate(each.template)} />
                <img src={each.thumbnail_url} alt="" loading="lazy" />
                <strong>{each.name}</strong>
              </label>
            ))}
            {start.error?.field === 'template' && (
              <p className="field-error import-span" id="template-error" role="alert">
                {start.error.message}
              </p>
            )}
          </fieldset>
        ) : (
          <SelectField
            label="Portfolio"
            name="portfolio_id"
            value={portfolioId}
            onChange={(event) => setPortfolioId(event.target.value)}
            error={start.error}
            hint="You review what is added before anything changes."
          >
            {(portfolios ?? []).map((portfolio) => (
              <option key={portfolio.id} value={portfolio.id}>
                {portfolio.title}
              </option>
            ))}
          </SelectField>
        )}

        <FormError error={start.error} fields={['file', 'kind', 'template', 'portfolio_id']} />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={start.running}>
            {start.running ? 'Uploading…' : 'Import'}
          </button>
          <Link className="button" to="/">
            Cancel
          </Link>
        </div>
      </form>
    </section>
  );
}
