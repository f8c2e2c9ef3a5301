// The .nfab language's public entry points. Everything here is pure TypeScript without Node
// imports: the same code runs in the engine host, the CLI and the Monaco web worker.
import type { ElaboratedModel } from '../ir/model';
import type { Diagnostic } from '../protocol/schema';
import { check } from './checker';
import { DiagnosticBag } from './diagnostics';
import { LineMap } from './lines';
import { parse } from './parser';

export type { SourceFile } from './ast';
export { formatDiagnostic } from './diagnostics';
export { parse } from './parser';

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** Everything that elaborated without errors. */
  model: ElaboratedModel;
  hasErrors: boolean;
}

/** At most this many syntax problems are listed; garbage input must not flood the editor. */
const MAX_SYNTAX_PROBLEMS = 100;

/**
 * Lexes, parses and checks one .nfab document. Never throws: an internal failure becomes an
 * error diagnostic at the start of the file.
 */
export function checkDocument(file: string, text: string): CheckResult {
  const lines = new LineMap(file, text);
  const diags = new DiagnosticBag(lines);
  let model: ElaboratedModel = { devices: [], chips: [], networks: [], experiments: [] };
  try {
    const { file: ast, problems } = parse(text);
    for (const p of problems.slice(0, MAX_SYNTAX_PROBLEMS)) diags.add('error', p, p.message, p.code);
    if (problems.length > MAX_SYNTAX_PROBLEMS) {
      const last = problems[MAX_SYNTAX_PROBLEMS]!;
      diags.error(
        last,
        `too many syntax errors (${problems.length}); only the first ${MAX_SYNTAX_PROBLEMS} are shown`,
        'syntax',
      );
    }
    model = check(ast, diags, lines);
  } catch (e) {
    diags.error(
      { start: 0, end: 0 },
      `internal error in the checker (please report): ${e instanceof Error ? e.message : String(e)}`,
      'internal',
    );
  }
  const diagnostics = [...diags.items].sort(
    (a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset,
  );
  return { diagnostics, model, hasErrors: diagnostics.some((d) => d.severity === 'error') };
}
