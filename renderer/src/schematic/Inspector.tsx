// The inspector: the selected declaration's fields, editable. A change becomes a minimal text edit
// (engine/dsl/schematic/edits) that is checked before it is applied; a value the checker rejects
// is refused with the checker's own message and the text stays as it was.
import { useState } from 'react';
import type { Decl } from '../../../engine/dsl/ast';
import { parse } from '../../../engine/dsl/parser';
import { type FieldSpec, LAYER_FIELDS } from '../../../engine/dsl/schema';
import { TYPE_FIELD } from '../../../engine/dsl/schematic/edits';
import { findDecl, type NodeProblem, type SchematicNode } from '../../../engine/dsl/schematic/graph';
import { contextAt, getDocument } from '../../../engine/dsl/service/document';

interface Row {
  field: string;
  label: string;
  value: string;
  placeholder: string;
  doc: string;
}

function rowsOf(text: string, d: Decl, node: SchematicNode): Row[] {
  const rows: Row[] = [];
  const slice = (s: { start: number; end: number }) => text.slice(s.start, s.end);
  if (d.type && d.type.kind !== 'call' && node.kind === 'layer') {
    rows.push({
      field: TYPE_FIELD,
      label: 'size',
      value: slice(d.type),
      placeholder: '',
      doc: 'The layer size or shape',
    });
  }
  if (d.type?.kind === 'call') {
    for (const a of d.type.args) {
      rows.push({
        field: a.key.name,
        label: a.key.name,
        value: a.value ? slice(a.value) : '',
        placeholder: '',
        doc: '',
      });
    }
  }
  let specs: readonly FieldSpec[] = [];
  if (d.body) specs = contextAt(getDocument(text), d.body.open.end).fields;
  else if (node.kind === 'layer') specs = LAYER_FIELDS[d.keyword.name] ?? [];
  const present = new Map<string, string>();
  for (const st of d.body?.statements ?? []) {
    if (st.kind === 'field' && st.value) present.set(st.key.name, slice(st.value));
  }
  const seen = new Set(rows.map((r) => r.field));
  for (const s of specs) {
    if (s.type.kind === 'block' || seen.has(s.name)) continue;
    seen.add(s.name);
    rows.push({
      field: s.name,
      label: s.name,
      value: present.get(s.name) ?? '',
      placeholder: s.default ?? '',
      doc: s.doc,
    });
  }
  for (const [k, v] of present) {
    if (!seen.has(k)) rows.push({ field: k, label: k, value: v, placeholder: '', doc: '' });
  }
  return rows;
}

interface Props {
  text: string;
  node: SchematicNode | null;
  problems: NodeProblem[];
  error: string | null;
  onSet: (node: SchematicNode, field: string, value: string) => void;
  onDelete: (node: SchematicNode) => void;
}

export function Inspector({ text, node, problems, error, onSet, onDelete }: Props) {
  const [draft, setDraft] = useState<Record<string, string>>({});
  if (!node) {
    return (
      <aside className="sch-inspector" data-testid="schematic-inspector">
        <h3>Inspector</h3>
        <div style={{ color: 'var(--muted)' }}>Select a block to see and edit its fields.</div>
        {error && (
          <div className="sch-error" role="alert" data-testid="inspector-error">
            {error}
          </div>
        )}
      </aside>
    );
  }
  const d = node.path.length ? findDecl(parse(text).file, node.path) : null;
  const rows = d ? rowsOf(text, d, node) : [];
  const commit = (row: Row, value: string) => {
    const key = `${node.id}:${row.field}`;
    setDraft((m) => {
      const { [key]: _, ...rest } = m;
      return rest;
    });
    if (value.trim() === row.value.trim() || value.trim() === '') return;
    onSet(node, row.field, value);
  };
  return (
    <aside className="sch-inspector" data-testid="schematic-inspector" data-node={node.id}>
      <h3>
        {node.kind} {node.label} <span style={{ color: 'var(--muted)', fontWeight: 400 }}>{node.type}</span>
      </h3>
      {node.figures.map((f) => (
        <div key={f} style={{ color: 'var(--muted)' }}>
          {f}
        </div>
      ))}
      {error && (
        <div className="sch-error" role="alert" data-testid="inspector-error">
          {error}
        </div>
      )}
      {problems.map((p) => (
        <div key={p.message} className={`sch-problem ${p.severity}`} style={{ whiteSpace: 'normal' }}>
          {p.message}
        </div>
      ))}
      {!d && (
        <div style={{ color: 'var(--muted)', marginTop: 6 }}>No declaration of its own in this file.</div>
      )}
      {rows.map((row) => {
        const key = `${node.id}:${row.field}`;
        const value = draft[key] ?? row.value;
        return (
          <label key={`${key}:${row.value}`} title={row.doc}>
            {row.label}
            <input
              data-testid={`inspector-field-${row.field === TYPE_FIELD ? 'size' : row.field}`}
              className={row.value ? '' : 'unset'}
              value={value}
              placeholder={row.placeholder}
              spellCheck={false}
              onChange={(e) => setDraft((m) => ({ ...m, [key]: e.target.value }))}
              onBlur={(e) => commit(row, e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') commit(row, e.currentTarget.value);
                if (e.key === 'Escape')
                  setDraft((m) => {
                    const { [key]: _, ...rest } = m;
                    return rest;
                  });
              }}
            />
          </label>
        );
      })}
      {d && (
        <div style={{ marginTop: 10 }}>
          <button type="button" data-testid="inspector-delete" onClick={() => onDelete(node)}>
            Delete {node.kind}
          </button>
        </div>
      )}
    </aside>
  );
}
