import { api } from '../api/client';
import { unwrap } from '../api/errors';
import { useSession } from '../session';
import { Field, FormError, text, useSubmit } from './Form';

export function CreateWorkspace() {
  const { refresh, chooseWorkspace } = useSession();
  const { submitting, error, onSubmit } = useSubmit(async (form) => {
    const workspace = await unwrap(
      api.POST('/api/v1/workspaces', { body: { name: text(form, 'name'), handle: text(form, 'handle') } }),
    );
    await refresh();
    chooseWorkspace(workspace.id);
  });
  return (
    <form onSubmit={onSubmit} noValidate className="inline-form">
      <FormError error={error} fields={['name', 'handle']} />
      <Field label="Name" name="name" required error={error} />
      <Field label="Handle" name="handle" required error={error} hint="3–40 lowercase letters, digits and hyphens." />
      <button className="button" type="submit" disabled={submitting}>
        Create workspace
      </button>
    </form>
  );
}
