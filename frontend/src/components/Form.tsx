import { useCallback, useId, useState } from 'react';
import type { FormEvent, InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { ApiError, fieldMessage, toApiError } from '../api/errors';

interface Labelled {
  label: string;
  name: string;
  error?: ApiError | null;
  hint?: ReactNode;
}

interface ControlProps {
  id: string;
  name: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** A labelled control, with its hint or, when the error names it, the API's message. */
function Frame({ label, name, error, hint, control }: Labelled & { control: (props: ControlProps) => ReactNode }) {
  const id = useId();
  const message = fieldMessage(error ?? null, name);
  const described = message ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={message ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {control({ id, name, 'aria-invalid': message ? true : undefined, 'aria-describedby': described })}
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

/** A labelled input that shows the API's message when the error names this field. */
export function Field({ label, name, error, hint, ...input }: Labelled & InputHTMLAttributes<HTMLInputElement>) {
  return <Frame label={label} name={name} error={error} hint={hint} control={(props) => <input {...props} {...input} />} />;
}

/** `Field` for a choice among options, given as children. */
export function SelectField({ label, name, error, hint, ...select }: Labelled & SelectHTMLAttributes<HTMLSelectElement>) {
  return <Frame label={label} name={name} error={error} hint={hint} control={(props) => <select {...props} {...select} />} />;
}

/** `Field` for text of several lines. */
export function TextAreaField({ label, name, error, hint, ...textarea }: Labelled & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <Frame label={label} name={name} error={error} hint={hint} control={(props) => <textarea {...props} {...textarea} />} />;
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
