import { toApiError } from '../api/errors';
import type { components } from '../api/schema';

export type Media = components['schemas']['Media'];

/**
 * Uploads an image to the workspace's media. The body is multipart, which the generated client
 * does not build, so this one call uses fetch directly; the answer is the API's `Media`.
 */
export async function uploadImage(workspaceId: string, file: File): Promise<Media> {
  const form = new FormData();
  form.append('file', file, file.name);
  let response: Response;
  try {
    response = await fetch(`/api/v1/workspaces/${encodeURIComponent(workspaceId)}/media`, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
    });
  } catch {
    throw toApiError(0, null);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw toApiError(response.status, body);
  return body as Media;
}
