// Hover: what the word under the cursor is, in Markdown.
import type { Span } from '../ast';
import { DEVICE_FIELDS } from '../schema';
import {
  defaultFor,
  describeRange,
  describeType,
  KEYWORD_DOCS,
  kindsFor,
  siValue,
  summarize,
  valueStatus,
} from './describe';
import { getDocument, occurrenceAt } from './document';

export interface Hover {
  /** Markdown. */
  contents: string;
  range: Span;
}

export function hover(text: string, offset: number): Hover | null {
  const doc = getDocument(text);
  const o = occurrenceAt(doc, offset);
  if (!o) return null;
  const range = { start: o.start, end: o.end };
  const lines: string[] = [];
  switch (o.role) {
    case 'field': {
      const spec =
        o.spec ??
        (o.decl?.keyword.name === 'sweep' ? DEVICE_FIELDS.find((f) => f.name === o.text) : undefined);
      if (!spec) {
        lines.push(`**${o.text}** — not a field of ${o.ctx.label}`);
        if (o.ctx.fields.length) lines.push(`Allowed: ${o.ctx.fields.map((f) => f.name).join(', ')}`);
        break;
      }
      lines.push(`**${spec.name}** — field of ${o.ctx.label}`, spec.doc);
      lines.push(`Type: ${describeType(spec.type)}`);
      const r = describeRange(spec.type);
      if (r) lines.push(`Range: ${r}`);
      const d = defaultFor(spec, o.ctx);
      if (d) {
        const who = o.ctx.deviceKind ? ` for ${o.ctx.deviceKind}` : '';
        lines.push(`Default${who}: ${d.text}${d.source ? ` — ${d.source}` : ''}`);
      } else if (spec.required) lines.push('Required.');
      if (spec.ignored) lines.push(`Checked but ignored: ${spec.ignored}`);
      break;
    }
    case 'number':
    case 'unit': {
      const e = o.expr;
      if (e?.kind === 'quantity') {
        const si = siValue(e, o.spec);
        if (si) lines.push(si);
        else lines.push(`unknown unit '${e.unit}'`);
        range.start = e.start;
        range.end = e.end;
      } else if (e?.kind === 'number') {
        lines.push(`${e.text}${e.isInteger ? ' (integer)' : ''}`);
      } else return null;
      if (o.spec) lines.push(`${o.spec.name}: ${describeType(o.spec.type)}`);
      break;
    }
    case 'reference':
    case 'declaration': {
      const sym = o.symbol ? doc.symbols.get(o.symbol) : undefined;
      if (sym) lines.push(summarize(doc, sym));
      else if (o.target) lines.push(`unknown ${o.target} \`${o.text}\``);
      else return null;
      if (o.role === 'declaration' && o.decl && KEYWORD_DOCS[o.decl.keyword.name])
        lines.push(KEYWORD_DOCS[o.decl.keyword.name]!);
      break;
    }
    case 'keyword': {
      const d = KEYWORD_DOCS[o.text];
      if (!d) return null;
      lines.push(`**${o.text}** — ${d}`);
      break;
    }
    case 'kind': {
      const kw = o.decl?.keyword.name ?? '';
      const k = kindsFor(kw).find((x) => x.name === o.text);
      if (!k) return null;
      lines.push(`**${k.name}** — ${kw} kind: ${k.doc}`);
      if (k.status) lines.push(`Status: ${k.status}`);
      break;
    }
    case 'enum': {
      if (!o.spec) return null;
      const st = valueStatus(o.spec.type, o.text);
      lines.push(`**${o.text}** — value of ${o.spec.name}: ${describeType(o.spec.type)}`);
      if (st) lines.push(`Status: ${st}`);
      break;
    }
    case 'string':
      return null;
  }
  return { contents: lines.join('\n\n'), range };
}
