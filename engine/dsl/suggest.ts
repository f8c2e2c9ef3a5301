// "Did you mean ...?" for unknown names: the closest candidate by edit distance (with adjacent
// transpositions, the commonest typo), when it is close enough to be a plausible typo.

/** Optimal-string-alignment distance between a and b. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

/** The best candidate within max(1, len/3) edits (case-insensitive; exact case only for 1-2 letters), or null. */
export function closest(name: string, candidates: Iterable<string>): string | null {
  const lower = name.toLowerCase();
  // One- and two-letter names are too short for a typo to be told from another name.
  const limit = name.length <= 2 ? 0 : Math.max(1, Math.floor(name.length / 3));
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    // Names longer than any real identifier would only burn time.
    if (Math.abs(c.length - name.length) > limit || name.length > 64) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD && d <= limit) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** " Did you mean 'g_max'?" or '' */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c ? ` Did you mean '${c}'?` : '';
}
