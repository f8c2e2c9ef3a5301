// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Monaco snippet syntax (${1:name}), not templates
// Completion: what may be written at the cursor. The block around the cursor comes from the
// parse tree (which survives typos elsewhere); what the current statement has so far comes from
// the text before the cursor on its line, which is what is being typed and so rarely parses.
import type { Span, Statement } from '../ast';
import type { FieldSpec } from '../schema';
import {
  defaultFor,
  describeRange,
  describeType,
  KEYWORD_DOCS,
  kindsFor,
  layerStatus,
  unitsFor,
} from './describe';
import {
  type BlockContext,
  callArgs,
  contextAt,
  getDocument,
  inTrivia,
  type NfabDocument,
  type SymbolKind,
} from './document';

export type CompletionKind = 'keyword' | 'field' | 'reference' | 'unit' | 'value' | 'kind' | 'snippet';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** One line shown next to the label: type, default, status. */
  detail: string;
  /** Markdown. */
  documentation?: string;
  insertText: string;
  /** insertText uses snippet syntax (${1:x}, $0). */
  snippet?: boolean;
  /** The text the item replaces (the partial word before the cursor). */
  range: Span;
  /** Not usable yet (shown struck through). */
  deprecated?: boolean;
  sortText?: string;
}

const WORD_BEFORE = /[A-Za-z_][A-Za-z0-9_]*$/;
const UNIT_CHARS = '[A-Za-z\\u00b5\\u03bc\\u03a9\\u2126%]';
const NUMBER_UNIT = new RegExp(`(?:^|[^A-Za-z0-9_.])-?(\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?)(${UNIT_CHARS}*)$`);

export function completion(text: string, offset: number): CompletionItem[] {
  const doc = getDocument(text);
  if (inTrivia(doc, offset)) return [];
  const ctx = contextAt(doc, offset);
  // The statement typed so far: from the last line break, '{', '}' or ';' before the cursor.
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let segStart = lineStart;
  for (const ch of ['{', '}', ';']) {
    const i = text.lastIndexOf(ch, offset - 1);
    if (i + 1 > segStart) segStart = i + 1;
  }
  // Several statements may share a line (`chip = c  network = n  dataset = |`): start at the
  // statement the cursor is in, or after the last complete one.
  let last: Statement | null = null;
  for (const st of ctx.statements) if (st.start >= segStart && st.start < offset) last = st;
  if (last) {
    const complete = last.kind === 'field' ? last.value !== null : last.body?.close != null;
    if (complete && last.end < offset && /^\s+$/.test(text.slice(last.end, offset))) segStart = last.end;
    else if (last.end < offset && complete) segStart = Math.max(segStart, last.end);
    else segStart = last.start;
  }
  const seg = text.slice(segStart, offset);
  const word = WORD_BEFORE.exec(seg)?.[0] ?? '';
  const wordRange = { start: offset - word.length, end: offset };

  // Inside a call's arguments: `crossbar(rows = 2, |`, `sgd(lr = 0.1, mo|`.
  const call = openCall(text.slice(lineStart, offset));
  if (call) {
    const spec = fieldOfSegment(ctx, seg);
    const args = callArgs(call.callee, spec);
    if (args) {
      const argCtx: BlockContext = {
        ...ctx,
        kind: 'call',
        label: `${call.callee}(...)`,
        fields: args,
        deviceKind: null,
        fieldPrefix: '',
      };
      const argSeg = call.inside.slice(Math.max(call.inside.lastIndexOf(','), -1) + 1);
      if (/^\s*[A-Za-z_]*$/.test(argSeg)) {
        const present = new Set([...call.inside.matchAll(/([A-Za-z_]\w*)\s*=/g)].map((m) => m[1]!));
        return args.filter((a) => !present.has(a.name)).map((a) => fieldItem(a, argCtx, wordRange));
      }
      const m = /^\s*([A-Za-z_]\w*)\s*=\s*(.*)$/.exec(argSeg);
      const argSpec = m ? args.find((a) => a.name === m[1]) : undefined;
      if (m && argSpec) return valueItems(doc, argSpec, argCtx, m[2]!, wordRange, offset);
      return [];
    }
  }

  // Declaration headers.
  const header = /^\s*([A-Za-z_]\w*)\s+[A-Za-z_]\w*\s*:\s*([A-Za-z_]\w*)?$/.exec(seg);
  if (header) {
    return kindsFor(header[1]!).map((k) => ({
      label: k.name,
      kind: 'kind' as const,
      detail: k.status ? `${k.doc} — ${k.status}` : k.doc,
      insertText: k.name === 'crossbar' ? 'crossbar(rows = ${1:256}, cols = ${2:256})' : k.name,
      ...(k.name === 'crossbar' ? { snippet: true } : {}),
      range: wordRange,
      ...(k.status ? { deprecated: true, sortText: `1${k.name}` } : { sortText: `0${k.name}` }),
    }));
  }
  if (/(?:^|\s)on\s+[A-Za-z_]*$/.test(seg) && ctx.kind === 'network') {
    return referenceItems(doc, 'tile', wordRange);
  }

  // `key = value…` or a bare `node 20…`.
  const fieldMatch = /^\s*([A-Za-z_]\w*)(\s*=\s*|\s+)(.*)$/.exec(seg);
  if (fieldMatch) {
    const spec = ctx.fields.find((f) => f.name === fieldMatch[1]);
    const isDeclKeyword = ctx.decls.includes(fieldMatch[1]!) || Boolean(ctx.plannedDecls[fieldMatch[1]!]);
    if (spec && (fieldMatch[2]!.includes('=') || spec.bare))
      return valueItems(doc, spec, ctx, fieldMatch[3]!, wordRange, offset);
    if (isDeclKeyword || !spec) return [];
  }

  // The start of a statement: fields and declaration keywords of this block.
  if (!/^\s*[A-Za-z_]*$/.test(seg)) return [];
  return statementItems(ctx, wordRange, offset);
}

