import { describe, expect, it } from 'vitest';
import { checkTimes, describeStatus, portfolioChoices, siteUrl } from './domains';
import type { Domain } from './domains';
import type { Portfolio } from './portfolios';

const domain: Domain = {
  id: 'd',
  workspace_id: 'w',
  portfolio_id: 'p',
  hostname: 'www.alice.dev',
  status: 'pending',
  next_check_at: '2026-11-25T12:00:30Z',
  created_at: '2026-11-25T11:00:00Z',
  records: [
    { type: 'TXT', name: '_vitrine.www.alice.dev', value: 'vitrine-verify=abc' },
    { type: 'CNAME', name: 'www.alice.dev', value: 'edge.vitrine.app' },
  ],
};

const portfolio = (id: string, title: string) => ({ id, title }) as Portfolio;

describe('custom domains', () => {
  it('explain every status in a line', () => {
    expect(describeStatus('pending').label).toBe('Pending');
    expect(describeStatus('failing').explanation).toContain('still get your portfolio');
  });

  it('tell when the last check ran and when the next will', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    expect(checkTimes(domain, now)).toBe('Not checked yet · next check soon');
    const checked = { ...domain, last_checked_at: '2026-11-25T11:57:00Z', next_check_at: '2026-11-25T14:00:00Z' };
    expect(checkTimes(checked, now)).toBe('Checked 3 minutes ago · next check in 2 hours');
    expect(checkTimes({ ...checked, next_check_at: '2026-11-25T11:59:00Z' }, now)).toBe(
      'Checked 3 minutes ago · next check soon',
    );
  });

  it('link to the site at the domain', () => {
    expect(siteUrl(domain)).toBe('https://www.alice.dev/');
  });

  it('offer the portfolios, keeping the one shown from the trash', () => {
    const portfolios = [portfolio('p', 'CV'), portfolio('q', 'Photos')];
    expect(portfolioChoices(portfolios, 'p')).toEqual([
      { id: 'p', title: 'CV' },
      { id: 'q', title: 'Photos' },
    ]);
    expect(portfolioChoices(portfolios, 'gone').map((choice) => choice.title)).toEqual([
      'A portfolio in the trash',
      'CV',
      'Photos',
    ]);
  });
});
