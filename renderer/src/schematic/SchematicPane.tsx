// The schematic: the active .nfab document's chip or network as a live diagram next to the editor.
// It reads the text (checked here with the same checker as the worker), lays the graph out with
// elk, and edits the text only through Monaco's edit stack, so Ctrl+Z in the editor undoes a
// diagram edit. Selection is synced both ways: a node reveals its declaration, the cursor selects
// the node around it. Dragged positions are kept in a sidecar file `<file>.layout.json`.
import '@xyflow/react/dist/style.css';
import './schematic.css';
import {
  applyNodeChanges,
  Background,
  type Connection,
  Controls,
  type Edge,
  MarkerType,
  MiniMap,
  type Node,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  addDeviceEdit,
  addLayerEdit,
  addTileEdit,
  addTopLevelEdit,
  deleteDeclEdit,
  type EditResult,
  freshName,
  retargetReferenceEdit,
  setFieldEdit,
  type TextEdit,
  validateEdit,
} from '../../../engine/dsl/schematic/edits';
import {
  chipId,
  deviceId,
  layerId,
  networkId,
  nodeAtOffset,
  type SchematicNode,
  type SchematicView,
  tileId,
} from '../../../engine/dsl/schematic/graph';
import { endpointOf, isGroup, layoutGraph, type Placed } from '../../../engine/dsl/schematic/layout';
import type { Box } from '../../../engine/dsl/schematic/svg';
import { useStudio } from '../app/studio-context';
import type { OpenDocument } from '../editor/documents';
import { monaco } from '../editor/monaco-setup';
import { exportPng, exportSvg } from './export';
import { Inspector } from './Inspector';
import { type SchematicModel as Model, SchematicModel, type SchematicState } from './model-state';
import { type BlockData, NODE_TYPES } from './nodes';

/** Chips with more blocks than this start collapsed (large designs stay usable). */
const COLLAPSE_ABOVE = 60;
const UPDATE_DEBOUNCE_MS = 150;

type Positions = Record<string, { x: number; y: number }>;
interface LayoutFile {
  version: 1;
  views: Partial<Record<SchematicView, Positions>>;
}

interface Props {
  doc: OpenDocument | null;
  editorRef: RefObject<monaco.editor.IStandaloneCodeEditor | null>;
}

/** Below this zoom, node labels are too small to read; the first fit never goes lower. */
const READABLE_ZOOM = 0.85;

export function SchematicPane(props: Props) {
  return (
    <ReactFlowProvider>
      <Schematic {...props} />
    </ReactFlowProvider>
  );
}