/** The innermost unclosed `callee(` on the line before the cursor. */
function openCall(line: string): { callee: string; inside: string } | null {
  let depth = 0;
  for (let i = line.length - 1; i >= 0; i--) {
    const c = line[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) {
        const callee = /([A-Za-z_]\w*)\s*$/.exec(line.slice(0, i))?.[1];
        return callee ? { callee, inside: line.slice(i + 1) } : null;
      }
      depth--;
    }
  }
  return null;
}

function fieldOfSegment(ctx: BlockContext, seg: string): FieldSpec | undefined {
  const key = /^\s*([A-Za-z_]\w*)\s*=/.exec(seg)?.[1];
  return key ? ctx.fields.find((f) => f.name === key) : undefined;
}

function statementItems(ctx: BlockContext, range: Span, offset: number): CompletionItem[] {
  const present = new Set<string>();
  for (const st of ctx.statements) {
    const key = st.kind === 'field' ? st.key : st.keyword;
    // The word being typed is not "already present".
    if (offset >= key.start && offset <= key.end) continue;
    present.add(key.name);
  }
  const items: CompletionItem[] = [];
  ctx.fields.forEach((f, i) => {
    if (present.has(f.name)) return;
    items.push({
      ...fieldItem(f, ctx, range),
      sortText: `${f.ignored ? 2 : f.required ? 0 : 1}${String(i).padStart(3, '0')}`,
    });
  });
  for (const kw of ctx.decls) {
    const status = ctx.kind === 'network' ? layerStatus(kw) : '';
    items.push({
      label: kw,
      kind: 'keyword',
      detail: status ? `declaration — ${status}` : 'declaration',
      ...(KEYWORD_DOCS[kw] ? { documentation: KEYWORD_DOCS[kw] } : {}),
      insertText: declSnippet(kw),
      snippet: true,
      range,
      ...(status ? { deprecated: true, sortText: `4${kw}` } : { sortText: `3${kw}` }),
    });
  }
  for (const [kw, why] of Object.entries(ctx.plannedDecls)) {
    items.push({
      label: kw,
      kind: 'keyword',
      detail: `not supported yet: ${why}`,
      insertText: kw,
      range,
      deprecated: true,
      sortText: `5${kw}`,
    });
  }
  return items;
}

function declSnippet(kw: string): string {
  switch (kw) {
    case 'device':
      return 'device ${1:name} : ${2:rram} {\n\t$0\n}';
    case 'chip':
      return 'chip ${1:name} {\n\tnode ${2:20nm}\n\t$0\n}';
    case 'network':
      return 'network ${1:name} {\n\tinput ${2:x} : ${3:28x28}\n\t$0\n}';
    case 'experiment':
      return 'experiment ${1:name} {\n\tchip = ${2}\n\tnetwork = ${3}\n\tdataset = ${4:mnist}\n\t$0\n}';
    case 'sweep':
      return 'sweep ${1:device}.${2:field} in [${3}]';
    case 'tile':
      return 'tile ${1:name} : crossbar(rows = ${2:256}, cols = ${3:256}) {\n\tdevice = ${4}\n\t$0\n}';
    case 'import':
      return 'import "${1:lib.nfab}"';
    case 'input':
      return 'input ${1:x} : ${2:28x28}';
    case 'dense':
      return 'dense ${1:name} : ${2:256}';
    default:
      return `${kw} \${1:name}`;
  }
}

