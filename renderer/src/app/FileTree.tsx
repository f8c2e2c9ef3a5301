// The project's files as a tree (folders first). .nfab files open in the editor; other text
// files open as plain text.
import { useMemo, useState } from 'react';
import type { FileEntry } from '../../../engine/protocol/schema';
import { useDocuments } from './studio-context';

interface TreeNode {
  name: string;
  path: string;
  kind: 'file' | 'dir';
  children: TreeNode[];
}

function buildTree(files: FileEntry[]): TreeNode[] {
  const root: TreeNode = { name: '', path: '', kind: 'dir', children: [] };
  const dirs = new Map<string, TreeNode>([['', root]]);
  const dirOf = (path: string): TreeNode => {
    const existing = dirs.get(path);
    if (existing) return existing;
    const cut = path.lastIndexOf('/');
    const parent = dirOf(cut < 0 ? '' : path.slice(0, cut));
    const node: TreeNode = { name: path.slice(cut + 1), path, kind: 'dir', children: [] };
    parent.children.push(node);
    dirs.set(path, node);
    return node;
  };
  for (const f of files) {
    if (f.kind === 'dir') {
      dirOf(f.path);
      continue;
    }
    const cut = f.path.lastIndexOf('/');
    dirOf(cut < 0 ? '' : f.path.slice(0, cut)).children.push({
      name: f.path.slice(cut + 1),
      path: f.path,
      kind: 'file',
      children: [],
    });
  }
  const sort = (node: TreeNode) => {
    node.children.sort((a, b) =>
      a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1,
    );
    for (const c of node.children) sort(c);
  };
  sort(root);
  return root.children;
}

interface Props {
  files: FileEntry[];
  onOpen: (path: string) => void;
}

export function FileTree({ files, onOpen }: Props) {
  const tree = useMemo(() => buildTree(files), [files]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const { tabs, active } = useDocuments();
  const dirty = new Set(tabs.filter((t) => t.dirty).map((t) => t.path));

  const toggle = (path: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  const render = (nodes: TreeNode[], depth: number) =>
    nodes.map((node) => {
      const pad = { paddingLeft: `${8 + depth * 12}px` };
      if (node.kind === 'dir') {
        const open = !collapsed.has(node.path);
        return (
          <li key={node.path}>
            <button
              type="button"
              className="tree-row dir"
              style={pad}
              onClick={() => toggle(node.path)}
              aria-expanded={open}
            >
              <span className={`chevron ${open ? 'open' : ''}`} aria-hidden="true" />
              <span className="tree-label">{node.name}</span>
            </button>
            {open && <ul>{render(node.children, depth + 1)}</ul>}
          </li>
        );
      }
      const ext = node.name.includes('.') ? node.name.slice(node.name.lastIndexOf('.') + 1) : '';
      return (
        <li key={node.path}>
          <button
            type="button"
            className={`tree-row file ${active?.path === node.path ? 'active' : ''}`}
            style={pad}
            data-testid="file-tree-item"
            data-path={node.path}
            onClick={() => onOpen(node.path)}
            title={node.path}
          >
            <span className="chevron-space" aria-hidden="true" />
            <span className={`file-icon ${ext}`} aria-hidden="true" />
            <span className="tree-label">{node.name}</span>
            {dirty.has(node.path) && <span className="tree-dirty">●</span>}
          </button>
        </li>
      );
    });

  if (tree.length === 0) return <div className="empty-note">This project has no files yet.</div>;
  return (
    <ul className="tree" data-testid="file-tree">
      {render(tree, 0)}
    </ul>
  );
}
