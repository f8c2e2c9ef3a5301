// `import "lib/devices.nfab"`: loading the files a document imports, without Node (the checker
// also runs in a browser worker). The caller passes a reader; paths are resolved relative to the
// importing file with '/' separators, and the reader decides what may be read (the CLI and the
// engine host confine it to the project folder). Every file is parsed once, even when imported
// twice (a diamond); a cycle is an error at the import that closes it, naming the whole cycle.
import type { Field, SourceFile, Span } from './ast';
import { DiagnosticBag } from './diagnostics';
import { LineMap } from './lines';
import { parse } from './parser';

/** Reads a file by its resolved path; null when it does not exist (or may not be read). */
export type ReadFile = (path: string) => string | null;

export interface ImportEdge {
  /** The `import "..."` statement in the importing file. */
  field: Field;
  /** Resolved path, or null when the statement is malformed. */
  path: string | null;
  /** The loaded file, or null when it could not be loaded (reported at the statement). */
  unit: FileUnit | null;
}

export interface FileUnit {
  file: string;
  lines: LineMap;
  diags: DiagnosticBag;
  ast: SourceFile;
  imports: ImportEdge[];
}

/** At most this many syntax problems are listed per file; garbage input must not flood the editor. */
const MAX_SYNTAX_PROBLEMS = 100;

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** Joins and normalises '/'-separated paths: `a/b/../c/./d` -> `a/c/d`. Leading `..` are kept. */
export function resolvePath(fromDir: string, rel: string): string {
  const abs = rel.startsWith('/');
  const parts = (abs ? rel : fromDir ? `${fromDir}/${rel}` : rel).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out.at(-1) !== '..') out.pop();
    else out.push(part);
  }
  const lead = (abs || fromDir.startsWith('/')) && !rel.startsWith('..') ? '/' : '';
  return lead + out.join('/');
}

export function parseUnit(file: string, text: string): FileUnit {
  const lines = new LineMap(file, text);
  const diags = new DiagnosticBag(lines);
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
  return { file, lines, diags, ast, imports: [] };
}

/**
 * Loads `root` and everything it imports, depth first. Returns the files in dependency order
 * (every file after the files it imports; the root last).
 */
export function loadImports(root: FileUnit, readFile: ReadFile | undefined): FileUnit[] {
  const loaded = new Map<string, FileUnit>([[root.file, root]]);
  const order: FileUnit[] = [];
  const stack: string[] = [];

  const visit = (unit: FileUnit) => {
    stack.push(unit.file);
    for (const st of unit.ast.statements) {
      if (st.kind !== 'field' || st.key.name !== 'import') continue;
      const edge: ImportEdge = { field: st, path: null, unit: null };
      unit.imports.push(edge);
      const at: Span = st.value ?? st.key;
      if (st.value?.kind !== 'string') {
        if (st.value)
          unit.diags.error(at, 'import takes a file name in quotes: import "lib/devices.nfab"', 'syntax');
        continue;
      }
      if (st.eq) unit.diags.error(st.eq, 'import takes no \'=\': import "lib/devices.nfab"', 'syntax');
      const target = resolvePath(dirname(unit.file), st.value.value);
      edge.path = target;
      const onStack = stack.indexOf(target);
      if (onStack >= 0) {
        const cycle = [...stack.slice(onStack), target].join(' -> ');
        unit.diags.error(at, `cyclic import: ${cycle}`, 'import');
        continue;
      }
      const known = loaded.get(target);
      if (known) {
        edge.unit = known;
        continue;
      }
      if (!readFile) {
        unit.diags.error(
          at,
          `cannot import "${st.value.value}" here: no file access was given to the checker`,
          'import',
        );
        continue;
      }
      let text: string | null;
      try {
        text = readFile(target);
      } catch (e) {
        unit.diags.error(
          at,
          `cannot import "${st.value.value}" (${target}): ${e instanceof Error ? e.message : String(e)}`,
          'import',
        );
        continue;
      }
      if (text === null) {
        unit.diags.error(at, `cannot import "${st.value.value}": no such file (${target})`, 'import');
        continue;
      }
      const child = parseUnit(target, text);
      loaded.set(target, child);
      edge.unit = child;
      visit(child);
    }
    stack.pop();
    order.push(unit);
  };
  visit(root);
  return order;
}

/**
 * Reports each imported file's problems at the import statements that name it: a summary with
 * the counts and the first problem (`lib/devices.nfab:3:9: ...`). Files are visited in
 * dependency order, so a problem deep in the import tree surfaces at every level above it.
 */
export function summariseImports(order: readonly FileUnit[]): void {
  for (const unit of order) {
    for (const edge of unit.imports) {
      const child = edge.unit;
      if (!child) continue;
      const items = child.diags.items.filter((d) => d.severity !== 'info');
      const errors = items.filter((d) => d.severity === 'error');
      if (items.length === 0) continue;
      const first = (errors[0] ?? items[0])!;
      const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
      const counts = [
        errors.length > 0 ? plural(errors.length, 'error') : '',
        items.length > errors.length ? plural(items.length - errors.length, 'warning') : '',
      ]
        .filter(Boolean)
        .join(', ');
      const where = `${first.range.file}:${first.range.start.line}:${first.range.start.col}`;
      const msg = `imported file ${child.file} has ${counts}; first: ${where}: ${first.message}`;
      const span = edge.field.value ?? edge.field.key;
      if (errors.length > 0) unit.diags.error(span, msg, 'import');
      else unit.diags.warning(span, msg, 'import');
    }
  }
}
