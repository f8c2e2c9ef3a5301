// State shared by the per-declaration checkers: the diagnostics, the declarations by name (all
// of them, even broken ones, so a reference to a broken device does not also report "unknown
// device") and the elaborated entities that came out clean.
import type { Chip, DeviceModel, ElaboratedModel, Network, NeuronModel, SourceRange } from '../ir/model';
import type { Decl, Span } from './ast';
import type { DiagnosticBag } from './diagnostics';
import type { LineMap } from './lines';
import { didYouMean } from './suggest';
import type { RefValue } from './values';

export type DeclKind = 'device' | 'neuron' | 'chip' | 'network' | 'experiment' | 'platform';

export interface CheckContext {
  diags: DiagnosticBag;
  lines: LineMap;
  /** First declaration of each name, per kind. */
  declared: Record<DeclKind, Map<string, Decl>>;
  /** Kinds with a declaration whose name is missing (reported): unknown references to that kind stay quiet. */
  nameless: Set<DeclKind>;
  model: ElaboratedModel;
  /** An import could not be loaded: unknown names may live there, so they are not reported. */
  openImports: boolean;
  /** The file each declaration comes from (for messages across imported files). */
  fileOf: Map<Decl, string>;
}

export function sourceRange(ctx: CheckContext, span: Span): SourceRange {
  return ctx.lines.range(span);
}

interface Resolved {
  device: DeviceModel;
  neuron: NeuronModel;
  chip: Chip;
  network: Network;
}

/**
 * The clean entity a reference names; undefined when it does not exist (reported here, with a
 * suggestion) or exists but did not elaborate (its own errors were reported already).
 */
export function resolve<K extends keyof Resolved>(
  ctx: CheckContext,
  kind: K,
  ref: RefValue,
): Resolved[K] | undefined {
  const pool = (
    kind === 'device'
      ? ctx.model.devices
      : kind === 'neuron'
        ? (ctx.model.neurons ?? [])
        : kind === 'chip'
          ? ctx.model.chips
          : ctx.model.networks
  ) as {
    name: string;
  }[];
  const found = pool.find((e) => e.name === ref.name);
  if (found) return found as Resolved[K];
  const declared = ctx.declared[kind];
  if (declared.has(ref.name) || ctx.nameless.has(kind) || ctx.openImports) return undefined;
  const names = [...declared.keys()];
  const list = names.length > 0 ? ` Declared ${kind}s: ${names.join(', ')}.` : ` No ${kind} is declared.`;
  ctx.diags.error(
    ref.span,
    `unknown ${kind} '${ref.name}'.${didYouMean(ref.name, names)}${list}`,
    'unknown-reference',
  );
  return undefined;
}

/** The declaration's name, or a reported error when it has none. */
export function requireName(ctx: CheckContext, decl: Decl, example: string): string | null {
  if (decl.name) return decl.name.name;
  ctx.diags.error(decl.keyword, `${decl.keyword.name} needs a name: ${example}`, 'syntax');
  return null;
}

/** Reports clauses (`on x`) a declaration does not take. */
export function rejectClauses(ctx: CheckContext, decl: Decl, allowed: readonly string[] = []): void {
  for (const c of decl.clauses) {
    if (!allowed.includes(c.keyword.name)) {
      ctx.diags.error(
        c.keyword,
        `'${c.keyword.name}' is not allowed after ${decl.keyword.name} declarations`,
        'syntax',
      );
    }
  }
}
