// What an import job found, read from the job's untyped `result`: the preview's sections and
// the report, with what was left out grouped by where it came from.

import type { components } from '../api/schema';

type Job = components['schemas']['Job'];
export type Section = components['schemas']['Section'];

export interface Skip {
  what: string;
  why: string;
}

export interface Report {
  imported: string[];
  skipped: Skip[];
}

export interface ImportResult {
  /** A new portfolio, or entries added to the job's portfolio */
  kind: 'new_portfolio' | 'merge';
  sections: Section[];
  report: Report;
  /** The portfolio that received it, once applied */
  appliedTo: string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The preview and report of an import job; `null` for other jobs and before there is one. */
export function importResult(job: Job): ImportResult | null {
  if (job.kind !== 'import' || !isObject(job.result)) return null;
  const { kind, sections, report, applied_to } = job.result;
  const reported = isObject(report) ? report : {};
  const imported = Array.isArray(reported.imported) ? reported.imported.filter((line): line is string => typeof line === 'string') : [];
  const skipped = Array.isArray(reported.skipped)
    ? reported.skipped.filter((skip): skip is Skip => isObject(skip) && typeof skip.what === 'string' && typeof skip.why === 'string')
    : [];
  return {
    kind: kind === 'merge' ? 'merge' : 'new_portfolio',
    // The worker parsed them as a document before keeping them.
    sections: Array.isArray(sections)
      ? sections.filter((section): section is Section => isObject(section) && typeof section.type === 'string' && typeof section.id === 'string')
      : [],
    report: { imported, skipped },
    appliedTo: typeof applied_to === 'string' ? applied_to : null,
  };
}

export const capitalise = (text: string) => (text ? `${text[0]?.toUpperCase()}${text.slice(1)}` : text);

/** A line of the report as a sentence: "1 schools" → "1 school", "your summary" → "Your summary". */
export function reportLine(line: string): string {
  return capitalise(line.replace(/^1 (\w+?)s\b/, '1 $1'));
}

export interface SkipGroup {
  title: string;
  entries: Skip[];
}

const FILE = /^(.+\.(?:csv|json|zip))(?:, (.+))?$/i;
const DUPLICATE = /^(experience|education|projects): (.+)$/;
const SINGLE = /^(header|about|contact)$/;
const PATH = /^([A-Za-z_]+)((?:\[\d+\])?(?:\.[A-Za-z_]+(?:\[\d+\])?)*)$/;

const SINGULAR: Record<string, string> = { items: 'entry', sections: 'section' };

/** `[1].items[0].start` → "entry 2, entry 1, start", named by what each list holds. */
function readablePath(top: string, rest: string): string {
  const steps: string[] = [];
  const [, first] = /^\[(\d+)\]/.exec(rest) ?? [];
  if (first !== undefined) steps.push(`${SINGULAR[top] ?? 'entry'} ${Number(first) + 1}`);
  for (const [, name = '', index] of rest.matchAll(/\.([A-Za-z_]+)(?:\[(\d+)\])?/g)) {
    steps.push(index === undefined ? name : `${SINGULAR[name] ?? name.replace(/s$/, '')} ${Number(index) + 1}`);
  }
  return steps.join(', ') || 'all of it';
}

/** Where a skipped thing came from (a file, a part of the resume, a section) and what it was. */
function place({ what, why }: Skip): { title: string; skip: Skip } {
  const file = FILE.exec(what);
  if (file) {
    const [, name = what, entry] = file;
    return entry ? { title: name, skip: { what: entry, why } } : { title: 'Files', skip: { what: name, why } };
  }
  const duplicate = DUPLICATE.exec(what);
  if (duplicate) return { title: capitalise(duplicate[1] ?? ''), skip: { what: duplicate[2] ?? what, why } };
  if (SINGLE.test(what)) return { title: 'Sections', skip: { what: capitalise(what), why } };
  const path = PATH.exec(what);
  if (path) {
    const [, top = '', rest = ''] = path;
    const title = top === 'sections' ? 'Left out to keep the page valid' : capitalise(top);
    return { title, skip: { what: readablePath(top, rest), why } };
  }
  return { title: 'Other', skip: { what, why } };
}

/** What was left out, grouped by where it came from, in the order first met. */
export function groupSkipped(skipped: Skip[]): SkipGroup[] {
  const groups = new Map<string, Skip[]>();
  for (const entry of skipped) {
    const { title, skip } = place(entry);
    groups.set(title, [...(groups.get(title) ?? []), skip]);
  }
  return [...groups].map(([title, entries]) => ({ title, entries }));
}
