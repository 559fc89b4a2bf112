import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { ApiError, unwrap } from '../api/errors';
import { Field, FormError, Notice, text, useSubmit } from '../components/Form';
import { AuthCard } from '../components/Layout';

export function ResetPassword() {
  const [params] = useSearchParams();
  const [done, setDone] = useState(false);
  const { submitting, error, onSubmit } = useSubmit(async (form) => {
    const password = text(form, 'password');
    if (password !== text(form, 'confirm')) {
      throw new ApiError(422, 'mismatch', 'The two passwords differ.', 'confirm');
    }
    await unwrap(api.POST('/api/v1/auth/password-reset/confirm', { body: { token: params.get('token') ?? '', password } }));
    setDone(true);
  });
  if (done) {
    return (
      <AuthCard title="Password changed">
        <Notice>Your new password is set, and every other session was signed out.</Notice>
        <Link className="button button-primary" to="/login">
          Sign in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password" footer={<Link to="/forgot-password">Need a new link?</Link>}>
      <form onSubmit={onSubmit} noValidate>
        <FormError error={error} fields={['password', 'confirm']} />
        <Field
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          error={error}
          hint="At least 10 characters, and not a common password."
        />
        <Field label="New password, again" name="confirm" type="password" autoComplete="new-password" required error={error} />
        <button className="button button-primary" type="submit" disabled={submitting}>
          {submitting ? 'Saving…' : 'Set the new password'}
        </button>
      </form>
    </AuthCard>
  );
}
