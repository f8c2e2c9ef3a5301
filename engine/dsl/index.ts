// The .nfab language's public entry points. Everything here is pure TypeScript without Node
// imports: the same code runs in the engine host, the CLI and the Monaco web worker. File access
// (for `import`) comes in through CheckOptions.readFile.
import type { ElaboratedModel } from '../ir/model';
import type { Diagnostic } from '../protocol/schema';
import { check } from './checker';
import { loadImports, parseUnit, type ReadFile, summariseImports } from './imports';

export type { SourceFile } from './ast';
export { formatDiagnostic } from './diagnostics';
export type { ReadFile } from './imports';
export { parse } from './parser';

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** Everything that elaborated without errors, merged over the file and its imports. */
  model: ElaboratedModel;
  hasErrors: boolean;
}

export interface CheckOptions {
  /**
   * Reads an imported file by its path (resolved relative to the importing file, '/'-separated);
   * null when it does not exist. Without it, `import` statements are errors.
   */
  readFile?: ReadFile;
}

export function emptyModel(): ElaboratedModel {
  return { devices: [], neurons: [], chips: [], networks: [], experiments: [], platforms: [] };
}

/**
 * Lexes, parses and checks one .nfab document and the files it imports. Never throws: an
 * internal failure becomes an error diagnostic at the start of the file. Only the document's own
 * diagnostics are returned; an imported file's problems are summarised at its import statement.
 */
export function checkDocument(file: string, text: string, options: CheckOptions = {}): CheckResult {
  let model: ElaboratedModel = emptyModel();
  const root = parseUnit(file, text);
  try {
    const units = loadImports(root, options.readFile);
    model = check(units, root);
    summariseImports(units);
  } catch (e) {
    root.diags.error(
      { start: 0, end: 0 },
      `internal error in the checker (please report): ${e instanceof Error ? e.message : String(e)}`,
      'internal',
    );
  }
  const diagnostics = [...root.diags.items].sort(
    (a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset,
  );
  return { diagnostics, model, hasErrors: diagnostics.some((d) => d.severity === 'error') };
}
