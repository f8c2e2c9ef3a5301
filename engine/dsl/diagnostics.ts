// Collecting diagnostics while checking, and the CLI's one-line rendering of them.
import type { Diagnostic } from '../protocol/schema';
import type { Span } from './ast';
import type { LineMap } from './lines';

export type Severity = Diagnostic['severity'];

/** Diagnostic codes, stable for quick fixes and tests. */
export type DiagnosticCode =
  | 'syntax'
  | 'unknown-unit'
  | 'unit-mismatch'
  | 'range'
  | 'type'
  | 'unknown-field'
  | 'missing-field'
  | 'duplicate'
  | 'unknown-reference'
  | 'unknown-kind'
  | 'unsupported'
  | 'not-runnable'
  | 'not-simulated'
  | 'ignored-field'
  | 'conversion'
  | 'mapping'
  | 'dataset'
  | 'import'
  | 'rule'
  | 'shape'
  | 'internal';

export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  private errorCount = 0;

  constructor(private readonly lines: LineMap) {}

  add(severity: Severity, span: Span, message: string, code: DiagnosticCode | string): void {
    this.items.push({ severity, message, range: this.lines.range(span), code });
    if (severity === 'error') this.errorCount++;
  }

  error(span: Span, message: string, code: DiagnosticCode): void {
    this.add('error', span, message, code);
  }

  warning(span: Span, message: string, code: DiagnosticCode): void {
    this.add('warning', span, message, code);
  }

  info(span: Span, message: string, code: DiagnosticCode): void {
    this.add('info', span, message, code);
  }

  /** Errors so far: compare before/after elaborating an entity to know whether it came out clean. */
  get errors(): number {
    return this.errorCount;
  }
}

/** `FILE:LINE:COL: error|warning|info: message`, the CLI contract. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.range.file}:${d.range.start.line}:${d.range.start.col}: ${d.severity}: ${d.message}`;
}
