// Offsets -> 1-based line:col, by binary search over the line starts (a 5k-line file converts
// each diagnostic in ~13 steps). Columns count UTF-16 units, as Monaco and the protocol do.
import type { SourcePos, SourceRange } from '../ir/model';
import type { Span } from './ast';

export class LineMap {
  private readonly starts: number[] = [0];

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** The source text of a span. */
  slice(span: { start: number; end: number }): string {
    return this.text.slice(span.start, span.end);
  }

  pos(offset: number): SourcePos {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: o - this.starts[lo]! + 1, offset: o };
  }

  range(span: Span): SourceRange {
    return { file: this.file, start: this.pos(span.start), end: this.pos(span.end) };
  }
}
