// The import form as the API takes it: which export, which files, and where the result goes.
// The body is multipart, which the generated client does not build, so the request uses fetch.

import { ApiError, toApiError } from '../api/errors';
import type { components } from '../api/schema';

type Job = components['schemas']['Job'];

export type ImportKind = 'linkedin_archive' | 'json_resume';

/** A new portfolio in a design, or new entries for an existing portfolio. */
export type Target = { kind: 'new'; template: string } | { kind: 'merge'; portfolioId: string };

export interface ImportRequest {
  kind: ImportKind;
  files: File[];
  target: Target;
}

/** What the API takes at most, all files together. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

type Chosen = Pick<File, 'name' | 'size'>;

const extension = (name: string) => name.toLowerCase().split('.').pop() ?? '';

/** What is wrong with the chosen files, said before anything is sent; `null` when they will do. */
export function checkFiles(kind: ImportKind, files: Chosen[]): string | null {
  if (files.length === 0) {
    return kind === 'json_resume' ? 'Choose your resume.json file.' : 'Choose the ZIP of your LinkedIn export, or its CSV files.';
  }
  if (kind === 'json_resume') {
    if (files.length > 1) return 'Choose one resume.json file.';
    const [file] = files;
    if (file && extension(file.name) !== 'json') return `${file.name} is not a .json file.`;
  } else {
    const odd = files.find((file) => !['zip', 'csv'].includes(extension(file.name)));
    if (odd) return `${odd.name} is neither a ZIP archive nor a CSV file.`;
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total > MAX_UPLOAD_BYTES) {
    return `The files add up to ${(total / 1024 / 1024).toFixed(1)} MB; an import takes at most 20 MB.`;
  }
  return null;
}

/** The multipart body of `POST /workspaces/{id}/imports`. */
export function importFormData({ kind, files, target }: ImportRequest): FormData {
  const form = new FormData();
  form.append('kind', kind);
  for (const file of files) form.append('file', file, file.name);
  if (target.kind === 'new') form.append('template', target.template);
  else form.append('portfolio_id', target.portfolioId);
  return form;
}

/** The API's error, placed next to the field it is about when the API names none. */
export function placeError(error: ApiError, target: Target): ApiError {
  if (error.field) return error;
  if (error.status === 413) {
    return new ApiError(413, error.code, 'The files are larger than 20 MB in all: upload the ZIP, or only the CSV files named above.', 'file');
  }
  if (error.status === 404 && target.kind === 'merge') {
    return new ApiError(404, error.code, 'This portfolio is not in this workspace any more: choose another.', 'portfolio_id');
  }
  return error;
}

/** Starts the import; answers its job. */
export async function startImport(workspaceId: string, request: ImportRequest): Promise<Job> {
  let response: Response;
  try {
    response = await fetch(`/api/v1/workspaces/${encodeURIComponent(workspaceId)}/imports`, {
      method: 'POST',
      body: importFormData(request),
      credentials: 'same-origin',
    });
  } catch {
    throw toApiError(0, null);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw placeError(toApiError(response.status, body), request.target);
  return body as Job;
}
