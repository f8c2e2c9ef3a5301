// Quick fixes. The checker's diagnostics carry stable codes; for unknown fields, names, kinds and
// enum values its message ends with "Did you mean 'x'?" computed by suggest.ts over the very
// names allowed at that spot, so the fix replaces the diagnostic's range with that suggestion.
import type { Diagnostic } from '../../protocol/schema';
import type { Span } from '../ast';
import { checkDocument } from '../index';
import type { TextEdit } from './navigation';

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  /** The diagnostic it fixes. */
  diagnostic: Diagnostic;
  edits: TextEdit[];
  isPreferred: boolean;
}

const FIXABLE = new Set(['unknown-field', 'unknown-reference', 'unknown-kind', 'type']);
const DID_YOU_MEAN = /Did you mean '([^']+)'\?/;

/**
 * Quick fixes for the diagnostics that overlap `range` (offsets). Pass the diagnostics the editor
 * already has, or leave them out to check the text here.
 */
export function codeActions(text: string, range: Span, diagnostics?: readonly Diagnostic[]): CodeAction[] {
  const diags = diagnostics ?? checkDocument('', text).diagnostics;
  const out: CodeAction[] = [];
  for (const d of diags) {
    if (!d.code || !FIXABLE.has(d.code)) continue;
    const start = d.range.start.offset;
    const end = d.range.end.offset;
    if (end < range.start || start > range.end) continue;
    const meant = DID_YOU_MEAN.exec(d.message)?.[1];
    if (!meant) continue;
    const written = text.slice(start, end);
    if (!written || written === meant) continue;
    out.push({
      title: `Change '${written}' to '${meant}'`,
      kind: 'quickfix',
      diagnostic: d,
      edits: [{ range: { start, end }, newText: meant }],
      isPreferred: true,
    });
  }
  return out;
}
