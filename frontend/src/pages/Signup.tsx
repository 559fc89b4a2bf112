import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/errors';
import { Field, FormError, text, useSubmit } from '../components/Form';
import { AuthCard } from '../components/Layout';

export function Signup() {
  const [params] = useSearchParams();
  const next = params.get('next');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { submitting, error, onSubmit } = useSubmit(async (form) => {
    const user = await unwrap(
      api.POST('/api/v1/auth/signup', {
        body: { email: text(form, 'email'), password: text(form, 'password'), full_name: text(form, 'full_name') },
      }),
    );
    setSentTo(user.email);
  });

  if (sentTo) {
    return (
      <AuthCard title="Check your email">
        <p>
          We sent a link to <strong>{sentTo}</strong>. Open it to confirm your address, then sign in.
        </p>
        <Link className="button" to={next ? `/login?next=${encodeURIComponent(next)}` : '/login'}>
          Go to sign in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Create your account"
      footer={
        <>
          Already have an account? <Link to={next ? `/login?next=${encodeURIComponent(next)}` : '/login'}>Sign in</Link>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate>
        <FormError error={error} fields={['full_name', 'email', 'password']} />
        <Field label="Full name" name="full_name" autoComplete="name" required error={error} />
        <Field label="Email" name="email" type="email" autoComplete="email" required error={error} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          error={error}
          hint="At least 10 characters, and not a common password."
        />
        <button className="button button-primary" type="submit" disabled={submitting}>
          {submitting ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
    </AuthCard>
  );
}
