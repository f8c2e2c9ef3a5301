// The per-step kernels of the recurrent LIF network (engine/snn/recurrent.ts): `update` (every
// neuron: drive, exact integration, threshold, reset, refractory) and `propagate` (the spiking
// neurons' CSR rows into the next step's input). Two implementations with the same arithmetic in
// the same order, hence the same spikes bit for bit:
//  - WebAssembly SIMD (engine/snn/wasm/recurrent.wat): four neurons per iteration, four
//    xoshiro128** streams in the i32x4 lanes, membranes in f64x2;
//  - plain JavaScript (no SIMD, or NEUROFAB_KERNELS=js): the same four streams, unrolled.
// Neuron i draws from lane i mod 4; every neuron (refractory or not) takes one draw per step. The
// population is padded to a multiple of 4 with neurons that stay refractory forever.
import type { WasmMemory, WasmModule } from '../sim/wasm/runtime';
import { wasmDisabled } from '../sim/wasm/runtime';
import { RECURRENT_WASM_BASE64 } from './wasm/recurrent-wasm.generated';

/** Bits of a draw that index the drive table (must match the shift 22 in recurrent.wat). */
export const DRIVE_BITS = 10;
const DRIVE_SHIFT = 32 - DRIVE_BITS;
/** Refractory counter of the padding neurons: never integrate, never fire (2^30 steps). */
const PAD_REFRACTORY = 2 ** 30;

/** Per-step constants of the update. */
export interface UpdateConstants {
  /** exp(-dt / tau_mem). */
  beta: number;
  vTh: number;
  vReset: number;
  /** Steps a neuron drops its input after a spike (>= 1, see recurrent.ts). */
  refSteps: number;
  /** Weight of one external input spike (V). */
  wIn: number;
  /** driveCdf: 32-bit thresholds of the count of external spikes per step, ending with 2^33. */
  cdf: Float64Array;
}

/** The state one kernel works on (views into WASM memory, or plain typed arrays). */
export interface RecurrentKernel {
  readonly name: 'wasm-simd' | 'js';
  /** Neurons padded to a multiple of 4. */
  readonly n4: number;
  readonly v: Float64Array;
  readonly input: Float64Array;
  readonly refractory: Int32Array;
  /** Ids that fired in the last update, ascending, in [0, fired). */
  readonly spiking: Int32Array;
  /** One step of every neuron; returns how many fired. */
  update(): number;
  /** Pushes the rows of the `fired` neurons of `spiking` into `input`; returns the events. */
  propagate(fired: number): number;
}

/** The drive k wIn for each bucket of 2^(32 - DRIVE_BITS) draws, or -1 if the CDF steps inside it. */
export function driveTable(cdf: Float64Array, wIn: number): Float64Array {
  const table = new Float64Array(1 << DRIVE_BITS);
  const width = 2 ** DRIVE_SHIFT;
  let k = 0;
  for (let b = 0; b < table.length; b++) {
    const lo = b * width;
    const hi = lo + width - 1; // the bucket's largest draw
    while (lo >= cdf[k]!) k++;
    table[b] = hi < cdf[k]! ? k * wIn : -1;
  }
  return table;
}

interface KernelInput {
  n: number;
  rowStart: Int32Array;
  target: Int32Array;
  weight: Float32Array;
  consts: UpdateConstants;
  /** xoshiro128** states of the four lanes: rngLanes[4 L + w] is word w of lane L (Rng.saveState). */
  rngLanes: Int32Array;
  initialV?: ArrayLike<number>;
}

/** The WebAssembly SIMD kernel when this engine has SIMD and it is not disabled, else JavaScript. */
export function createRecurrentKernel(input: KernelInput, prefer: 'wasm' | 'js' = 'wasm'): RecurrentKernel {
  if (prefer === 'wasm' && !wasmDisabled()) {
    const mod = wasmModule();
    if (mod) return wasmKernel(mod, input);
  }
  return jsKernel(input);
}

// ---- JavaScript ---------------------------------------------------------------------------

function jsKernel(inp: KernelInput): RecurrentKernel {
  const { n, rowStart, target, weight, consts } = inp;
  const n4 = Math.ceil(n / 4) * 4;
  const v = new Float64Array(n4);
  if (inp.initialV) v.set(Array.from(inp.initialV).slice(0, n));
  const input = new Float64Array(n4);
  const refractory = new Int32Array(n4).fill(PAD_REFRACTORY, n);
  const spiking = new Int32Array(n4);
  const rng = Int32Array.from(inp.rngLanes);
  const table = driveTable(consts.cdf, consts.wIn);
  // Constants in a Float64Array, read where used: a loop-invariant double from an object field
  // assigned into the membrane variable made TurboFan box it on every spike.
  const k64 = Float64Array.of(consts.beta, consts.vTh, consts.vReset, consts.wIn);
  const cdf = consts.cdf;
  const refSteps = consts.refSteps | 0;
  return {
    name: 'js',
    n4,
    v,
    input,
    refractory,
    spiking,
    update: () => jsUpdate(n4, v, input, refractory, spiking, rng, table, cdf, k64, refSteps),
    propagate: (fired) => jsPropagate(spiking, fired, rowStart, target, weight, input),
  };
}

