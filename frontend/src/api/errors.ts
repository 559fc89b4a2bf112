// The API answers every error with {"error": {"code", "message", "field"}}; forms show the
// message next to the field it names, or above the form when it names none.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;

  constructor(status: number, code: string, message: string, field: string | null) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export function toApiError(status: number, body: unknown): ApiError {
  const detail = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
  if (detail && typeof detail.code === 'string' && typeof detail.message === 'string') {
    return new ApiError(status, detail.code, detail.message, typeof detail.field === 'string' ? detail.field : null);
  }
  if (status === 0) {
    return new ApiError(0, 'offline', 'We could not reach Vitrine. Check your connection and try again.', null);
  }
  return new ApiError(status, 'unexpected', `Something went wrong (HTTP ${status}). Try again.`, null);
}

/** The message for a form field, when the error is about that field. */
export function fieldMessage(error: ApiError | null, field: string): string | undefined {
  return error && error.field === field ? error.message : undefined;
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Resolves to the data of a successful answer, or throws an `ApiError`. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch {
    throw toApiError(0, null);
  }
  if (!result.response.ok) {
    throw toApiError(result.response.status, result.error);
  }
  return result.data as T;
}
