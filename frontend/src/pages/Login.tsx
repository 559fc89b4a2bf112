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
  const [google, setGoogle] = useState(false);
  const [email, setEmail] = useState('');
  const [resent, setResent] = useState(false);

  useEffect(() => {
    unwrap(api.GET('/api/v1/auth/providers'))
      .then((providers) => setGoogle(providers.google))
      .catch(() => setGoogle(false));
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

  const googleStart = `/api/v1/auth/oidc/google/start${next ? `?next=${encodeURIComponent(next)}` : ''}`;
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
      {params.get('error') === 'google_sign_in_failed' && (
        <div className="banner banner-error" role="alert">
          Google sign-in did not work. Try again, or sign in with your password.
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
      {google && (
        <>
          <p className="divider">
            <span>or</span>
          </p>
          <a className="button button-google" href={googleStart}>
            Sign in with Google
          </a>
        </>
      )}
      <FormError error={resend.error} />
    </AuthCard>
  );
}
