import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/errors';
import { Field, FormError, text, useAction, useSubmit } from '../components/Form';
import { AuthCard } from '../components/Layout';
import { safeNext } from '../next';
import { useSession } from '../session';

export function Login() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { refresh } = useSession();
  const next = params.get('next');
  const [providers, setProviders] = useState({ google: false, linkedin: false });
  const [email, setEmail] = useState('');
  const [resent, setResent] = useState(false);

  useEffect(() => {
    unwrap(api.GET('/api/v1/auth/providers'))
      .then(setProviders)
      .catch(() => setProviders({ google: false, linkedin: false }));
  }, []);

  const { submitting, error, onSubmit } = useSubmit(async (form) => {
    await unwrap(api.POST('/api/v1/auth/login', { body: { email: text(form, 'email'), password: text(form, 'password') } }));
    await refresh();
    navigate(safeNext(next), { replace: true });
  });

  const resend = useAction(async () => {
    await unwrap(api.POST('/api/v1/auth/resend-verification', { body: { email } }));
    setResent(true);
  });

  const startAt = (provider: string) =>
    `/api/v1/auth/oidc/${provider}/start${next ? `?next=${encodeURIComponent(next)}` : ''}`;
  const failed = params.get('error')?.match(/^(google|linkedin)_sign_in_failed$/)?.[1];
  const signup = next ? `/signup?next=${encodeURIComponent(next)}` : '/signup';
  return (
    <AuthCard
      title="Sign in"
      footer={
        <>
          New to Vitrine? <Link to={signup}>Create an account</Link>
        </>
      }
    >
      {failed && (
        <div className="banner banner-error" role="alert">
          {failed === 'google' ? 'Google' : 'LinkedIn'} sign-in did not work. Try again, or sign in with your password.
        </div>
      )}
      <form onSubmit={onSubmit} noValidate>
        <FormError error={error} fields={['email', 'password']} />
        {error?.code === 'email_not_verified' && (
          <div className="banner">
            {resent ? (
              <span role="status">We sent a new confirmation link to {email}.</span>
            ) : (
              <button type="button" className="button button-quiet" onClick={() => void resend.run()} disabled={resend.running}>
                Send the confirmation link again
              </button>
            )}
          </div>
        )}
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          error={error}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={error} />
        <p className="form-aside">
          <Link to="/forgot-password">Forgot password?</Link>
        </p>
        <button className="button button-primary" type="submit" disabled={submitting}>
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {(providers.google || providers.linkedin) && (
        <>
          <p className="divider">
            <span>or</span>
          </p>
          {providers.google && (
            <a className="button button-google" href={startAt('google')}>
              Sign in with Google
            </a>
          )}
          {providers.linkedin && (
            <>
              <a className="button button-linkedin" href={startAt('linkedin')}>
                Sign in with LinkedIn
              </a>
              <p className="form-aside">
                LinkedIn shares your name, email and photo. To bring in your career, import LinkedIn's data export
                once you are in.
              </p>
            </>
          )}
        </>
      )}
      <FormError error={resend.error} />
    </AuthCard>
  );
}
