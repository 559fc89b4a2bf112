import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { unwrap } from '../api/errors';
import { FormError, useAction } from './Form';
import { CATEGORY_LABELS } from '../pages/notificationCategories';

type Preference = components['schemas']['NotificationPreference'];

/** For each kind of news: shown in the bell, sent by email. Each change is saved at once. */
export function NotificationPreferences() {
  const [preferences, setPreferences] = useState<Preference[] | null>(null);
  const save = useAction(async (changed: Preference) => {
    setPreferences(await unwrap(api.PUT('/api/v1/me/notification-preferences', { body: [changed] })));
  });

  useEffect(() => {
    unwrap(api.GET('/api/v1/me/notification-preferences'))
      .then(setPreferences)
      .catch(() => setPreferences([]));
  }, []);

  return (
    <section className="card" aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications</h2>
      <FormError error={save.error} />
      {preferences === null ? (
        <p role="status">Loading…</p>
      ) : (
        <table className="preferences">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">In the app</th>
              <th scope="col">By email</th>
            </tr>
          </thead>
          <tbody>
            {preferences.map((preference) => (
              <tr key={preference.category}>
                <th scope="row">{CATEGORY_LABELS[preference.category]}</th>
                {(['in_app', 'email'] as const).map((channel) => (
                  <td key={channel}>
                    <input
                      type="checkbox"
                      aria-label={`${CATEGORY_LABELS[preference.category]}: ${channel === 'email' ? 'by email' : 'in the app'}`}
                      checked={preference[channel]}
                      disabled={save.running}
                      onChange={(event) => save.run({ ...preference, [channel]: event.target.checked })}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
