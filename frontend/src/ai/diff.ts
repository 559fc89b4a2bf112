// A word diff between the current text and a suggestion: the longest common subsequence of
// words and spaces, with the words that changed around a kept space shown as one change.

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Cells of the comparison table beyond which the middle is shown as replaced whole. */
const MAX_CELLS = 4_000_000;

/** Words and the runs of spaces between them, in order; joined they are the text again. */
export function tokenize(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** What to remove from `before` and add to get `after`, in reading order. */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokenize(before);
  const b = tokenize(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  push(parts, 'same', a.slice(0, start).join(''));
  const middleA = a.slice(start, endA);
  const middleB = b.slice(start, endB);
  if (middleA.length * middleB.length > MAX_CELLS) {
    push(parts, 'removed', middleA.join(''));
    push(parts, 'added', middleB.join(''));
  } else {
    for (const part of lcsDiff(middleA, middleB)) push(parts, part.kind, part.text);
  }
  push(parts, 'same', a.slice(endA).join(''));
  return tidy(parts);
}

function lcsDiff(a: string[], b: string[]): DiffPart[] {
  const width = b.length + 1;
  // length(i, j): the longest common subsequence of a[i..] and b[j..].
  const lengths = new Uint32Array((a.length + 1) * width);
  const length = (i: number, j: number) => lengths[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j] ? length(i + 1, j + 1) + 1 : Math.max(length(i + 1, j), length(i, j + 1));
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push(parts, 'same', a[i] ?? '');
      i++;
      j++;
    } else if (length(i + 1, j) >= length(i, j + 1)) {
      push(parts, 'removed', a[i++] ?? '');
    } else {
      push(parts, 'added', b[j++] ?? '');
    }
  }
  push(parts, 'removed', a.slice(i).join(''));
  push(parts, 'added', b.slice(j).join(''));
  return parts;
}

function push(parts: DiffPart[], kind: DiffPart['kind'], text: string) {
  if (text === '') return;
  const last = parts.at(-1);
  if (last?.kind === kind) last.text += text;
  else parts.push({ kind, text });
}

/**
 * A space kept between two changes joins them, and each run of changes reads as what was
 * removed, then what was added: "-a +x -b +y" becomes "-a b +x y".
 */
function tidy(parts: DiffPart[]): DiffPart[] {
  const joined = parts.map((part, index) => {
    const changed = (at: number) => parts[at] !== undefined && parts[at]?.kind !== 'same';
    const between = changed(index - 1) && changed(index + 1);
    return part.kind === 'same' && between && /^\s+$/.test(part.text) ? { kind: 'both' as const, text: part.text } : part;
  });
  const result: DiffPart[] = [];
  let removed = '';
  let added = '';
  const flush = () => {
    push(result, 'removed', removed);
    push(result, 'added', added);
    removed = '';
    added = '';
  };
  for (const part of joined) {
    if (part.kind === 'same') {
      flush();
      push(result, 'same', part.text);
    } else {
      if (part.kind !== 'added') removed += part.text;
      if (part.kind !== 'removed') added += part.text;
    }
  }
  flush();
  return result;
}
