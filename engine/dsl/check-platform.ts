// `platform NAME { energy_per_classification = 852uJ  throughput = 125000  accuracy = 99.2%
//   node = 14nm  source = "..." }` -> PlatformModel: reference points for comparison plots.
import type { PlatformModel } from '../ir/model';
import type { Decl } from './ast';
import { type CheckContext, rejectClauses, requireName, sourceRange } from './context';
import { PLATFORM_FIELDS } from './schema';
import { readFields } from './values';

export function checkPlatform(ctx: CheckContext, decl: Decl): PlatformModel | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  const name = requireName(ctx, decl, 'platform NAME { energy_per_classification = 852uJ ... }');
  rejectClauses(ctx, decl);
  if (decl.type) diags.error(decl.type, 'a platform has no kind: write platform NAME { ... }', 'syntax');
  const statements = decl.body?.statements ?? [];
  // `source` is free text, which the generic field reader has no type for.
  let source = '';
  const rest = statements.filter((st) => {
    if (st.kind !== 'field' || st.key.name !== 'source') return true;
    if (st.value?.kind === 'string') source = st.value.value;
    else
      diags.error(
        st.value ?? st.key,
        'source takes a string in quotes: source = "Davies et al. 2018"',
        'type',
      );
    return false;
  });
  const fields = readFields(rest, PLATFORM_FIELDS, diags, {
    owner: `platform '${name ?? '?'}'`,
    ownerSpan: decl.name ?? decl.keyword,
  });
  if (!name || diags.errors > errorsBefore) return null;
  return {
    name,
    energyPerClassification: fields.number('energy_per_classification') ?? 0,
    throughput: fields.number('throughput') ?? 0,
    accuracy: fields.number('accuracy') ?? 0,
    node: fields.number('node') ?? null,
    source,
    range: sourceRange(ctx, decl),
  };
}
