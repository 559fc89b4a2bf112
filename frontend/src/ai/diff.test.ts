import { describe, expect, it } from 'vitest';
import { tokenize, wordDiff } from './diff';

const render = (parts: ReturnType<typeof wordDiff>) =>
  parts.map((part) => (part.kind === 'same' ? part.text : part.kind === 'added' ? `{+${part.text}+}` : `[-${part.text}-]`)).join('');

describe('the word diff', () => {
  it('keeps words and spaces, so the parts join back into either text', () => {
    expect(tokenize('  two  words\n')).toEqual(['  ', 'two', '  ', 'words', '\n']);
    const before = 'I have spent six years building systems that move money.';
    const after = 'Six years building systems that move money safely.';
    const parts = wordDiff(before, after);
    expect(parts.filter((part) => part.kind !== 'added').map((part) => part.text).join('')).toBe(before);
    expect(parts.filter((part) => part.kind !== 'removed').map((part) => part.text).join('')).toBe(after);
  });

  it('marks the words that changed, removed before added', () => {
    expect(render(wordDiff('I built a ledger in Rust', 'I built a payments ledger in Rust'))).toBe('I built a {+payments +}ledger in Rust');
    expect(render(wordDiff('the quick brown fox', 'the slow brown fox'))).toBe('the [-quick-]{+slow+} brown fox');
  });

  it('shows neighbouring changed words as one change', () => {
    expect(render(wordDiff('one two three four', 'one six seven four'))).toBe('one [-two three-]{+six seven+} four');
  });

  it('handles empty texts and identical ones', () => {
    expect(wordDiff('', 'New text')).toEqual([{ kind: 'added', text: 'New text' }]);
    expect(wordDiff('Old text', '')).toEqual([{ kind: 'removed', text: 'Old text' }]);
    expect(wordDiff('Same', 'Same')).toEqual([{ kind: 'same', text: 'Same' }]);
    expect(wordDiff('', '')).toEqual([]);
  });

  it('replaces the middle whole when the texts are too long to compare word by word', () => {
    const before = Array.from({ length: 3000 }, (_, index) => `a${index}`).join(' ');
    const after = Array.from({ length: 3000 }, (_, index) => `b${index}`).join(' ');
    const parts = wordDiff(`Start ${before} end`, `Start ${after} end`);
    expect(parts.map((part) => part.kind)).toEqual(['same', 'removed', 'added', 'same']);
  });
});
