import { describe, expect, it } from 'vitest';
import type { components } from '../api/schema';
import { generationResult, sectionSummary } from './generation';

type Job = components['schemas']['Job'];

const job = (patch: Partial<Job>): Job => ({
  id: 'j1',
  workspace_id: 'w1',
  kind: 'ai_generation',
  status: 'done',
  progress: 100,
  created_at: '2026-11-25T10:00:00Z',
  ...patch,
});

describe('the result of a generation', () => {
  it('is the new portfolio', () => {
    expect(generationResult(job({ result: { kind: 'portfolio', portfolio_id: 'p9' } }))).toEqual({ kind: 'portfolio', portfolioId: 'p9' });
  });

  it('is the sections offered to an existing portfolio', () => {
    const sections = [{ type: 'about', id: 'a', body: '<p>Hi</p>' }, 'junk'];
    expect(generationResult(job({ portfolio_id: 'p1', result: { kind: 'preview', sections } }))).toEqual({
      kind: 'preview',
      sections: [{ type: 'about', id: 'a', body: '<p>Hi</p>' }],
    });
  });

  it('is nothing before the job is done, for an export, or for an unknown shape', () => {
    expect(generationResult(job({ status: 'running', progress: 10 }))).toBeNull();
    expect(generationResult(job({ kind: 'pdf_export' }))).toBeNull();
    expect(generationResult(job({ result: { kind: 'other' } }))).toBeNull();
    expect(generationResult(job({}))).toBeNull();
  });
});

describe('a generated section in a line', () => {
  it('says what it holds', () => {
    expect(sectionSummary({ type: 'header', id: 'h', name: 'Ana Ruiz', headline: 'Backend engineer' })).toBe('Ana Ruiz, Backend engineer');
    expect(
      sectionSummary({
        type: 'experience',
        id: 'x',
        items: [{ id: 'x1', role: 'Senior engineer', organisation: 'Ledgerly', current: true, highlights: [] }],
      }),
    ).toBe('Senior engineer at Ledgerly');
    expect(sectionSummary({ type: 'skills', id: 's', groups: [{ id: 'g', name: 'Languages', skills: [{ name: 'Rust' }, { name: 'Go' }] }] })).toBe(
      'Rust, Go',
    );
  });

  it('cuts long text to its first words', () => {
    const body = `<p>${'word '.repeat(40)}</p>`;
    const line = sectionSummary({ type: 'about', id: 'a', body });
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line.endsWith('…')).toBe(true);
  });
});
