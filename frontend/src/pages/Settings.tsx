import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/errors';
import { Field, FormError, Notice, text, useAction, useSubmit } from '../components/Form';
import { AppShell } from '../components/Layout';
import { NotificationPreferences } from '../components/NotificationPreferences';
import { useSession } from '../session';

export function Settings() {
  const { user, setUser } = useSession();
  const navigate = useNavigate();
  const [saved, setSaved] = useState(false);
  const [passwordChanged, setPasswordChanged] = useState(false);

  const profile = useSubmit(async (form) => {
    setSaved(false);
    const photo = text(form, 'photo').trim();
    const updated = await unwrap(
      api.PATCH('/api/v1/me', {
        body: { full_name: text(form, 'full_name'), photo, is_private: form.get('is_private') === 'on' },
      }),
    );
    setUser(updated);
    setSaved(true);
  });

  const password = useSubmit(async (form) => {
    setPasswordChanged(false);
    await unwrap(
      api.POST('/api/v1/me/password', {
        body: { current_password: text(form, 'current_password'), new_password: text(form, 'new_password') },
      }),
    );
    setPasswordChanged(true);
  });

  const everywhere = useAction(async () => {
    await unwrap(api.POST('/api/v1/auth/logout-all'));
    setUser(null);
    navigate('/login');
  });

  const remove = useSubmit(async (form) => {
    await unwrap(api.DELETE('/api/v1/me', { body: { password: text(form, 'password') } }));
    setUser(null);
    navigate('/signup');
  });

  if (!user) return null;
  return (
    <AppShell title="Account settings">
      <section className="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <form onSubmit={profile.onSubmit} noValidate>
          {saved && <Notice>Your profile is saved.</Notice>}
          <FormError error={profile.error} fields={['full_name', 'photo']} />
          <Field label="Full name" name="full_name" defaultValue={user.full_name} autoComplete="name" required error={profile.error} />
          <Field label="Email" name="email" value={user.email} readOnly hint="The address you sign in with." />
          <Field
            label="Photo URL"
            name="photo"
            type="url"
            defaultValue={user.photo ?? ''}
            placeholder="https://…"
            error={profile.error}
          />
          <label className="check">
            <input type="checkbox" name="is_private" defaultChecked={user.is_private} /> Hide my profile from every listing
          </label>
          <button className="button button-primary" type="submit" disabled={profile.submitting}>
            {profile.submitting ? 'Saving…' : 'Save profile'}
          </button>
        </form>
      </section>

      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        <form onSubmit={password.onSubmit} noValidate>
          {passwordChanged && <Notice>Your password is changed; other sessions were signed out.</Notice>}
          <FormError error={password.error} fields={['current_password', 'new_password']} />
          <Field label="Current password" name="current_password" type="password" autoComplete="current-password" error={password.error} />
          <Field
            label="New password"
            name="new_password"
            type="password"
            autoComplete="new-password"
            error={password.error}
            hint="At least 10 characters, and not a common password."
          />
          <button className="button" type="submit" disabled={password.submitting}>
            Change password
          </button>
        </form>
      </section>

      <NotificationPreferences />

      <section className="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <p className="muted">Lost a device, or signed in on a shared computer? End every session, this one included.</p>
        <FormError error={everywhere.error} />
        <button className="button" type="button" onClick={() => void everywhere.run()} disabled={everywhere.running}>
          Sign out everywhere
        </button>
      </section>

      <section className="card card-danger" aria-labelledby="danger-title">
        <h2 id="danger-title">Delete account</h2>
        <p className="muted">This deletes your account and the workspaces only you belong to. It cannot be undone.</p>
        <form onSubmit={remove.onSubmit} noValidate>
          <FormError error={remove.error} fields={['password']} />
          <Field label="Your password, to confirm" name="password" type="password" autoComplete="current-password" error={remove.error} />
          <button className="button button-danger" type="submit" disabled={remove.submitting}>
            Delete my account
          </button>
        </form>
      </section>
    </AppShell>
  );
}
