// The diagram's node components: a block (tile, core, device, layer, ...) and a group (chip,
// network) with a collapse toggle. Everything they show comes from the node's data.
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import type { NodeProblem, SchematicNode } from '../../../engine/dsl/schematic/graph';
import { NODE_COLOURS } from '../../../engine/dsl/schematic/svg';

export type BlockData = {
  node: SchematicNode;
  problems: NodeProblem[];
  collapsed?: boolean;
  childCount?: number;
  onToggle?: (id: string) => void;
};

export type BlockNodeType = Node<BlockData, 'block'>;
export type GroupNodeType = Node<BlockData, 'container'>;

function problemLine(problems: NodeProblem[]) {
  const first =
    problems.find((p) => p.severity === 'error') ?? problems.find((p) => p.severity === 'warning');
  if (!first) return null;
  return (
    <div
      className={`sch-problem ${first.severity}`}
      data-testid="schematic-node-problem"
      title={problems.map((p) => p.message).join('\n')}
    >
      {first.severity === 'error' ? '✖' : '⚠'} {first.message}
    </div>
  );
}

export function BlockNode({ data, selected }: NodeProps<BlockNodeType>) {
  const n = data.node;
  const colour = NODE_COLOURS[n.kind] ?? '#88c0d0';
  const hasError = data.problems.some((p) => p.severity === 'error');
  return (
    <div
      className={`sch-block ${selected ? 'selected' : ''} ${hasError ? 'has-error' : ''}`}
      style={{ borderLeftColor: colour }}
      data-testid="schematic-node"
      data-id={n.id}
      data-kind={n.kind}
      data-selected={selected ? 'true' : 'false'}
      title={`${n.kind} ${n.label} (${n.type})`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="sch-title">
        <span className="sch-label">{n.label}</span>
        <span className="sch-type">{n.type}</span>
      </div>
      {n.figures.map((f) => (
        <div key={f} className="sch-figure">
          {f}
        </div>
      ))}
      {problemLine(data.problems)}
      {/* Devices and neurons accept the end of a dragged "uses" edge (reconnect). */}
      <Handle
        type="source"
        position={Position.Right}
        isConnectable={n.kind === 'device' || n.kind === 'neuron'}
      />
      <Handle id="map-out" type="source" position={Position.Bottom} isConnectable={false} />
      <Handle id="map-in" type="target" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

export function GroupNode({ data, selected }: NodeProps<GroupNodeType>) {
  const n = data.node;
  const hasError = data.problems.some((p) => p.severity === 'error');
  return (
    <div
      className={`sch-group ${selected ? 'selected' : ''} ${hasError ? 'has-error' : ''} ${data.collapsed ? 'collapsed' : ''}`}
      data-testid="schematic-node"
      data-id={n.id}
      data-kind={n.kind}
      data-selected={selected ? 'true' : 'false'}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="sch-group-header">
        <button
          type="button"
          className="sch-collapse nodrag"
          aria-label={data.collapsed ? `Expand ${n.label}` : `Collapse ${n.label}`}
          title={data.collapsed ? 'Expand' : 'Collapse'}
          onClick={(e) => {
            e.stopPropagation();
            data.onToggle?.(n.id);
          }}
        >
          {data.collapsed ? '▸' : '▾'}
        </button>
        <span className="sch-group-kind">{n.kind}</span>
        <span className="sch-label">{n.label}</span>
      </div>
      <div className="sch-group-figures">
        {n.figures.join(' · ')}
        {data.collapsed && data.childCount ? ` · ${data.childCount} blocks hidden` : ''}
      </div>
      {problemLine(data.problems)}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

export const NODE_TYPES = { block: BlockNode, container: GroupNode };
