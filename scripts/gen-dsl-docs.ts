// Writes the generated reference section of docs/dsl.md (between the GENERATED REFERENCE
// markers) from engine/dsl/docs.ts. Run: npx tsx scripts/gen-dsl-docs.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spliceReference } from '../engine/dsl/docs';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'dsl.md');
const before = readFileSync(file, 'utf8');
const after = spliceReference(before);
if (after !== before) {
  writeFileSync(file, after);
  console.log('docs/dsl.md: reference section updated');
} else console.log('docs/dsl.md: reference section up to date');
