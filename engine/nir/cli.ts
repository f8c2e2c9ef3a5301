// `neurofab nir export|import`: NIR exchange from the command line. Exit codes as the CLI
// contract (ARCHITECTURE.md, engine/cli/main.ts): 0 success, 1 the input has errors (a .nfab that
// does not check, a file that is not NIR, a graph we cannot map), 2 bad usage.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkDocument, formatDiagnostic } from '../dsl';
import { DISCRETISATIONS, type Discretisation } from './discretise';
import { exportNir } from './export';
import { NirFormatError } from './graph';
import { readNirFile, writeNirFile } from './hdf5';
import { importNir } from './import';
import { weightsFromJson, weightsToJson } from './weights';

export const NIR_USAGE = `Usage:
  neurofab nir export FILE.nfab [--network NAME] [--out F.nir] [--weights W.weights.json]
                                [--dt 1ms] [--discretisation exact|euler] [--seed N]
      write the network as a NIR graph (HDF5); without --weights, the deterministic initial weights
  neurofab nir import FILE.nir [--out F.nfab] [--network NAME] [--dt 1ms] [--discretisation exact|euler]
      write a .nfab (checked) and its weights F.weights.json from a NIR graph
NIR primitives mapped: Input, Affine, Linear, LIF, CubaLIF, Output (see docs/nir.md).`;

class NirUsageError extends Error {}

function usage(message: string): number {
  console.error(`neurofab: ${message}\n\n${NIR_USAGE}`);
  return 2;
}

/** `1ms`, `100us`, `0.001` (seconds) -> seconds. */
function parseDt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(s|ms|us|µs)?$/.exec(text.trim());
  const scale = { s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6 } as const;
  const v = m ? Number(m[1]) * scale[(m[2] ?? 's') as keyof typeof scale] : Number.NaN;
  if (!(v > 0))
    throw new NirUsageError(`--dt must be a positive time such as 1ms, 100us or 0.001, got "${text}".`);
  return v;
}

function parseHow(text: string | undefined): Discretisation | undefined {
  if (text === undefined) return undefined;
  if (!(DISCRETISATIONS as readonly string[]).includes(text)) {
    throw new NirUsageError(`--discretisation takes ${DISCRETISATIONS.join(' or ')}, got "${text}".`);
  }
  return text as Discretisation;
}

function existingFile(file: string, what: string): void {
  if (!fs.existsSync(file)) throw new NirUsageError(`${file}: no such file.`);
  if (fs.statSync(file).isDirectory()) throw new NirUsageError(`${file} is a folder; give ${what}.`);
}

const stem = (file: string, ext: string) => file.replace(new RegExp(`\\${ext}$`, 'i'), '');

async function cmdExport(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      network: { type: 'string' },
      out: { type: 'string' },
      weights: { type: 'string' },
      dt: { type: 'string' },
      discretisation: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new NirUsageError('nir export needs exactly one .nfab FILE.');
  existingFile(file, 'a .nfab file');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) {
    throw new NirUsageError(`--seed must be a non-negative integer, got "${values.seed}".`);
  }
  const dt = parseDt(values.dt);
  const discretisation = parseHow(values.discretisation);
  const dir = path.dirname(path.resolve(file));
  const check = checkDocument(file, fs.readFileSync(file, 'utf8'), {
    readFile: (p) => {
      const abs = path.resolve(dir, p);
      return abs.startsWith(dir) && fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : null;
    },
  });
  if (check.hasErrors) {
    for (const d of check.diagnostics) if (d.severity === 'error') console.error(formatDiagnostic(d));
    console.error(`${file} has errors; nothing exported.`);
    return 1;
  }
  let weights: ReturnType<typeof weightsFromJson> | undefined;
  if (values.weights) {
    existingFile(values.weights, 'a .weights.json file');
    weights = weightsFromJson(fs.readFileSync(values.weights, 'utf8'), values.weights);
  }
  const result = exportNir(check.model, { network: values.network, dt, discretisation, weights, seed });
  const out = values.out ?? `${stem(file, '.nfab')}.nir`;
  await writeNirFile(out, result.graph);
  for (const w of result.warnings) console.error(`warning: ${w}`);
  const kinds = result.graph.nodes.map((n) => `${n.name}:${n.type}`).join(' -> ');
  console.log(`${out}: NIR ${result.graph.version}, network ${result.weights.network}: ${kinds}`);
  console.log(
    `dt ${result.weights.dt} s (${result.weights.discretisation}); weights: ${
      weights ? values.weights : `deterministic initial weights (seed ${result.seed})`
    }`,
  );
  return 0;
}

async function cmdImport(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      network: { type: 'string' },
      dt: { type: 'string' },
      discretisation: { type: 'string' },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new NirUsageError('nir import needs exactly one .nir FILE.');
  existingFile(file, 'a .nir file');
  const dt = parseDt(values.dt);
  const discretisation = parseHow(values.discretisation);
  if (values.network !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values.network)) {
    throw new NirUsageError(`--network must be a name (letters, digits, _), got "${values.network}".`);
  }
  const out = values.out ?? `${stem(file, '.nir')}.nfab`;
  const weightsOut = `${stem(out, '.nfab')}.weights.json`;
  const graph = await readNirFile(file);
  const result = importNir(graph, {
    dt,
    discretisation,
    network: values.network,
    source: path.basename(file),
    weightsFile: path.basename(weightsOut),
  });
  const check = checkDocument(out, result.text);
  fs.writeFileSync(out, result.text);
  fs.writeFileSync(weightsOut, weightsToJson(result.weights));
  for (const w of result.warnings) console.error(`warning: ${w}`);
  for (const d of check.diagnostics) if (d.severity !== 'info') console.error(formatDiagnostic(d));
  console.log(
    `${out}: network ${result.weights.network}, input ${result.inputSize}, layers ${result.layers
      .map((l) => `${l.name} (${l.kind}${l.neuron ? ` ${l.neuron.kind}` : ''} ${l.weights.units})`)
      .join(', ')}`,
  );
  console.log(`${weightsOut}: weights (units x inputs, row-major)`);
  return check.hasErrors ? 1 : 0;
}

/** `neurofab nir ...`; returns the exit code. */
export async function cmdNir(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'export') return await cmdExport(rest);
    if (sub === 'import') return await cmdImport(rest);
    if (sub === undefined || sub === '--help' || sub === '-h') {
      console.log(NIR_USAGE);
      return sub === undefined ? 2 : 0;
    }
    return usage(`unknown nir command "${sub}"; use export or import.`);
  } catch (err) {
    if (err instanceof NirUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      return usage((err as Error).message);
    }
    if (err instanceof NirFormatError) {
      // Messages about the file name it already; graph problems get the file in front.
      const file = rest.find((a) => !a.startsWith('--')) ?? '';
      console.error(`neurofab: ${err.message.includes(file) ? '' : `${file}: `}${err.message}`);
      return 1;
    }
    if (err instanceof RangeError) {
      console.error(`neurofab: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
