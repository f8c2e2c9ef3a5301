// `neurofab fmt [--check] FILE...`: formats .nfab files in place (atomically: a temporary file
// next to the original, then a rename), or with --check lists the files that are not formatted.
// Exit codes (ARCHITECTURE.md): 0 all formatted, 1 a file is not formatted (--check) or has
// syntax errors (printed as FILE:LINE:COL: error: message; such a file is left alone), 2 bad usage.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkDocument, formatDiagnostic } from '../dsl';
import { formatDocument } from '../dsl/format';
import { decodeUtf8, NotUtf8Error } from '../text/utf8';

export const FMT_USAGE = 'Usage: neurofab fmt [--check] FILE...';

function usage(message: string): number {
  console.error(`neurofab: ${message}\n${FMT_USAGE}`);
  return 2;
}

/** Writes `text` to `file` through a temporary file and a rename, keeping the file's mode. */
export function writeAtomic(file: string, text: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const mode = fs.statSync(file).mode & 0o7777;
  try {
    fs.writeFileSync(tmp, text, { encoding: 'utf8', mode });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export function cmdFmt(args: string[]): number {
  let values: { check?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { check: { type: 'boolean', default: false } },
    }));
  } catch (e) {
    return usage(e instanceof Error ? e.message : String(e));
  }
  if (positionals.length === 0) return usage('fmt needs at least one FILE.');
  for (const file of positionals) {
    if (!fs.existsSync(file)) return usage(`${file}: no such file.`);
    if (fs.statSync(file).isDirectory()) return usage(`${file} is a folder; give .nfab files.`);
  }
  const check = values.check ?? false;
  let unformatted = 0;
  let broken = 0;
  for (const file of positionals) {
    let text: string;
    try {
      // Strict: formatting a file that is not UTF-8 would write replacement characters over its bytes.
      text = decodeUtf8(file, fs.readFileSync(file));
    } catch (err) {
      if (!(err instanceof NotUtf8Error)) throw err;
      console.error(`neurofab: ${err.message}`);
      broken++;
      continue;
    }
    const syntax = checkDocument(file, text).diagnostics.filter(
      (d) => d.severity === 'error' && d.code === 'syntax',
    );
    if (syntax.length > 0) {
      for (const d of syntax) console.error(formatDiagnostic(d));
      broken++;
      continue;
    }
    const formatted = formatDocument(text);
    if (formatted === text) continue;
    if (check) {
      console.log(file);
      unformatted++;
    } else {
      writeAtomic(file, formatted);
    }
  }
  if (check && unformatted > 0) console.error(`${unformatted} file(s) not formatted; run neurofab fmt.`);
  if (broken > 0) console.error(`${broken} file(s) with syntax errors or not UTF-8 left unformatted.`);
  return unformatted > 0 || broken > 0 ? 1 : 0;
}
