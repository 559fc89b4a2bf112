import { describe, expect, it } from 'vitest';
import { relativeTime, shareUrl, statusLabel } from './portfolios';
import type { Portfolio } from './portfolios';

const base: Portfolio = {
  id: 'p',
  workspace_id: 'w',
  title: 'CV',
  description: '',
  slug: 'cv',
  template: 'modern',
  access: 'public',
  has_password: false,
  status: 'draft',
  revision: 3,
  has_unpublished_changes: true,
  public_url: 'http://ann.localhost/cv',
  is_primary: false,
  created_at: '2026-11-25T10:00:00Z',
  updated_at: '2026-11-25T10:00:00Z',
};

describe('portfolio cards', () => {
  it('say whether and how a page is published', () => {
    expect(statusLabel(base)).toBe('Draft');
    expect(statusLabel({ ...base, status: 'published', published_revision: 3, has_unpublished_changes: false })).toBe(
      'Published',
    );
    expect(statusLabel({ ...base, status: 'published', access: 'password' })).toBe(
      'Published · Password · unpublished changes',
    );
  });

  it('share the secret link when there is one', () => {
    expect(shareUrl(base)).toBe('http://ann.localhost/cv');
    expect(shareUrl({ ...base, secret_url: 'http://ann.localhost/cv?key=k' })).toBe('http://ann.localhost/cv?key=k');
  });

  it('tell the time of the last edit in words', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    expect(relativeTime('2026-11-25T11:59:40Z', now)).toBe('just now');
    expect(relativeTime('2026-11-25T11:57:00Z', now)).toBe('3 minutes ago');
    expect(relativeTime('2026-11-24T12:00:00Z', now)).toBe('yesterday');
  });
});
