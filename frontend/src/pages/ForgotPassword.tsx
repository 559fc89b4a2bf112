import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/errors';
import { Field, FormError, Notice, text, useSubmit } from '../components/Form';
import { AuthCard } from '../components/Layout';

export function ForgotPassword() {
  const [sent, setSent] = useState(false);
  const { submitting, error, onSubmit } = useSubmit(async (form) => {
    await unwrap(api.POST('/api/v1/auth/password-reset', { body: { email: text(form, 'email') } }));
    setSent(true);
  });
  return (
    <AuthCard title="Reset your password" footer={<Link to="/login">Back to sign in</Link>}>
      {sent ? (
        <Notice>If an account exists for this address, we sent it a link to choose a new password. It works for one hour.</Notice>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <p>Enter the email you sign in with and we will send you a link.</p>
          <FormError error={error} fields={['email']} />
          <Field label="Email" name="email" type="email" autoComplete="email" required error={error} />
          <button className="button button-primary" type="submit" disabled={submitting}>
            {submitting ? 'Sending…' : 'Send the link'}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
