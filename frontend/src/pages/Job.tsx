import { useEffect } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { generationResult, sectionSummary } from '../ai/generation';
import { SECTION_LABELS } from '../components/editor/Outline';
import { AppShell } from '../components/Layout';
import { useJob } from '../jobs';
import type { Job } from '../jobs';

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A job being watched: its progress, then its result (a PDF to download, an AI draft to open), or why it failed. */
export function JobPage() {
  const { jobId = '' } = useParams();
  const { job, error } = useJob(jobId);


  if (error) {
    return (
      <AppShell title="Job">
        <div className="banner banner-error" role="alert">
          {error.status === 404 ? 'This job does not exist, or it is not yours to see.' : error.message}
        </div>
      </AppShell>
    );
  }
  if (!job) {
    return (
      <AppShell title="Job">
        <p role="status">Loading…</p>
      </AppShell>
    );
  }
  if (job.kind === 'ai_generation') return <Generation job={job} />;
  if (job.kind === 'import') return <Navigate to={`/imports/${job.id}`} replace />;
  const site = job.kind === 'static_export';
  return (
    <AppShell title={site ? 'Static site export' : 'PDF export'}>
      <section className="card" aria-live="polite">
        {(job.status === 'queued' || job.status === 'running') && (
          <Progress job={job} doing={site ? 'Putting your site together…' : 'Laying out your pages…'} />
        )}
        {job.status === 'done' && job.download_url && (
          <>
            <p>
              {site
                ? `Your site is ready: a ZIP of ${size(job.size_bytes ?? 0)} to open from disk or put on any static host.`
                : `Your PDF is ready: ${job.pages} ${job.pages === 1 ? 'page' : 'pages'}, ${size(job.size_bytes ?? 0)}.`}
            </p>
            <a className="button button-primary" href={job.download_url} download={job.filename}>
              Download {job.filename}
            </a>
            {job.expires_at && (
              <p className="muted">The link works until {new Date(job.expires_at).toLocaleString()}.</p>
            )}
          </>
        )}
        {job.status === 'done' && !job.download_url && <p>This export has expired; export again from the portfolio.</p>}
        {job.status === 'failed' && (
          <div className="banner banner-error" role="alert">
            {site ? 'The site' : 'The PDF'} could not be made: {job.error}
          </div>
        )}
        <p>
          <Link to="/">Back to your portfolios</Link>
        </p>
      </section>
    </AppShell>
  );
}

function Progress({ job, doing }: { job: Job; doing: string }) {
  return (
    <>
      <p>{job.status === 'queued' ? 'Waiting for its turn…' : doing}</p>
      <div className="progress" role="progressbar" aria-label="Progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={job.progress}>
        <span style={{ width: `${Math.max(job.progress, 5)}%` }} />
      </div>
      {job.error && <p className="muted">The last attempt failed ({job.error}); trying again.</p>}
    </>
  );
}

/** An AI draft: a new portfolio opens in the editor once written; sections for an existing one are offered to insert. */
function Generation({ job }: { job: Job }) {
  const navigate = useNavigate();
  const result = generationResult(job);
  const created = result?.kind === 'portfolio' ? result.portfolioId : null;

  useEffect(() => {
    // Replaced, so that going back from the editor does not land here and bounce forward again.
    if (created) navigate(`/portfolios/${created}/edit`, { replace: true });
  }, [created, navigate]);

  const editor = `/portfolios/${job.portfolio_id ?? ''}/edit?ai=${job.id}`;
  return (
    <AppShell title="AI draft">
      <section className="card" aria-live="polite">
        {(job.status === 'queued' || job.status === 'running') && (
          <Progress job={job} doing={job.progress < 80 ? 'Writing your portfolio from your description…' : 'Checking the sections and putting them in place…'} />
        )}
        {created && (
          <p>
            Your draft is ready. <Link to={`/portfolios/${created}/edit`}>Open it in the editor</Link>
          </p>
        )}
        {result?.kind === 'preview' && (
          <>
            <p>
              {result.sections.length} {result.sections.length === 1 ? 'section is' : 'sections are'} ready for your portfolio. Nothing
              is added until you insert it.
            </p>
            <ul className="generated">
              {result.sections.map((section) => (
                <li key={section.id}>
                  <span>
                    <strong>{SECTION_LABELS[section.type]}</strong>
                    <span className="hint"> {sectionSummary(section)}</span>
                  </span>
                  <Link className="button" to={`${editor}&insert=${encodeURIComponent(section.id)}`}>
                    Insert
                  </Link>
                </li>
              ))}
            </ul>
            <Link className="button button-primary" to={editor}>
              Open the editor to insert
            </Link>
          </>
        )}
        {job.status === 'done' && !result && <p>This draft is no longer available.</p>}
        {job.status === 'failed' && (
          <div className="banner banner-error" role="alert">
            The AI draft could not be written: {job.error}
          </div>
        )}
        <p>
          <Link to="/">Back to your portfolios</Link>
        </p>
      </section>
    </AppShell>
  );
}
