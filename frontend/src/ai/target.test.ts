import { describe, expect, it } from 'vitest';
import { createReducer, initialState } from '../editor/history';
import type { Document } from '../editor/history';
import { TEST_STYLE } from '../editor/testing';
import { applySuggestion, currentValue, htmlToText, isTextAction, targetOf, textFields, toFieldValue } from './target';

const document: Document = {
  schema_version: 2,
  style: TEST_STYLE,
  sections: [
    { type: 'header', id: 'h', name: 'Ana Ruiz', headline: 'Backend engineer' },
    { type: 'about', id: 'a', body: '<p>I have spent six years building systems that move money.</p>' },
    { type: 'experience', id: 'x', items: [] },
  ],
};

describe('the target of an assistant action', () => {
  it('is the selected section’s text for a quick action', () => {
    expect(targetOf('shorten', document, 'a')).toEqual({ sectionId: 'a', sectionType: 'about', key: 'body', label: 'Text', rich: true });
    expect(targetOf('translate', document, 'a')?.key).toBe('body');
    expect(isTextAction('fix_grammar')).toBe(true);
    expect(isTextAction('chat')).toBe(false);
  });

  it('is the header field with text, or the one chosen', () => {
    expect(textFields(document.sections[0] ?? { type: 'text', id: 't', body: '' }).map((field) => field.key)).toEqual(['summary', 'headline']);
    expect(targetOf('rewrite', document, 'h')?.key).toBe('headline');
    expect(targetOf('rewrite', document, 'h', 'summary')?.key).toBe('summary');
  });

  it('is nothing for a section without text, no selection, or advice', () => {
    expect(targetOf('rewrite', document, 'x')).toBeNull();
    expect(targetOf('rewrite', document, null)).toBeNull();
    expect(targetOf('suggest_sections', document, 'a')).toBeNull();
    expect(targetOf('chat', document, 'a')).toBeNull();
  });

  it('is the header’s headline or summary for those suggestions, whatever is selected', () => {
    expect(targetOf('suggest_headline', document, 'a')).toMatchObject({ sectionId: 'h', key: 'headline', rich: false });
    expect(targetOf('suggest_summary', document, null)).toMatchObject({ sectionId: 'h', key: 'summary', rich: true });
    expect(targetOf('suggest_summary', { ...document, sections: document.sections.slice(1) }, null)).toBeNull();
  });

  it('reads the current value, empty when absent', () => {
    const summary = targetOf('suggest_summary', document, null);
    const about = targetOf('shorten', document, 'a');
    expect(summary && currentValue(document, summary)).toBe('');
    expect(about && currentValue(document, about)).toContain('six years');
  });
});

describe('a reply as a field value', () => {
  it('becomes paragraphs in a rich field, escaped, unless it is HTML already', () => {
    expect(toFieldValue('Six years; a Rust ledger.\n', true)).toBe('<p>Six years; a Rust ledger.</p>');
    expect(toFieldValue('One & two\nthree\n\nFour <x>', true)).toBe('<p>One &amp; two<br>three</p><p>Four &lt;x&gt;</p>');
    expect(toFieldValue('<p>Kept <strong>as is</strong></p>', true)).toBe('<p>Kept <strong>as is</strong></p>');
  });

  it('becomes one line without quotes in a plain field', () => {
    expect(toFieldValue('"Backend engineer for payments"\n', false)).toBe('Backend engineer for payments');
    expect(toFieldValue('<p>Builder of\nledgers</p>', false)).toBe('Builder of ledgers');
  });

  it('reads as words for the diff', () => {
    expect(htmlToText('<p>Fish &amp; chips</p><ul><li>One</li><li>Two&#39;s</li></ul>')).toBe('Fish & chips\nOne\nTwo\'s');
  });

  it('is applied as one undoable edit', () => {
    const reduce = createReducer();
    const target = targetOf('shorten', document, 'a');
    if (!target) throw new Error('the about section is a target');
    const state = reduce(initialState(document), applySuggestion(target, '<p>Six years.</p>'));
    expect(currentValue(state.document, target)).toBe('<p>Six years.</p>');
    expect(currentValue(reduce(state, { type: 'undo' }).document, target)).toContain('six years');
  });
});
