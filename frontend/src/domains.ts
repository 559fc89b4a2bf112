import type { components } from './api/schema';
import { relativeTime } from './portfolios';
import type { Portfolio } from './portfolios';

export type Domain = components['schemas']['Domain'];
export type DomainStatus = components['schemas']['DomainStatus'];
export type DnsRecord = components['schemas']['DnsRecord'];

const STATUSES: Record<DomainStatus, { label: string; explanation: string }> = {
  pending: { label: 'Pending', explanation: 'We have not seen the TXT record yet: create it, then check again.' },
  verified: { label: 'Verified', explanation: 'The domain is proven yours; now point it at Vitrine with the other records.' },
  active: { label: 'Active', explanation: 'Your portfolio is served here over HTTPS.' },
  failing: { label: 'Failing', explanation: 'The last check failed; visitors still get your portfolio while you fix the records.' },
};

/** The badge's word and the line that says what the status means. */
export function describeStatus(status: DomainStatus): { label: string; explanation: string } {
  return STATUSES[status];
}

/** "Checked 3 minutes ago · next check in 2 hours"; "soon" when the next one is due. */
export function checkTimes(domain: Domain, now: Date = new Date()): string {
  const last = domain.last_checked_at ? `Checked ${relativeTime(domain.last_checked_at, now)}` : 'Not checked yet';
  const due = new Date(domain.next_check_at).getTime() - now.getTime() < 60_000;
  return `${last} · next check ${due ? 'soon' : relativeTime(domain.next_check_at, now)}`;
}

export function siteUrl(domain: Domain): string {
  return `https://${domain.hostname}/`;
}

/** The portfolios a domain can show, with the one it shows even when it is in the trash. */
export function portfolioChoices(portfolios: Portfolio[], shown: string): { id: string; title: string }[] {
  const choices = portfolios.map((portfolio) => ({ id: portfolio.id, title: portfolio.title }));
  return choices.some((choice) => choice.id === shown) ? choices : [{ id: shown, title: 'A portfolio in the trash' }, ...choices];
}
