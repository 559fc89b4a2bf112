import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import { ApiError, unwrap } from '../api/errors';
import { SECTION_LABELS } from '../components/editor/Outline';
import { FormError, useAction } from '../components/Form';
import { AppShell } from '../components/Layout';
import { capitalise, groupSkipped, importResult, reportLine } from '../imports/report';
import type { ImportResult, Report } from '../imports/report';
import { sectionHeading, sectionLines } from '../imports/summary';
import './Import.css';
import { useJob } from '../jobs';
import type { Job } from '../jobs';

/** `/imports/:jobId`: the import being read, then what it found, to apply section by section. */
export function ImportReview() {
  const { jobId = '' } = useParams();
  const { job, error, reload } = useJob(jobId);


  let body;
  if (error) {
    body = (
      <div className="banner banner-error" role="alert">
        {error.status === 404 ? 'This import does not exist, or it is not yours to see.' : error.message}
      </div>
    );
  } else if (!job) {
    body = <p role="status">Loading…</p>;
  } else if (job.kind !== 'import') {
    body = (
      <p>
        This job is not an import. <Link to={`/jobs/${job.id}`}>See the job</Link>
      </p>
    );
  } else {
    body = <Review job={job} onStale={reload} />;
  }
  return (
    <AppShell title="Review your import">
      {body}
      <p>
        <Link to="/">Back to your portfolios</Link>
      </p>
    </AppShell>
  );
}

function Review({ job, onStale }: { job: Job; onStale: () => void }) {
  const result = importResult(job);
  const again = job.portfolio_id && result?.kind === 'merge' ? `/import?portfolio=${job.portfolio_id}` : '/import';

  if (job.status === 'queued' || job.status === 'running') {
    return (
      <section className="card" aria-live="polite">
        <p>{job.status === 'queued' ? 'Waiting for its turn…' : 'Reading your files…'}</p>
        <div className="progress" role="progressbar" aria-label="Progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={job.progress}>
          <span style={{ width: `${Math.max(job.progress, 5)}%` }} />
        </div>
        {job.error && <p className="muted">The last attempt failed ({job.error}); trying again.</p>}
      </section>
    );
  }
  if (job.status === 'failed') {
    return (
      <>
        <section className="card import-failed">
          <div className="banner banner-error" role="alert">
            The import failed: {job.error ?? 'something went wrong on our side.'}
          </div>
          <div className="button-row">
            <Link className="button button-primary" to={again}>
              Try another file
            </Link>
          </div>
        </section>
        {result && <ReportCard report={result.report} />}
      </>
    );
  }
  if (!result) {
    return (
      <section className="card">
        <p>This import is no longer available.</p>
        <Link className="button" to="/import">
          Import again
        </Link>
      </section>
    );
  }
  return (
    <>
      {result.appliedTo && (
        <section className="card import-applied" aria-live="polite">
          <div className="banner banner-success" role="status">
            This import has been applied.
          </div>
          <div className="button-row">
            <Link className="button button-primary" to={`/portfolios/${result.appliedTo}/edit`}>
              Open the portfolio
            </Link>
          </div>
        </section>
      )}
      <ReportCard report={result.report} />
      {!result.appliedTo && <Preview job={job} result={result} onStale={onStale} />}
    </>
  );
}

function ReportCard({ report }: { report: Report }) {
  const groups = groupSkipped(report.skipped);
  return (
    <section className="card import-report" aria-labelledby="import-report-title">
      <h2 id="import-report-title">What was found</h2>
      <div className="import-columns">
        <div>
          <h3>Imported</h3>
          {report.imported.length === 0 ? (
            <p className="muted">Nothing.</p>
          ) : (
            <ul className="import-found">
              {report.imported.map((line) => (
                <li key={line}>{reportLine(line)}</li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Left out{report.skipped.length > 0 && ` (${report.skipped.length})`}</h3>
          {groups.length === 0 ? (
            <p className="muted">Nothing was left out.</p>
          ) : (
            groups.map((group) => (
              <div key={group.title} className="import-group">
                <h4>{group.title}</h4>
                <ul className="import-skipped">
                  {group.entries.map((entry, index) => (
                    <li key={index}>
                      <strong>{capitalise(entry.what)}</strong>: {entry.why}
                    </li>
                  ))}
                </ul>
              </div>
            ))
          )}
        </div>
      </div>
    </section>
  );
}

function Preview({ job, result, onStale }: { job: Job; result: ImportResult; onStale: () => void }) {
  const navigate = useNavigate();
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(result.sections.map((section) => section.id)));
  const [target, setTarget] = useState<string | null>(null);
  const merge = result.kind === 'merge';

  useEffect(() => {
    if (!merge || !job.portfolio_id) return;
    unwrap(api.GET('/api/v1/portfolios/{portfolio_id}', { params: { path: { portfolio_id: job.portfolio_id } } }))
      .then((portfolio) => setTarget(portfolio.title))
      .catch(() => setTarget(null));
  }, [merge, job.portfolio_id]);

  const apply = useAction(async () => {
    try {
      const applied = await unwrap(
        api.POST('/api/v1/jobs/{job_id}/apply', { params: { path: { job_id: job.id } }, body: { sections: [...chosen] } }),
      );
      navigate(`/portfolios/${applied.portfolio_id}/edit`);
    } catch (failure) {
      // Applied meanwhile (in another tab): the page then says where it went.
      if (failure instanceof ApiError && failure.status === 409) onStale();
      throw failure;
    }
  });

  const toggle = (id: string, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <section className="card import-preview" aria-labelledby="import-preview-title">
      <h2 id="import-preview-title">Preview</h2>
      <p className="muted">
        {merge
          ? `What would be added to “${target ?? 'your portfolio'}”. Entries it has already are left out; untick what you do not want.`
          : 'The sections of your new portfolio, top to bottom. Untick what you do not want; you can edit everything afterwards.'}
      </p>
      <ul className="import-sections">
        {result.sections.map((section) => {
          const on = chosen.has(section.id);
          const lines = sectionLines(section);
          return (
            <li key={section.id} className={on ? 'import-section' : 'import-section import-off'} data-section-type={section.type}>
              <label className="import-section-head">
                <input type="checkbox" checked={on} onChange={(event) => toggle(section.id, event.target.checked)} />
                <strong>{sectionHeading(section, SECTION_LABELS[section.type])}</strong>
              </label>
              {lines.length > 0 && (
                <ul className="import-lines">
                  {lines.map((line, index) => (
                    <li key={index}>{line}</li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
      <p className="hint" aria-live="polite">
        {chosen.size} of {result.sections.length} {result.sections.length === 1 ? 'section' : 'sections'} chosen.
      </p>
      <FormError error={apply.error} />
      <div className="button-row">
        <button type="button" className="button button-primary" disabled={chosen.size === 0 || apply.running} onClick={() => void apply.run()}>
          {merge ? 'Add to portfolio' : 'Create portfolio'}
        </button>
      </div>
    </section>
  );
}
