import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { ApiError, unwrap } from '../api/errors';
import { Field, FormError, Notice, text, useSubmit } from '../components/Form';
import { AuthCard } from '../components/Layout';

export function VerifyEmail() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [state, setState] = useState<'checking' | 'verified' | ApiError>('checking');
  const [resentTo, setResentTo] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    // A token works once: React's development double effects must not spend it twice.
    if (started.current) return;
    started.current = true;
    unwrap(api.POST('/api/v1/auth/verify-email', { body: { token } }))
      .then(() => setState('verified'))
      .catch((error: ApiError) => setState(error));
  }, [token]);

  const resend = useSubmit(async (form) => {
    const email = text(form, 'email');
    await unwrap(api.POST('/api/v1/auth/resend-verification', { body: { email } }));
    setResentTo(email);
  });

  if (state === 'checking') {
    return (
      <AuthCard title="Confirming your email">
        <p role="status">One moment…</p>
      </AuthCard>
    );
  }
  if (state === 'verified') {
    return (
      <AuthCard title="Email confirmed">
        <Notice>Your email address is confirmed. You can sign in now.</Notice>
        <Link className="button button-primary" to="/login">
          Sign in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="This link does not work">
      <div className="banner banner-error" role="alert">
        {state.message}
      </div>
      {resentTo ? (
        <Notice>If {resentTo} has an account waiting for confirmation, a new link is on its way.</Notice>
      ) : (
        <form onSubmit={resend.onSubmit} noValidate>
          <p>Enter your email and we will send a new link.</p>
          <FormError error={resend.error} fields={['email']} />
          <Field label="Email" name="email" type="email" autoComplete="email" required error={resend.error} />
          <button className="button button-primary" type="submit" disabled={resend.submitting}>
            Send a new link
          </button>
        </form>
      )}
    </AuthCard>
  );
}
