import { useCallback, useEffect, useState } from 'react';
import { api } from './api/client';
import { ApiError, unwrap } from './api/errors';
import type { components } from './api/schema';

export type Job = components['schemas']['Job'];

const POLL_MS = 1000;

/** A job, polled until it is done or failed; `reload` reads it again (after an action on it). */
export function useJob(jobId: string): { job: Job | null; error: ApiError | null; reload: () => Promise<void> } {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(
    () => unwrap(api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: jobId } } })),
    [jobId],
  );

  useEffect(() => {
    let timer: number | undefined;
    let stopped = false;
    const poll = () =>
      load()
        .then((current) => {
          if (stopped) return;
          setJob(current);
          if (current.status === 'queued' || current.status === 'running') timer = window.setTimeout(poll, POLL_MS);
        })
        .catch((failure: ApiError) => !stopped && setError(failure));
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [load]);

  const reload = useCallback(() => load().then(setJob).catch(setError), [load]);
  return { job, error, reload };
}
