// `neurofab report ID... --out FILE.html|FILE.pdf [--project DIR]`: a self-contained report of
// recorded runs (engine/report). The store is opened read-only, so a report can be written while
// the studio has the project open.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectReader, storePath } from '../host/project';
import { formatOf, PdfError, ReportInputError, writeReport } from '../report';
import { openStore, type Store, StoreError } from '../store';
import { EXIT, UsageError } from './usage';

/** Full run ids for what the user typed: an id, or an unambiguous prefix of one (as reports show). */
export function resolveRunIds(store: Store, typed: readonly string[]): { ids: string[]; errors: string[] } {
  let all: string[] | null = null;
  const ids: string[] = [];
  const errors: string[] = [];
  for (const t of typed) {
    if (store.runStatuses([t]).has(t)) {
      ids.push(t);
      continue;
    }
    all ??= store.listRuns().map((r) => r.id);
    const hits = t.length >= 4 ? all.filter((id) => id.startsWith(t)) : [];
    if (hits.length === 1) ids.push(hits[0]!);
    else if (hits.length > 1) errors.push(`run id "${t}" is ambiguous: ${hits.slice(0, 5).join(', ')}`);
    else errors.push(`no run "${t}" in this project (\`neurofab runs list\` shows the run ids)`);
  }
  return { ids, errors };
}

export async function cmdReport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' }, project: { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('report needs at least one run id.');
  if (!values.out) throw new UsageError('report needs --out FILE.html or --out FILE.pdf.');
  const format = formatOf(values.out);
  if (!format) {
    throw new UsageError(`--out ${values.out}: the file must end in .html or .pdf (the report's format).`);
  }
  const root = path.resolve(values.project ?? '.');
  const db = storePath(root);
  if (!fs.existsSync(db)) {
    console.error(
      `neurofab: ${root} has no run store (${db}); give --project the folder runs were recorded in.`,
    );
    return EXIT.inputErrors;
  }
  let store: Store;
  try {
    store = openStore(db, { readonly: true });
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    console.error(`neurofab: ${err.message}`);
    return EXIT.inputErrors;
  }
  try {
    const { ids, errors } = resolveRunIds(store, positionals);
    if (errors.length) {
      for (const e of errors) console.error(`neurofab: ${e}`);
      return EXIT.inputErrors;
    }
    const out = path.resolve(values.out);
    const timing = await writeReport(store, ids, format, out, projectReader(root), (html) => {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      const tmp = `${out}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, html, 'utf8');
      fs.renameSync(tmp, out);
      return Buffer.byteLength(html, 'utf8');
    });
    const took =
      format === 'pdf'
        ? `page ${Math.round(timing.htmlMs)} ms + print ${Math.round(timing.pdfMs)} ms`
        : `${Math.round(timing.htmlMs)} ms`;
    console.log(
      `Wrote ${values.out} (${timing.bytes.toLocaleString('en-US')} bytes, ${ids.length} run(s), ${took})`,
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof ReportInputError || err instanceof PdfError) {
      console.error(`neurofab: ${err.message}`);
      return EXIT.inputErrors;
    }
    throw err;
  } finally {
    store.close();
  }
}
