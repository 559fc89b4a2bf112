import { describe, expect, it } from 'vitest';
import { nextFrom, safeNext } from './next';

describe('the page after sign-in', () => {
  it('goes back to pages of the app', () => {
    expect(safeNext('/app/settings')).toBe('/settings');
    expect(safeNext('/app/invitations/accept?token=abc')).toBe('/invitations/accept?token=abc');
    expect(safeNext('/app')).toBe('/');
    expect(safeNext(nextFrom('/workspaces/1/members', ''))).toBe('/workspaces/1/members');
  });

  it('never leaves the app', () => {
    for (const next of [null, '', 'https://evil.example/app/', '//evil.example/app/', '/app\\@evil', '/apps', '/api/v1/me', '/app/\u0000x']) {
      expect(safeNext(next)).toBe('/');
    }
  });
});
