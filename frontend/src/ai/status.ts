import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { ApiError, unwrap } from '../api/errors';
import type { components } from '../api/schema';

export type AiStatus = components['schemas']['AiStatus'];

/** Whether AI writing is set up on this server (`null` while asking). */
export function useAiStatus(): { status: AiStatus | null; error: ApiError | null } {
  const [status, setStatus] = useState<AiStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let current = true;
    unwrap(api.GET('/api/v1/ai'))
      .then((answer) => current && setStatus(answer))
      .catch((failure: ApiError) => current && setError(failure));
    return () => {
      current = false;
    };
  }, []);
  return { status, error };
}
