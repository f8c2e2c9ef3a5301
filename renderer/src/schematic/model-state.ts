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

  constructor(private readonly path: string) {}

  update(text: string, view: SchematicView): SchematicState {
    const result = checkDocument(this.path, text);
    const file = parse(text).file;
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
