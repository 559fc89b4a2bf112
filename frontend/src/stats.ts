import type { components } from './api/schema';

export type Stats = components['schemas']['Stats'];

/** The ranges the picker offers, as days back from today (12 months is 365 days). */
export const PRESETS = [
  { label: '7 days', days: 7 },
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '12 months', days: 365 },
] as const;

/** `YYYY-MM-DD` of a date, in UTC like the statistics' days. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last `days` days up to `today`, both ends included. */
export function lastDays(days: number, today: Date = new Date()): { from: string; to: string } {
  const from = new Date(today.getTime() - (days - 1) * 24 * 3600 * 1000);
  return { from: isoDay(from), to: isoDay(today) };
}

/** "+25%", "−40%", "new" when there was nothing before, "" when there is nothing at all. */
export function change(now: number, before: number): string {
  if (before === 0) return now === 0 ? '' : 'new';
  const percent = Math.round(((now - before) / before) * 100);
  if (percent === 0) return '±0%';
  return percent > 0 ? `+${percent}%` : `−${Math.abs(percent)}%`;
}

/** The flag emoji of an ISO 3166 country code; a globe for unknown. */
export function flag(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return '🌐';
  return String.fromCodePoint(...[...code].map((letter) => 0x1f1e6 + letter.charCodeAt(0) - 65));
}

const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;

export function countryName(code: string): string {
  if (!code) return 'Unknown';
  try {
    return regionNames?.of(code) ?? code;
  } catch {
    return code;
  }
}

/** Each entry's share of the total, rounded; entries sum to about 100. */
export function shares(entries: { value: string; views: number }[]): { value: string; views: number; percent: number }[] {
  const total = entries.reduce((sum, entry) => sum + entry.views, 0);
  return entries.map((entry) => ({ ...entry, percent: total === 0 ? 0 : Math.round((entry.views / total) * 100) }));
}

/** The points of a sparkline through `values`, in a `width`×`height` box. */
export function sparkline(values: number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((value, index) => `${(index * step).toFixed(1)},${(height - (value / max) * (height - 2) - 1).toFixed(1)}`)
    .join(' ');
}