function fieldDetail(f: FieldSpec, ctx: BlockContext): string {
  const parts = [describeType(f.type).split(' (')[0]!];
  const d = defaultFor(f, ctx);
  if (d) parts.push(`default ${d.text}`);
  else if (f.required) parts.push('required');
  if (f.ignored) parts.push('ignored by the engine');
  return parts.join(' · ');
}

function fieldItem(f: FieldSpec, ctx: BlockContext, range: Span): CompletionItem {
  const d = defaultFor(f, ctx);
  const r = describeRange(f.type);
  const docLines = [f.doc, `Type: ${describeType(f.type)}`];
  if (r) docLines.push(`Range: ${r}`);
  if (d)
    docLines.push(
      `Default${ctx.deviceKind ? ` for ${ctx.deviceKind}` : ''}: ${d.text}${d.source ? ` — ${d.source}` : ''}`,
    );
  if (f.ignored) docLines.push(`Checked but ignored: ${f.ignored}`);
  const block = f.type.kind === 'block';
  return {
    label: f.name,
    kind: 'field',
    detail: fieldDetail(f, ctx),
    documentation: docLines.join('\n\n'),
    insertText: block ? `${f.name} {\n\t$0\n}` : f.bare ? `${f.name} ` : `${f.name} = `,
    ...(block ? { snippet: true } : {}),
    range,
    ...(f.ignored ? { deprecated: false } : {}),
  };
}

function referenceItems(doc: NfabDocument, kind: SymbolKind, range: Span): CompletionItem[] {
  const seen = new Set<string>();
  const out: CompletionItem[] = [];
  for (const s of doc.allSymbols) {
    if (s.kind !== kind || seen.has(s.name)) continue;
    seen.add(s.name);
    const type = s.decl.type ? doc.text.slice(s.decl.type.start, s.decl.type.end) : '';
    out.push({
      label: s.name,
      kind: 'reference',
      detail: `${kind}${type ? ` : ${type}` : ''}${s.parent ? ` (in ${s.parent.name})` : ''}`,
      insertText: s.name,
      range,
    });
  }
  return out;
}

function valueItems(
  doc: NfabDocument,
  spec: FieldSpec,
  ctx: BlockContext,
  valueText: string,
  wordRange: Span,
  offset: number,
): CompletionItem[] {
  const t = spec.type;
  // After a number: the units of the field's dimension.
  const num = NUMBER_UNIT.exec(valueText);
  if (num) {
    const typed = num[2] ?? '';
    const range = { start: offset - typed.length, end: offset };
    return unitsFor(t).map((u, i) => ({
      label: u.unit,
      kind: 'unit' as const,
      detail: `${u.dimension}${u.dimension !== (t.kind === 'quantity' ? t.dimension : 'dimensionless') ? ' (read as G = 1/R)' : ''}`,
      insertText: u.unit,
      range,
      sortText: String(i).padStart(3, '0'),
    }));
  }
  if (!/^[A-Za-z_]*$/.test(valueText)) return [];
  switch (t.kind) {
    case 'ref':
      return referenceItems(doc, t.target, wordRange);
    case 'enum': {
      const items: CompletionItem[] = t.values.map((v, i) => ({
        label: v,
        kind: 'value' as const,
        detail: `${spec.name} — runnable`,
        insertText: v,
        range: wordRange,
        sortText: `0${String(i).padStart(3, '0')}`,
      }));
      for (const [v, why] of Object.entries(t.notYet ?? {}))
        items.push({
          label: v,
          kind: 'value',
          detail: `not yet: ${why}`,
          insertText: v,
          range: wordRange,
          deprecated: true,
          sortText: `1${v}`,
        });
      return items;
    }
    case 'boolean':
      return ['true', 'false'].map((v) => ({
        label: v,
        kind: 'value' as const,
        detail: spec.name,
        insertText: v,
        range: wordRange,
      }));
    case 'number':
      return (t.words ?? []).map((v) => ({
        label: v,
        kind: 'value' as const,
        detail: spec.name,
        insertText: v,
        range: wordRange,
      }));
    case 'call':
      return Object.entries(t.options).map(([name, args]) => ({
        label: name,
        kind: 'value' as const,
        detail: `${name}(${args.map((a) => `${a.name} = ${a.default ?? '…'}`).join(', ')})`,
        insertText: `${name}(${args.map((a, i) => `${a.name} = \${${i + 1}:${a.default ?? ''}}`).join(', ')})`,
        snippet: true,
        range: wordRange,
      }));
    default:
      void ctx;
      return [];
  }
}
