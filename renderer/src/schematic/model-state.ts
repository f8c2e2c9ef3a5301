// The schematic's view of one document: the last graph built from a text without errors (shown
// marked stale while the text has errors), the current parse and the current diagnostics.
import { checkDocument, parse } from '../../../engine/dsl/index';
import {
  buildGraph,
  type NodeProblem,
  problemsByNode,
  type SchematicGraph,
  type SchematicView,
} from '../../../engine/dsl/schematic/graph';
import type { ElaboratedModel } from '../../../engine/ir/model';

export interface SchematicState {
  text: string;
  graph: SchematicGraph;
  /** The text has errors: the graph is the last one built from a text without. */
  stale: boolean;
  errorCount: number;
  problems: Map<string, NodeProblem[]>;
}

export class SchematicModel {
  private lastGood: { model: ElaboratedModel; text: string } | null = null;
  /** Imported files read from the project (null: does not exist), and those being read. */
  private readonly files = new Map<string, string | null>();
  private readonly pending = new Set<string>();

  /**
   * `fetch` reads an imported file from the project; `onLoaded` is called when one arrives, so
   * the owner updates again (imports resolve on the next update, never blocking typing).
   */
  constructor(
    private readonly path: string,
    private readonly fetch: (path: string) => Promise<string | null>,
    private readonly onLoaded: () => void,
  ) {}

  /** A synchronous ReadFile over the files read so far; asks for the others. */
  readonly readFile = (p: string): string | null => {
    if (this.files.has(p)) return this.files.get(p) ?? null;
    if (!this.pending.has(p)) {
      this.pending.add(p);
      void this.fetch(p).then((text) => {
        this.pending.delete(p);
        this.files.set(p, text);
        this.onLoaded();
      });
    }
    return null;
  };

  /** Whether imported files are still being read (their errors are not final yet). */
  get loading(): boolean {
    return this.pending.size > 0;
  }

  update(text: string, view: SchematicView): SchematicState {
    const result = checkDocument(this.path, text, { readFile: this.readFile });
    const file = parse(text).file;
    if (this.loading && this.lastGood === null && result.hasErrors) {
      // Imports are on their way: show nothing rather than a diagram full of missing devices.
      return {
        text,
        graph: { view, nodes: [], edges: [] },
        stale: false,
        errorCount: 0,
        problems: new Map(),
      };
    }
    if (!result.hasErrors || !this.lastGood) this.lastGood = { model: result.model, text };
    const stale = result.hasErrors;
    const source = this.lastGood;
    // Spans come from the text the graph was built from; a stale graph keeps the old ones.
    const graph = buildGraph(view, source.model, {
      file: stale ? parse(source.text).file : file,
      fileName: this.path,
    });
    return {
      text,
      graph,
      stale,
      errorCount: result.diagnostics.filter((d) => d.severity === 'error').length,
      problems: problemsByNode(
        graph,
        file,
        result.diagnostics.filter((d) => d.severity !== 'info'),
      ),
    };
  }
}
