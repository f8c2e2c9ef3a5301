// The .nfab language worker: checks the text on every change (diagnostics without a server round
// trip) and answers the language service calls for Monaco's providers. Pure engine/dsl code.

import { formatEdits } from '../../../engine/dsl/format';
import { checkDocument } from '../../../engine/dsl/index';
import * as service from '../../../engine/dsl/service';
import type { FromWorker, NfabMethod, NfabMethods, ToWorker } from './nfab-protocol';

const post = (m: FromWorker, transfer: Transferable[] = []) => self.postMessage(m, { transfer });

/** The newest text per file: a burst of keystrokes is checked once, at its latest version. */
const pending = new Map<string, { version: number; text: string }>();

function runCheck(path: string): void {
  const job = pending.get(path);
  if (!job) return;
  pending.delete(path);
  const r = checkDocument(path, job.text);
  post({
    type: 'diagnostics',
    path,
    version: job.version,
    diagnostics: r.diagnostics,
    experiments: r.model.experiments.map((e) => e.name),
  });
}

const handlers: { [M in NfabMethod]: (text: string, args: NfabMethods[M][0]) => NfabMethods[M][1] } = {
  completion: (t, [o]) => service.completion(t, o),
  hover: (t, [o]) => service.hover(t, o),
  definition: (t, [o]) => service.definition(t, o),
  references: (t, [o, inc]) => service.references(t, o, inc),
  prepareRename: (t, [o]) => service.prepareRename(t, o),
  rename: (t, [o, n]) => service.rename(t, o, n),
  documentSymbols: (t) => service.documentSymbols(t),
  foldingRanges: (t) => service.foldingRanges(t),
  codeActions: (t, [r]) => service.codeActions(t, r),
  semanticTokens: (t) => service.encodeSemanticTokens(t, service.semanticTokens(t)),
  formatEdits: (t) => formatEdits(t),
};

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  if (m.type === 'check') {
    const queued = pending.has(m.path);
    pending.set(m.path, { version: m.version, text: m.text });
    if (!queued) setTimeout(() => runCheck(m.path), 0);
    return;
  }
  try {
    const handler = handlers[m.method] as (text: string, args: unknown[]) => unknown;
    const result = handler(m.text, m.args);
    post({ type: 'response', id: m.id, result }, result instanceof Uint32Array ? [result.buffer] : []);
  } catch (e) {
    post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
  }
};
