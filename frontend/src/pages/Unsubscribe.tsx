import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { unwrap } from '../api/errors';
import { FormError, Notice, useAction } from '../components/Form';
import { AuthCard } from '../components/Layout';
import { CATEGORY_LABELS } from './notificationCategories';

type Category = components['schemas']['NotificationCategory'];

/** Where an email's "Stop these emails" link lands: one click to confirm, no sign-in needed. */
export function Unsubscribe() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const category = (params.get('category') ?? '') as Category;
  const [done, setDone] = useState(false);
  const label = CATEGORY_LABELS[category];
  const stop = useAction(async () => {
    await unwrap(api.POST('/api/v1/notifications/unsubscribe', { body: { token, category } }));
    setDone(true);
  });

  if (!label) {
    return (
      <AuthCard title="This link does not work">
        <p>It is missing a part. Change which emails you get in your account settings.</p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Stop these emails" footer={<Link to="/settings">Notification settings</Link>}>
      {done ? (
        <Notice>You will no longer get emails about {label.toLowerCase()}. They still show in the app.</Notice>
      ) : (
        <>
          <p>Stop emails about {label.toLowerCase()}? You keep getting the others, and all of them in the app.</p>
          <FormError error={stop.error} fields={[]} />
          <button type="button" className="button button-primary" onClick={() => stop.run()} disabled={stop.running}>
            Stop emails about {label.toLowerCase()}
          </button>
        </>
      )}
    </AuthCard>
  );
}
