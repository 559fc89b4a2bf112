import { describe, expect, it } from 'vitest';
import { ApiError, fieldMessage, toApiError, unwrap } from './errors';

describe('the API error body', () => {
  it('becomes an ApiError with code, message and field', () => {
    const error = toApiError(422, { error: { code: 'invalid_email', message: 'enter an email', field: 'email' } });
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.message, error.field]).toEqual([422, 'invalid_email', 'enter an email', 'email']);
    expect(fieldMessage(error, 'email')).toBe('enter an email');
    expect(fieldMessage(error, 'password')).toBeUndefined();
  });

  it('falls back to a generic message for bodies that are not ours', () => {
    const error = toApiError(502, '<html>bad gateway</html>');
    expect(error.code).toBe('unexpected');
    expect(error.message).toContain('502');
    expect(error.field).toBeNull();
  });

  it('unwrap returns data on success and throws the parsed error otherwise', async () => {
    const ok = await unwrap(Promise.resolve({ data: { id: 1 }, response: new Response(null, { status: 200 }) }));
    expect(ok).toEqual({ id: 1 });
    const failed = unwrap(
      Promise.resolve({
        error: { error: { code: 'rate_limited', message: 'too many attempts', field: null } },
        response: new Response(null, { status: 429 }),
      }),
    );
    await expect(failed).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    await expect(unwrap(Promise.reject(new TypeError('offline')))).rejects.toMatchObject({ code: 'offline' });
  });
});
