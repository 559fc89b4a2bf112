import { describe, expect, it } from 'vitest';
import type { components } from '../api/schema';
import { groupSkipped, importResult, reportLine } from './report';

type Job = components['schemas']['Job'];

const job = (result: unknown, kind = 'import'): Job => ({
  id: 'j',
  workspace_id: 'w',
  kind,
  status: 'done',
  progress: 100,
  created_at: '2026-11-25T10:00:00Z',
  result,
});

describe('an import job', () => {
  it('reads the preview, the report and whether it was applied', () => {
    const result = importResult(
      job({
        kind: 'new_portfolio',
        sections: [{ type: 'header', id: 'h', name: 'Ana Ruiz' }, { nonsense: true }],
        report: { imported: ['2 positions', 7], skipped: [{ what: 'Messages.csv', why: 'not read' }, { what: 3 }] },
      }),
    );
    expect(result).toEqual({
      kind: 'new_portfolio',
      sections: [{ type: 'header', id: 'h', name: 'Ana Ruiz' }],
      report: { imported: ['2 positions'], skipped: [{ what: 'Messages.csv', why: 'not read' }] },
      appliedTo: null,
    });
    expect(importResult(job({ kind: 'merge', sections: [], report: {}, applied_to: 'p1' }))).toMatchObject({ kind: 'merge', appliedTo: 'p1' });
  });

  it('is not read from other jobs, or before it has a result', () => {
    expect(importResult(job({ kind: 'preview', sections: [] }, 'ai_generation'))).toBeNull();
    expect(importResult(job(undefined))).toBeNull();
  });
});

describe('what an import brought', () => {
  it('reads as sentences, counted right', () => {
    expect(reportLine('your name, headline and location')).toBe('Your name, headline and location');
    expect(reportLine('1 schools')).toBe('1 school');
    expect(reportLine('1 projects')).toBe('1 project');
    expect(reportLine('2 positions')).toBe('2 positions');
    expect(reportLine('11 skills')).toBe('11 skills');
  });
});

describe('what an import left out', () => {
  it('is grouped by the file, part or section it came from, in the order met', () => {
    const groups = groupSkipped([
      { what: 'Positions.csv, entry 3', why: 'a position needs a title and a company' },
      { what: 'Messages.csv', why: "not a file of LinkedIn's export that we read" },
      { what: 'Positions.csv, entry 1', why: 'the date `Summer 2020` was not understood and left out' },
      { what: 'experience: Ledgerly', why: 'already in the portfolio' },
      { what: 'header', why: 'the portfolio has one already; it was kept as it is' },
      { what: 'sections[1].items[0].start', why: 'a year or a month' },
      { what: 'work[2].startDate', why: '`soon` is not a date; left out' },
      { what: 'basics.profiles[0]', why: 'a profile without a URL; left out' },
      { what: 'references', why: 'a portfolio has no place for references' },
      { what: 'something odd!', why: 'who knows' },
    ]);
    expect(groups).toEqual([
      {
        title: 'Positions.csv',
        entries: [
          { what: 'entry 3', why: 'a position needs a title and a company' },
          { what: 'entry 1', why: 'the date `Summer 2020` was not understood and left out' },
        ],
      },
      { title: 'Files', entries: [{ what: 'Messages.csv', why: "not a file of LinkedIn's export that we read" }] },
      { title: 'Experience', entries: [{ what: 'Ledgerly', why: 'already in the portfolio' }] },
      { title: 'Sections', entries: [{ what: 'Header', why: 'the portfolio has one already; it was kept as it is' }] },
      { title: 'Left out to keep the page valid', entries: [{ what: 'section 2, entry 1, start', why: 'a year or a month' }] },
      { title: 'Work', entries: [{ what: 'entry 3, startDate', why: '`soon` is not a date; left out' }] },
      { title: 'Basics', entries: [{ what: 'profile 1', why: 'a profile without a URL; left out' }] },
      { title: 'References', entries: [{ what: 'all of it', why: 'a portfolio has no place for references' }] },
      { title: 'Other', entries: [{ what: 'something odd!', why: 'who knows' }] },
    ]);
  });

  it('is nothing when nothing was left out', () => {
    expect(groupSkipped([])).toEqual([]);
  });
});
