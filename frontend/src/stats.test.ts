import { describe, expect, it } from 'vitest';
import { change, countryName, flag, lastDays, shares, sparkline } from './stats';

describe('statistics helpers', () => {
  it('picks ranges that end today', () => {
    expect(lastDays(7, new Date('2026-11-25T12:00:00Z'))).toEqual({ from: '2026-11-19', to: '2026-11-25' });
    expect(lastDays(1, new Date('2026-11-25T12:00:00Z'))).toEqual({ from: '2026-11-25', to: '2026-11-25' });
  });

  it('says how a number changed', () => {
    expect(change(125, 100)).toBe('+25%');
    expect(change(60, 100)).toBe('−40%');
    expect(change(5, 0)).toBe('new');
    expect(change(0, 0)).toBe('');
    expect(change(100, 100)).toBe('±0%');
  });

  it('draws flags and names countries', () => {
    expect(flag('GB')).toBe('🇬🇧');
    expect(flag('')).toBe('🌐');
    expect(countryName('DE')).toBe('Germany');
    expect(countryName('')).toBe('Unknown');
  });

  it('shares add up and sparklines stay in their box', () => {
    expect(shares([{ value: 'desktop', views: 3 }, { value: 'phone', views: 1 }]).map((entry) => entry.percent)).toEqual([75, 25]);
    expect(sparkline([0, 5, 10], 100, 20)).toBe('0.0,19.0 50.0,10.0 100.0,1.0');
    expect(sparkline([], 100, 20)).toBe('');
  });
});
