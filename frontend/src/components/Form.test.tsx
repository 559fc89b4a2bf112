import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { Field, FormError, SelectField, TextAreaField } from './Form';

describe('form fields', () => {
  it('show the error that names them, linked for screen readers', () => {
    const error = new ApiError(422, 'password_too_short', 'use at least 10 characters', 'password');
    render(
      <form>
        <FormError error={error} fields={['email', 'password']} />
        <Field label="Email" name="email" error={error} />
        <Field label="Password" name="password" error={error} hint="At least 10 characters." />
      </form>,
    );
    const password = screen.getByLabelText('Password');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    const message = screen.getByRole('alert');
    expect(message.textContent).toBe('use at least 10 characters');
    expect(password.getAttribute('aria-describedby')).toBe(message.id);
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBeNull();
    expect(screen.queryByText('At least 10 characters.')).toBeNull();
  });

  it('put an error naming no shown field above the form', () => {
    render(<FormError error={new ApiError(429, 'rate_limited', 'too many attempts', null)} fields={['email']} />);
    expect(screen.getByRole('alert').textContent).toBe('too many attempts');
  });

  it('show the error that names a select next to it', () => {
    const error = new ApiError(422, 'not_found', 'no such portfolio in this workspace', 'portfolio_id');
    render(
      <SelectField label="Portfolio" name="portfolio_id" error={error}>
        <option value="p">CV</option>
      </SelectField>,
    );
    const select = screen.getByLabelText('Portfolio');
    expect(select.getAttribute('aria-invalid')).toBe('true');
    expect(select.getAttribute('aria-describedby')).toBe(screen.getByRole('alert').id);
  });

  it('show the error that names a text area next to it, and its hint otherwise', () => {
    const { rerender } = render(<TextAreaField label="Describe your career" name="prompt" hint="A few sentences." />);
    expect(screen.getByLabelText('Describe your career').getAttribute('aria-describedby')).toBe(screen.getByText('A few sentences.').id);
    rerender(
      <TextAreaField
        label="Describe your career"
        name="prompt"
        hint="A few sentences."
        error={new ApiError(422, 'required', 'describe your career in a few sentences', 'prompt')}
      />,
    );
    const prompt = screen.getByLabelText('Describe your career');
    expect(prompt.tagName).toBe('TEXTAREA');
    expect(prompt.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('describe your career in a few sentences');
  });
});
