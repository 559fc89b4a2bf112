import { useCallback, useId, useState } from 'react';
import type { FormEvent, InputHTMLAttributes, ReactNode } from 'react';
import { ApiError, fieldMessage, toApiError } from '../api/errors';

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: ApiError | null;
  hint?: ReactNode;
}

/** A labelled input that shows the API's message when the error names this field. */
export function Field({ label, name, error, hint, ...input }: FieldProps) {
  const id = useId();
  const message = fieldMessage(error ?? null, name);
  const described = message ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={message ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={message ? true : undefined} aria-describedby={described} {...input} />
      {hint && !message && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {message && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {message}
        </p>
      )}
    </div>
  );
}

/** The error of a form that names no field (or a field the form does not show). */
export function FormError({ error, fields = [] }: { error: ApiError | null; fields?: string[] }) {
  if (!error || (error.field && fields.includes(error.field))) return null;
  return (
    <div className="banner banner-error" role="alert">
      {error.message}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="banner banner-success" role="status">
      {children}
    </div>
  );
}

/** Runs an action once at a time (a click, a submit), keeping its error for display. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(
    async (...args: A) => {
      if (running) return;
      setRunning(true);
      setError(null);
      try {
        await action(...args);
      } catch (caught) {
        setError(caught instanceof ApiError ? caught : toApiError(0, null));
      } finally {
        setRunning(false);
      }
    },
    [action, running],
  );
  return { running, error, setError, run };
}

/** `useAction` for a form: the action gets the form's data. */
export function useSubmit(action: (form: FormData) => Promise<unknown>) {
  const { running, error, setError, run } = useAction(action);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };
  return { submitting: running, error, setError, onSubmit };
}

export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
