import type { components } from './api/schema';

export type Portfolio = components['schemas']['Portfolio'];
export type Template = components['schemas']['Template'];
export type AccessMode = components['schemas']['AccessMode'];

const ACCESS_LABELS: Record<AccessMode, string> = {
  public: 'Public',
  private: 'Members only',
  password: 'Password',
  secret_link: 'Secret link',
};

export function accessLabel(mode: AccessMode): string {
  return ACCESS_LABELS[mode];
}

/** What a card says about the page's state, most important first. */
export function statusLabel(portfolio: Portfolio): string {
  if (portfolio.status === 'draft') return 'Draft';
  const published = portfolio.access === 'public' ? 'Published' : `Published · ${accessLabel(portfolio.access)}`;
  return portfolio.has_unpublished_changes ? `${published} · unpublished changes` : published;
}

/** The address to share: the secret link when the page has one. */
export function shareUrl(portfolio: Portfolio): string {
  return portfolio.secret_url ?? portfolio.public_url;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago", "yesterday"; "just now" under a minute. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}
