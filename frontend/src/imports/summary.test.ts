import { describe, expect, it } from 'vitest';
import type { Section } from './report';
import { MAX_LINES, formatDate, htmlLines, period, sectionHeading, sectionLines } from './summary';

describe('dates in a summary', () => {
  it('read as months and years', () => {
    expect(formatDate('2021-02')).toBe('Feb 2021');
    expect(formatDate('2014')).toBe('2014');
    expect(formatDate(undefined)).toBe('');
    expect(period('2021-02', undefined, true)).toBe('Feb 2021 – present');
    expect(period('2014', '2018')).toBe('2014 – 2018');
    expect(period('2020', '2020')).toBe('2020');
    expect(period(undefined, '2019-12')).toBe('until Dec 2019');
    expect(period('2022-03')).toBe('Mar 2022');
    expect(period()).toBe('');
  });
});

describe('rich text in a summary', () => {
  it('becomes lines of plain text', () => {
    expect(htmlLines('<p>Six years building systems.</p><p>I care about correctness &amp; on-call&#32;sanity.</p>')).toEqual([
      'Six years building systems.',
      'I care about correctness & on-call sanity.',
    ]);
    expect(htmlLines('<ul><li>AWS Solutions Architect — Amazon Web Services (2020)</li><li>Hackathon &lt;winner&gt;</li></ul>')).toEqual([
      'AWS Solutions Architect — Amazon Web Services (2020)',
      'Hackathon <winner>',
    ]);
    expect(htmlLines(undefined)).toEqual([]);
  });
});

describe('a section summary', () => {
  it('gives the header its name, headline and location', () => {
    const header: Section = { type: 'header', id: 'h', name: 'Ana Ruiz', headline: 'Backend engineer for payments', location: 'Lisbon, Portugal' };
    expect(sectionLines(header)).toEqual(['Ana Ruiz — Backend engineer for payments', 'Lisbon, Portugal']);
    expect(sectionLines({ type: 'header', id: 'h', name: 'Ana Ruiz' })).toEqual(['Ana Ruiz']);
  });

  it('gives each position its role, organisation and dates', () => {
    const experience: Section = {
      type: 'experience',
      id: 'e',
      items: [
        { id: 'a', role: 'Senior Engineer', organisation: 'Ledgerly', start: '2021-02', current: true, highlights: [] },
        { id: 'b', role: 'Engineer', organisation: 'Paystream', start: '2018-09', end: '2021-01', current: false, highlights: [] },
      ],
    };
    expect(sectionLines(experience)).toEqual(['Senior Engineer — Ledgerly, Feb 2021 – present', 'Engineer — Paystream, Sep 2018 – Jan 2021']);
  });

  it('gives schools, projects, skills, links and contact details in a line each', () => {
    expect(
      sectionLines({ type: 'education', id: 'd', items: [{ id: 'x', institution: 'Universidade de Lisboa', degree: 'BSc Computer Science', start: '2014', end: '2018' }] }),
    ).toEqual(['BSc Computer Science — Universidade de Lisboa, 2014 – 2018']);
    expect(sectionLines({ type: 'projects', id: 'p', items: [{ id: 'x', name: 'Open ledger', start: '2022-03', tags: [] }] })).toEqual(['Open ledger, Mar 2022']);
    expect(
      sectionLines({
        type: 'skills',
        id: 's',
        groups: [
          { id: 'g', name: 'Skills', skills: [{ name: 'Rust' }, { name: 'Go' }] },
          { id: 'l', name: 'Spoken languages', skills: [{ name: 'Portuguese' }] },
        ],
      }),
    ).toEqual(['Skills: Rust, Go', 'Spoken languages: Portuguese']);
    expect(sectionLines({ type: 'skills', id: 's', groups: [{ id: 'g', name: 'Skills', skills: [{ name: 'Rust' }] }] })).toEqual(['Rust']);
    expect(
      sectionLines({
        type: 'social_links',
        id: 'l',
        links: [
          { id: 'a', network: 'github', url: 'https://github.com/anaruiz' },
          { id: 'b', network: 'website', url: 'https://ana.dev/', label: 'Blog' },
        ],
      }),
    ).toEqual(['GitHub: github.com/anaruiz', 'Blog: ana.dev']);
    expect(sectionLines({ type: 'contact', id: 'c', email: 'ana@example.com', location: 'Lisbon' })).toEqual(['ana@example.com', 'Lisbon']);
  });

  it('says how many more entries there are beyond the first few', () => {
    const items = Array.from({ length: 10 }, (_, index) => ({ id: `${index}`, name: `Project ${index + 1}`, tags: [] }));
    const lines = sectionLines({ type: 'projects', id: 'p', items });
    expect(lines).toHaveLength(MAX_LINES);
    expect(lines.at(-1)).toBe(`and ${10 - MAX_LINES + 1} more`);
  });

  it('is headed by its own title when it has one', () => {
    expect(sectionHeading({ type: 'text', id: 't', title: 'Certifications', body: '' }, 'Text')).toBe('Certifications');
    expect(sectionHeading({ type: 'experience', id: 'e', items: [] }, 'Experience')).toBe('Experience');
    expect(sectionHeading({ type: 'header', id: 'h', name: 'Ana' }, 'Header')).toBe('Header');
  });
});