function jsUpdate(
  n4: number,
  v: Float64Array,
  input: Float64Array,
  refractory: Int32Array,
  spiking: Int32Array,
  rng: Int32Array,
  table: Float64Array,
  cdf: Float64Array,
  k64: Float64Array,
  refSteps: number,
): number {
  const beta = k64[0]!;
  const vTh = k64[1]!;
  const wIn = k64[3]!;
  let fired = 0;
  for (let i = 0; i < n4; i++) {
    // Lane i mod 4 of the xoshiro128** streams (state word w of lane L at rng[4 L + w]).
    const at = (i & 3) << 2;
    const s0 = rng[at]!;
    const s1 = rng[at + 1]!;
    const s2 = rng[at + 2]! ^ s0;
    const s3 = rng[at + 3]! ^ s1;
    const m = Math.imul(s1, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    rng[at] = s0 ^ s3;
    rng[at + 1] = s1 ^ s2;
    rng[at + 2] = s2 ^ (s1 << 9);
    rng[at + 3] = (s3 << 11) | (s3 >>> 21);
    const r = refractory[i]!;
    const vi = v[i]!;
    let x = vi;
    if (r > 1) {
      // Refractory: input dropped, membrane held.
      refractory[i] = r - 1;
    } else {
      if (r === 1) {
        // Last refractory step: this step's input is dropped, the membrane integrates again.
        refractory[i] = 0;
        x = beta * vi;
      } else {
        let drive = table[u >>> DRIVE_SHIFT]!;
        if (drive < 0) {
          let k = 0;
          while (u >= cdf[k]!) k++;
          drive = k * wIn;
        }
        x = beta * (vi + input[i]! + drive);
      }
      if (x > vTh) {
        x = k64[2]!;
        refractory[i] = refSteps;
        spiking[fired++] = i;
      }
    }
    v[i] = x;
    input[i] = 0;
  }
  return fired;
}

function jsPropagate(
  spiking: Int32Array,
  fired: number,
  rowStart: Int32Array,
  target: Int32Array,
  weight: Float32Array,
  input: Float64Array,
): number {
  let events = 0;
  for (let f = 0; f < fired; f++) {
    const i = spiking[f]!;
    const start = rowStart[i]!;
    const end = rowStart[i + 1]!;
    for (let k = start; k < end; k++) input[target[k]!]! += weight[k]!;
    events += end - start;
  }
  return events;
}

// ---- WebAssembly SIMD -----------------------------------------------------------------------

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number }) => WasmMemory;
  Instance: new (m: WasmModule, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface RecurrentExports {
  update(
    n4: number,
    pV: number,
    pIn: number,
    pRef: number,
    pRng: number,
    pTab: number,
    pCdf: number,
    pSpk: number,
    beta: number,
    vTh: number,
    vReset: number,
    refSteps: number,
    wIn: number,
  ): number;
  propagate(fired: number, pSpk: number, pRow: number, pTgt: number, pW: number, pIn: number): number;
}

let cachedModule: WasmModule | null | undefined;
function wasmModule(): WasmModule | null {
  if (cachedModule !== undefined) return cachedModule;
  try {
    const bytes = new Uint8Array(Buffer.from(RECURRENT_WASM_BASE64, 'base64'));
    cachedModule = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
  } catch {
    cachedModule = null;
  }
  return cachedModule;
}

function wasmKernel(mod: WasmModule, inp: KernelInput): RecurrentKernel {
  const api = wasmApi!;
  const { n, rowStart, target, weight, consts } = inp;
  const n4 = Math.ceil(n / 4) * 4;
  const table = driveTable(consts.cdf, consts.wIn);
  // Layout, 16-byte aligned: v, input (f64), refractory, spiking (i32), rng (4 x i32x4), table,
  // cdf (f64), rowStart, target (i32), weight (f32).
  let top = 0;
  const place = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const pV = place(8 * n4);
  const pIn = place(8 * n4);
  const pRef = place(4 * n4);
  const pSpk = place(4 * n4);
  const pRng = place(64);
  const pTab = place(8 * table.length);
  const pCdf = place(8 * consts.cdf.length);
  const pRow = place(4 * rowStart.length);
  const pTgt = place(4 * target.length);
  const pW = place(4 * weight.length);
  const memory = new api.Memory({ initial: Math.max(1, Math.ceil(top / 65536)) });
  const buf = memory.buffer as ArrayBuffer;
  const v = new Float64Array(buf, pV, n4);
  if (inp.initialV) v.set(Array.from(inp.initialV).slice(0, n));
  const input = new Float64Array(buf, pIn, n4);
  const refractory = new Int32Array(buf, pRef, n4);
  refractory.fill(PAD_REFRACTORY, n);
  const spiking = new Int32Array(buf, pSpk, n4);
  // rngLanes is lane-major (4 L + w); the kernel wants word-major vectors (16 w + 4 L bytes).
  const rng = new Int32Array(buf, pRng, 16);
  for (let lane = 0; lane < 4; lane++) {
    for (let w = 0; w < 4; w++) rng[4 * w + lane] = inp.rngLanes[4 * lane + w]!;
  }
  new Float64Array(buf, pTab, table.length).set(table);
  new Float64Array(buf, pCdf, consts.cdf.length).set(consts.cdf);
  new Int32Array(buf, pRow, rowStart.length).set(rowStart);
  new Int32Array(buf, pTgt, target.length).set(target);
  new Float32Array(buf, pW, weight.length).set(weight);
  const k = new api.Instance(mod, { env: { memory } }).exports as RecurrentExports;
  const { beta, vTh, vReset, refSteps, wIn } = consts;
  return {
    name: 'wasm-simd',
    n4,
    v,
    input,
    refractory,
    spiking,
    update: () => k.update(n4, pV, pIn, pRef, pRng, pTab, pCdf, pSpk, beta, vTh, vReset, refSteps, wIn),
    propagate: (fired) => k.propagate(fired, pSpk, pRow, pTgt, pW, pIn),
  };
}
