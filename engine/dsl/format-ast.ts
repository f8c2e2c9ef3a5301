// Comparing .nfab syntax trees modulo positions: what "the formatter preserves meaning" means.
// Used by the formatter's own safety net and by the tests.
import type { Comment, SourceFile } from './ast';
import { parse } from './parser';

/**
 * A deep copy of a syntax tree without positions: every `start`/`end` is dropped, and a bare
 * Span (`eq`, `colon`, `open`, `close`, `op`, `unitSpan`) becomes `true`, so whether it is
 * present still counts (`node 20nm` differs from `node = 20nm`). `comments` are dropped: they are
 * compared separately with commentTexts.
 */
export function stripPositions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripPositions);
  if (node === null || typeof node !== 'object') return node;
  const keys = Object.keys(node);
  if (keys.length === 2 && keys.includes('start') && keys.includes('end')) return true;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k === 'start' || k === 'end' || k === 'comments') continue;
    out[k] = stripPositions((node as Record<string, unknown>)[k]);
  }
  return out;
}

/** The comments' texts in order; line comments without trailing white space (the formatter trims it). */
export function commentTexts(comments: readonly Comment[]): string[] {
  return comments.map((c) => (c.style === 'line' ? c.text.trimEnd() : c.text));
}

/** The tree of a document, without positions, as a comparable string; comments listed apart. */
export function shapeOf(text: string): { tree: string; comments: string[]; problems: string[] } {
  const { file, problems } = parse(text);
  return {
    tree: JSON.stringify(stripPositions(file as SourceFile)),
    comments: commentTexts(file.comments),
    problems: problems.map((p) => `${p.code}: ${p.message}`),
  };
}

/** True when both texts parse to the same tree, the same comments and the same problems. */
export function sameMeaning(a: string, b: string): boolean {
  const x = shapeOf(a);
  const y = shapeOf(b);
  return (
    x.tree === y.tree &&
    x.comments.length === y.comments.length &&
    x.comments.every((c, i) => c === y.comments[i]) &&
    x.problems.length === y.problems.length &&
    x.problems.every((p, i) => p === y.problems[i])
  );
}
