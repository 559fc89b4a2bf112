// Which text of the document an assistant action works on, and how its reply becomes that
// field's new value: the quick actions take the selected section's text, the headline and
// summary suggestions the header's; the other replies are advice to read.

import type { components } from '../api/schema';
import type { Document, EditorAction, Section, SectionType } from '../editor/history';

export type AssistAction = components['schemas']['AssistAction'];
export type TextAction = Extract<AssistAction, 'rewrite' | 'shorten' | 'more_formal' | 'friendlier' | 'fix_grammar' | 'translate'>;

export const TEXT_ACTIONS: { action: TextAction; label: string }[] = [
  { action: 'rewrite', label: 'Rewrite' },
  { action: 'shorten', label: 'Shorten' },
  { action: 'more_formal', label: 'More formal' },
  { action: 'friendlier', label: 'Friendlier' },
  { action: 'fix_grammar', label: 'Fix grammar' },
];

export function isTextAction(action: AssistAction): action is TextAction {
  return action === 'translate' || TEXT_ACTIONS.some((entry) => entry.action === action);
}

/** A text field of a section; `rich` ones hold the simple HTML the server keeps. */
export interface TextField {
  key: string;
  label: string;
  rich: boolean;
}

const FIELDS: Partial<Record<SectionType, TextField[]>> = {
  header: [
    { key: 'summary', label: 'Summary', rich: true },
    { key: 'headline', label: 'Headline', rich: false },
  ],
  about: [{ key: 'body', label: 'Text', rich: true }],
  text: [{ key: 'body', label: 'Text', rich: true }],
  contact: [{ key: 'message', label: 'Message', rich: true }],
  image: [{ key: 'caption', label: 'Caption', rich: false }],
};

/** The fields of a section the quick actions can work on. */
export function textFields(section: Section): TextField[] {
  return FIELDS[section.type] ?? [];
}

/** One field of one section: where a suggestion goes when it is accepted. */
export interface Target extends TextField {
  sectionId: string;
  sectionType: SectionType;
}

function fieldValue(section: Section, key: string): string {
  const value = (section as unknown as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : '';
}

/**
 * What `action` works on: for a quick action, the chosen field of the selected section (its
 * first field with text when none is chosen); for the headline and summary suggestions, the
 * header's; `null` for the others and when the page has no such section.
 */
export function targetOf(action: AssistAction, document: Document, selected: string | null, field?: string): Target | null {
  let section: Section | undefined;
  let chosen: TextField | undefined;
  if (isTextAction(action)) {
    const found = document.sections.find((candidate) => candidate.id === selected);
    if (!found) return null;
    const fields = textFields(found);
    section = found;
    chosen = fields.find((candidate) => candidate.key === field) ?? fields.find((candidate) => fieldValue(found, candidate.key).trim() !== '') ?? fields[0];
  } else if (action === 'suggest_headline' || action === 'suggest_summary') {
    section = document.sections.find((candidate) => candidate.type === 'header');
    chosen = section && textFields(section).find((candidate) => candidate.key === (action === 'suggest_headline' ? 'headline' : 'summary'));
  }
  if (!section || !chosen) return null;
  return { ...chosen, sectionId: section.id, sectionType: section.type };
}

/** The target's value in the document as it is now ('' when the field is empty or gone). */
export function currentValue(document: Document, target: Target): string {
  const section = document.sections.find((candidate) => candidate.id === target.sectionId);
  return section ? fieldValue(section, target.key) : '';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The words of simple HTML, a line per paragraph, line break or list item. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|li|ul|ol)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const KEPT_TAGS = /<\/?(p|br|strong|b|em|i|a|ul|ol|li)\b[^>]*>/i;

/**
 * A reply as the field's new value: rich fields keep the reply's simple HTML, or get plain
 * text as paragraphs; plain fields get the words on one line, without wrapping quotes.
 */
export function toFieldValue(reply: string, rich: boolean): string {
  const text = reply.trim();
  if (rich) {
    if (KEPT_TAGS.test(text)) return text;
    return text
      .split(/\n\s*\n/)
      .map((paragraph) => paragraph.trim())
      .filter(Boolean)
      .map((paragraph) => `<p>${escape(paragraph).replace(/\n/g, '<br>')}</p>`)
      .join('');
  }
  const line = htmlToText(text).replace(/\s+/g, ' ').trim();
  const quoted = /^["“'](.*)["”']$/.exec(line)?.[1];
  return quoted === undefined ? line : quoted.trim();
}

/** The edit that puts `value` in the target field: one undo step, saved like any edit. */
export function applySuggestion(target: Target, value: string): EditorAction {
  // The patch names a field of `sectionType`, which `textFields` lists for that type.
  return { type: 'updateSection', id: target.sectionId, sectionType: target.sectionType, patch: { [target.key]: value } } as EditorAction;
}
