import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { ApiError, unwrap } from '../api/errors';
import { AppShell } from '../components/Layout';

type Job = components['schemas']['Job'];

const POLL_MS = 1000;

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A job being watched: its progress, then its result to download, or why it failed. */
export function JobPage() {
  const { jobId = '' } = useParams();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let timer: number | undefined;
    let stopped = false;
    const poll = () =>
      unwrap(api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: jobId } } }))
        .then((current) => {
          if (stopped) return;
          setJob(current);
          if (current.status === 'queued' || current.status === 'running') timer = window.setTimeout(poll, POLL_MS);
        })
        .catch((failure: ApiError) => setError(failure));
    poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [jobId]);

  if (error) {
    return (
      <AppShell title="Export">
        <div className="banner banner-error" role="alert">
          {error.status === 404 ? 'This job does not exist, or it is not yours to see.' : error.message}
        </div>
      </AppShell>
    );
  }
  if (!job) {
    return (
      <AppShell title="Export">
        <p role="status">Loading…</p>
      </AppShell>
    );
  }
  return (
    <AppShell title="PDF export">
      <section className="card" aria-live="polite">
        {(job.status === 'queued' || job.status === 'running') && (
          <>
            <p>{job.status === 'queued' ? 'Waiting for its turn…' : 'Laying out your pages…'}</p>
            <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={job.progress}>
              <span style={{ width: `${Math.max(job.progress, 5)}%` }} />
            </div>
            {job.error && <p className="muted">The last attempt failed ({job.error}); trying again.</p>}
          </>
        )}
        {job.status === 'done' && job.download_url && (
          <>
            <p>
              Your PDF is ready: {job.pages} {job.pages === 1 ? 'page' : 'pages'}, {size(job.size_bytes ?? 0)}.
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
            The PDF could not be made: {job.error}
          </div>
        )}
        <p>
          <Link to="/">Back to your portfolios</Link>
        </p>
      </section>
    </AppShell>
  );
}