function Schematic({ doc, editorRef }: Props) {
  const { engine } = useStudio();
  const flow = useReactFlow();
  const [view, setView] = useState<SchematicView>('chip');
  const [state, setState] = useState<SchematicState | null>(null);
  const [layout, setLayout] = useState<Map<string, Placed> | null>(null);
  const [nodes, setNodes] = useState<Node<BlockData>[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [importsRead, setImportsRead] = useState(0);
  const [saved, setSaved] = useState<LayoutFile>({ version: 1, views: {} });
  const models = useRef(new Map<string, Model>());
  const fitted = useRef<string | null>(null);
  const flowPane = useRef<HTMLDivElement | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const path = doc?.path ?? null;

  // ---------------------------------------------------------------- text -> graph (live)
  // biome-ignore lint/correctness/useExhaustiveDependencies: importsRead re-runs it when an imported file arrives
  useEffect(() => {
    if (!doc) {
      setState(null);
      return;
    }
    let m = models.current.get(doc.path);
    const update = () => {
      if (!doc.model.isDisposed() && m) setState(m.update(doc.model.getValue(), view));
    };
    if (!m) {
      m = new SchematicModel(
        doc.path,
        (p) =>
          engine.call('file.read', { path: p }).then(
            (r) => r.text,
            () => null,
          ),
        () => setImportsRead((n) => n + 1),
      );
      models.current.set(doc.path, m);
    }
    update();
    let timer: number | null = null;
    const sub = doc.model.onDidChangeContent(() => {
      if (timer !== null) window.clearTimeout(timer);
      timer = window.setTimeout(update, UPDATE_DEBOUNCE_MS);
    });
    return () => {
      sub.dispose();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [doc, view, engine, importsRead]);

  // The sidecar with dragged positions.
  useEffect(() => {
    setSaved({ version: 1, views: {} });
    if (!path) return;
    let live = true;
    engine.call('file.read', { path: `${path}.layout.json` }).then(
      ({ text }) => {
        try {
          const parsed = JSON.parse(text) as LayoutFile;
          if (live && parsed && parsed.version === 1 && parsed.views) setSaved(parsed);
        } catch {
          // A damaged sidecar is ignored: the automatic layout applies.
        }
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [engine, path]);

  const graph = state?.graph ?? null;

  // Large groups start collapsed.
  useEffect(() => {
    if (!graph) return;
    setCollapsed((prev) => {
      const next = new Set(prev);
      let changed = false;
      for (const n of graph.nodes) {
        if (!isGroup(n)) continue;
        const kids = graph.nodes.filter((c) => c.parent === n.id).length;
        const key = `auto:${n.id}`;
        if (n.kind === 'chip' && kids > COLLAPSE_ABOVE && !prev.has(key)) {
          next.add(n.id);
          next.add(key);
          changed = true;
        }
      }
      return changed ? next : prev;
    });
  }, [graph]);

  // Re-layout only when the structure or the sizes change, so typing keeps the viewport.
  const structure = useMemo(
    () =>
      graph
        ? JSON.stringify([
            graph.nodes.map((n) => [n.id, n.parent, n.figures.length]),
            graph.edges.map((e) => [e.source, e.target, e.label ?? '']),
            [...collapsed].sort(),
          ])
        : '',
    [graph, collapsed],
  );
  const graphRef = useRef(graph);
  graphRef.current = graph;
  useEffect(() => {
    const g = graphRef.current;
    if (!g || !structure) {
      setLayout(null);
      return;
    }
    let live = true;
    layoutGraph(g, collapsed).then(
      (placed) => {
        if (live) setLayout(placed);
      },
      (err) => console.error('schematic layout failed', err),
    );
    return () => {
      live = false;
    };
  }, [structure, collapsed]);

  // ---------------------------------------------------------------- graph + layout -> React Flow nodes
  const problems = state?.problems;
  const toggle = useCallback((id: string) => {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const positions = saved.views[view];
  useEffect(() => {
    if (!graph || !layout) {
      setNodes([]);
      return;
    }
    const out: Node<BlockData>[] = [];
    const order = [...graph.nodes.filter((n) => !n.parent), ...graph.nodes.filter((n) => n.parent)];
    for (const n of order) {
      const p = layout.get(n.id);
      if (!p) continue;
      const group = isGroup(n) && !collapsed.has(n.id);
      const pos = positions?.[n.id] ?? { x: p.x, y: p.y };
      out.push({
        id: n.id,
        type: isGroup(n) ? 'container' : 'block',
        position: pos,
        ...(n.parent ? { parentId: n.parent } : {}),
        style: { width: p.width, height: p.height },
        width: p.width,
        height: p.height,
        selected: n.id === selected,
        zIndex: group ? 0 : 1,
        data: {
          node: n,
          problems: problems?.get(n.id) ?? [],
          collapsed: collapsed.has(n.id),
          childCount: graph.nodes.filter((c) => c.parent === n.id).length,
          onToggle: toggle,
        },
      });
    }
    setNodes(out);
  }, [graph, layout, problems, selected, collapsed, positions, toggle]);

  const edges: Edge[] = useMemo(() => {
    if (!graph) return [];
    const end = endpointOf(graph, collapsed);
    const seen = new Set<string>();
    const out: Edge[] = [];
    for (const e of graph.edges) {
      const source = end(e.source);
      const target = end(e.target);
      if (!source || !target) continue;
      const id = `${source}->${target}`;
      if (source === target || seen.has(id)) continue;
      seen.add(id);
      out.push({
        id,
        source,
        target,
        ...(e.label ? { label: e.label } : {}),
        // Mapping edges leave at the bottom, so they run under the layers in between.
        ...(e.kind === 'mapping' ? { type: 'smoothstep', sourceHandle: 'map-out' } : {}),
        // A device/neuron -> block edge can be dragged to another device or neuron (reconnect).
        reconnectable: e.kind === 'uses' && source === e.source ? 'source' : false,
        markerEnd: { type: MarkerType.ArrowClosed, color: '#9aa5b8' },
        style: {
          stroke: '#9aa5b8',
          strokeWidth: 1.5,
          ...(e.kind === 'dataflow' ? {} : { strokeDasharray: '5 4' }),
        },
        zIndex: 2,
        selectable: false,
      });
    }
    return out;
  }, [graph, collapsed]);

  // Fit once per document and view, when its first layout is in (later updates keep the viewport).
  useEffect(() => {
    const key = `${path}:${view}`;
    if (!layout || !graph || fitted.current === key || !graph.nodes.some((n) => layout.has(n.id))) return;
    fitted.current = key;
    window.setTimeout(async () => {
      await flow.fitView({ padding: 0.06, maxZoom: 1.2 });
      if (flow.getViewport().zoom >= READABLE_ZOOM) return;
      // Too wide to fit legibly (a long network): show where the flow starts, on the left, at a
      // zoom where labels can be read; the fit button still shows everything.
      // Centre vertically on the leftmost block (the flow's start), not on the whole diagram,
      // whose height may come from a column of tiles far from the layers.
      const all = flow.getNodes();
      const parents = new Set(all.map((n) => n.parentId).filter(Boolean));
      const leaves = all
        .filter((n) => !parents.has(n.id))
        .map((n) => flow.getInternalNode(n.id))
        .filter((n) => n !== undefined);
      if (leaves.length === 0) return;
      const first = leaves.reduce((a, b) =>
        b.internals.positionAbsolute.x < a.internals.positionAbsolute.x ? b : a,
      );
      const start = first.internals.positionAbsolute;
      const paneWidth = flowPane.current?.clientWidth ?? 800;
      await flow.setCenter(
        start.x - 40 + paneWidth / 2 / READABLE_ZOOM,
        start.y + (first.measured.height ?? 0) / 2,
        { zoom: READABLE_ZOOM },
      );
    }, 60);
  }, [layout, graph, path, view, flow]);

  // ---------------------------------------------------------------- selection sync
  const reveal = useCallback(
    (n: SchematicNode) => {
      const editor = editorRef.current;
      const model = editor?.getModel();
      if (!editor || !model || !doc || model !== doc.model || !n.span || !n.nameSpan) return;
      const len = model.getValueLength();
      if (n.span.end > len) return;
      const s = model.getPositionAt(n.nameSpan.start);
      const e = model.getPositionAt(n.nameSpan.end);
      const ds = model.getPositionAt(n.span.start);
      const de = model.getPositionAt(n.span.end);
      editor.setSelection(new monaco.Range(s.lineNumber, s.column, e.lineNumber, e.column));
      editor.revealRangeInCenterIfOutsideViewport(new monaco.Range(ds.lineNumber, 1, de.lineNumber, 1));
      decorations.current?.clear();
      decorations.current = editor.createDecorationsCollection([
        {
          range: new monaco.Range(ds.lineNumber, 1, de.lineNumber, 1),
          options: { isWholeLine: true, className: 'schematic-highlight' },
        },
      ]);
    },
    [doc, editorRef],
  );

  const graphForCursor = useRef(graph);
  graphForCursor.current = graph;
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const sub = editor.onDidChangeCursorPosition((e) => {
      const model = editor.getModel();
      const g = graphForCursor.current;
      if (!model || !g || e.source === 'api') return;
      const n = nodeAtOffset(g, model.getOffsetAt(e.position));
      decorations.current?.clear();
      if (n) setSelected(n.id);
    });
    return () => sub.dispose();
  }, [editorRef]);

  // ---------------------------------------------------------------- edits
  const applyText = useCallback(
    (edit: TextEdit): boolean => {
      const editor = editorRef.current;
      if (!editor || !doc || editor.getModel() !== doc.model) return false;
      const text = doc.model.getValue();
      const checked = validateEdit(doc.path, text, edit, models.current.get(doc.path)?.readFile);
      if (!checked.ok) {
        setError(checked.message ?? 'the checker refused the edit');
        return false;
      }
      const m = doc.model;
      const s = m.getPositionAt(edit.offset);
      const e = m.getPositionAt(edit.offset + edit.length);
      editor.pushUndoStop();
      editor.executeEdits('schematic', [
        { range: new monaco.Range(s.lineNumber, s.column, e.lineNumber, e.column), text: edit.newText },
      ]);
      editor.pushUndoStop();
      setError(null);
      // Show the result at once (the debounced update would follow anyway).
      const model = models.current.get(doc.path);
      if (model) setState(model.update(m.getValue(), view));
      return true;
    },
    [doc, editorRef, view],
  );

  const run = (result: EditResult, select?: string) => {
    if (!result.ok) {
      setError(result.message);
      return;
    }
    if (applyText(result.edit) && select) setSelected(select);
  };

  const byId = useMemo(() => new Map((graph?.nodes ?? []).map((n) => [n.id, n])), [graph]);

  // Dragging the device/neuron end of a "uses" edge onto another device or neuron rewrites the
  // block's reference (`device = a` -> `device = b`), one undoable text edit.
  const onReconnect = (old: Edge, next: Connection) => {
    const from = byId.get(old.source);
    const to = next.source ? byId.get(next.source) : undefined;
    const block = byId.get(old.target);
    if (!from || !to || !block || next.target !== old.target || from.id === to.id) return;
    if (to.kind !== from.kind) {
      setError(`a ${from.kind} edge can only be reconnected to another ${from.kind}`);
      return;
    }
    run(retargetReferenceEdit(text, block.path, from.label, to.label), block.id);
  };
  const selectedNode = selected ? (byId.get(selected) ?? null) : null;
  const text = doc && !doc.model.isDisposed() ? doc.model.getValue() : '';

  const containerOf = (kind: 'chip' | 'network'): string | null => {
    const prefix = `${kind}:`;
    let n = selectedNode;
    while (n && !n.id.startsWith(prefix)) n = n.parent ? (byId.get(n.parent) ?? null) : null;
    if (n) return n.path[0] ?? null;
    return graph?.nodes.find((x) => x.kind === kind)?.label ?? null;
  };

  const addTile = () => {
    const chip = containerOf('chip');
    if (!chip) return setError('Add a chip first: a tile lives in a chip.');
    const name = freshName(text, 'xbar');
    run(addTileEdit(text, chip, { name }), tileId(chip, name));
  };
  const addLayer = () => {
    const net = containerOf('network');
    if (!net) return setError('Add a network first: a layer lives in a network.');
    const name = freshName(text, 'fc');
    run(addLayerEdit(text, net, { name }), layerId(net, name));
  };
  const addDevice = () => {
    const name = freshName(text, 'dev');
    run(addDeviceEdit(text, { name }), deviceId(name));
  };
  const addTop = (kw: 'chip' | 'network') => {
    const name = freshName(text, kw);
    if (kw === 'chip') setView('chip');
    else setView('network');
    run(addTopLevelEdit(text, kw, name), kw === 'chip' ? chipId(name) : networkId(name));
  };
  const remove = (n: SchematicNode) => {
    if (!n.path.length) return;
    const r = deleteDeclEdit(text, n.path);
    if (!r.ok) setError(r.message);
    else if (applyText(r.edit)) setSelected(null);
  };

  // ---------------------------------------------------------------- drag -> sidecar
  const saveTimer = useRef<number | null>(null);
  const persist = useCallback(
    (next: LayoutFile) => {
      if (!path) return;
      if (saveTimer.current !== null) window.clearTimeout(saveTimer.current);
      saveTimer.current = window.setTimeout(() => {
        engine
          .call('file.write', { path: `${path}.layout.json`, text: `${JSON.stringify(next, null, 2)}\n` })
          .catch((err) => console.error('saving the schematic layout failed', err));
      }, 400);
    },
    [engine, path],
  );
  const onNodesChange = useCallback((changes: NodeChange<Node<BlockData>>[]) => {
    setNodes((ns) => applyNodeChanges(changes, ns));
  }, []);
  const onNodeDragStop = useCallback(
    (_: unknown, node: Node) => {
      setSaved((prev) => {
        const next: LayoutFile = {
          version: 1,
          views: {
            ...prev.views,
            [view]: { ...(prev.views[view] ?? {}), [node.id]: { x: node.position.x, y: node.position.y } },
          },
        };
        persist(next);
        return next;
      });
    },
    [view, persist],
  );

  // ---------------------------------------------------------------- export
  const boxes = (): Map<string, Box> => {
    const rel = new Map(nodes.map((n) => [n.id, n]));
    const abs = new Map<string, Box>();
    const place = (id: string): Box | null => {
      const hit = abs.get(id);
      if (hit) return hit;
      const n = rel.get(id);
      if (!n) return null;
      const parent = n.parentId ? place(n.parentId) : null;
      const b = {
        x: n.position.x + (parent?.x ?? 0),
        y: n.position.y + (parent?.y ?? 0),
        width: n.measured?.width ?? n.width ?? 236,
        height: n.measured?.height ?? n.height ?? 60,
      };
      abs.set(id, b);
      return b;
    };
    for (const n of nodes) if (!n.hidden) place(n.id);
    return abs;
  };
  const exportName = `${(path ?? 'schematic')
    .split('/')
    .at(-1)
    ?.replace(/\.nfab$/, '')}-${view}`;

  if (!doc) {
    return (
      <section className="schematic" data-testid="schematic">
        <div className="sch-empty">Open a .nfab file to see its schematic.</div>
      </section>
    );
  }

  return (
    <section className="schematic" data-testid="schematic" data-view={view}>
      <div className="sch-toolbar" role="toolbar" aria-label="Schematic">
        <button
          type="button"
          aria-pressed={view === 'chip'}
          data-testid="schematic-view-chip"
          onClick={() => setView('chip')}
        >
          Chip
        </button>
        <button
          type="button"
          aria-pressed={view === 'network'}
          data-testid="schematic-view-network"
          onClick={() => setView('network')}
        >
          Network
        </button>
        <span className="sep" />
        <button type="button" data-testid="palette-device" title="Add a device" onClick={addDevice}>
          + Device
        </button>
        <button
          type="button"
          data-testid="palette-tile"
          title="Add a crossbar tile to the selected chip"
          onClick={addTile}
        >
          + Tile
        </button>
        <button
          type="button"
          data-testid="palette-layer"
          title="Add a dense layer to the selected network"
          onClick={addLayer}
        >
          + Layer
        </button>
        <button type="button" data-testid="palette-chip" title="Add a chip" onClick={() => addTop('chip')}>
          + Chip
        </button>
        <button
          type="button"
          data-testid="palette-network"
          title="Add a network"
          onClick={() => addTop('network')}
        >
          + Network
        </button>
        <span className="sep" />
        <button
          type="button"
          data-testid="export-svg"
          onClick={() => graph && exportSvg(exportName, graph, boxes())}
        >
          SVG
        </button>
        <button
          type="button"
          data-testid="export-png"
          onClick={() =>
            graph && void exportPng(exportName, graph, boxes()).catch((e) => setError(String(e)))
          }
        >
          PNG
        </button>
      </div>
      <div className="sch-body">
        <div
          className={`sch-flow ${state?.stale ? 'stale' : ''}`}
          data-testid="schematic-flow"
          data-stale={state?.stale ? 'true' : 'false'}
        >
          {state?.stale && (
            <div className="sch-stale" data-testid="schematic-stale">
              Last valid diagram — the text has {state.errorCount} error{state.errorCount === 1 ? '' : 's'}
            </div>
          )}
          {graph && graph.nodes.length === 0 && (
            <div className="sch-empty">Nothing to show in this view yet: use the palette to add one.</div>
          )}
          <ReactFlow
            ref={flowPane}
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onNodeDragStop={onNodeDragStop}
            onReconnect={onReconnect}
            onNodeClick={(_, node) => {
              setSelected(node.id);
              setError(null);
              const n = byId.get(node.id);
              if (n) reveal(n);
            }}
            onPaneClick={() => setSelected(null)}
            deleteKeyCode={null}
            nodesConnectable={false}
            minZoom={0.05}
            maxZoom={2}
            onlyRenderVisibleElements
            proOptions={{ hideAttribution: true }}
            colorMode="dark"
          >
            <Background gap={20} size={1} color="#2a2f3a" />
            <Controls showInteractive={false} />
            {nodes.length > 30 && (
              <MiniMap pannable zoomable style={{ background: '#151820' }} nodeColor="#3b4560" />
            )}
          </ReactFlow>
        </div>
        <Inspector
          text={text}
          node={selectedNode}
          problems={selectedNode ? (problems?.get(selectedNode.id) ?? []) : []}
          error={error}
          onSet={(n, field, value) => run(setFieldEdit(text, n.path, field, value))}
          onDelete={remove}
        />
      </div>
    </section>
  );
}
