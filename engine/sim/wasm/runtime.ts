// The WebAssembly side of the kernels: one compiled module, one shared memory, and the bookkeeping
// of where operands live in that memory. Memory layout (byte offsets):
//   [0, SCRATCH_BASE)                       reserved
//   [SCRATCH_BASE + t·SCRATCH_BYTES, …)      thread t's scratch: edge tile + packed panels of B
//   [heapBase, heapTop)                      alloc(): long-lived arrays handed out as views
//   [heapTop, …)                             staging: operands copied in for one call only
// The memory is shared (SharedArrayBuffer-backed), so growing it never detaches a view handed out
// earlier, and worker threads of the kernel pool see the same bytes.
import { KERNELS_WASM_BASE64 } from './kernels-wasm.generated';

export interface KernelExports {
  gemm_core(
    M: number,
    N: number,
    K: number,
    a: number,
    sar: number,
    saq: number,
    b: number,
    sq: number,
    sj: number,
    c: number,
    ldc: number,
    acc: number,
    scratch: number,
  ): void;
  gemm_rows(
    M: number,
    N: number,
    K: number,
    a: number,
    sar: number,
    saq: number,
    b: number,
    sq: number,
    c: number,
    ldc: number,
    acc: number,
  ): void;
  gemm_dots(
    M: number,
    N: number,
    K: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    acc: number,
  ): void;
  sgd_momentum(w: number, g: number, v: number, len: number, lr: number, mu: number): void;
  max_abs(x: number, len: number): number;
  /** The DAC of one row block for m input vectors (see kernels.wat): α, x̃ quantised, Σ x̃². */
  dac_rows(
    x: number,
    xq: number,
    m: number,
    k: number,
    r0: number,
    rows: number,
    mode: number,
    step: number,
    invStep: number,
    bound: number,
    alpha: number,
    sumSq: number,
  ): void;
  /** One tile read: noise, saturation count, ADC, accumulation (see kernels.wat); returns saturations. */
  read_cols(
    src: number,
    cols: number,
    invW: number,
    noise: number,
    sd: number,
    shared: number,
    step: number,
    bound: number,
    sat: number,
    quant: number,
    yq: number,
    out: number,
    g: number,
    bmOpen: number,
  ): number;
  /** Σ x_i² in f64 with four partial sums (i mod 4), as the JavaScript loop. */
  sum_squares(x: number, len: number): number;
  /** x_i = clamp(x_i, −b, b) in place. */
  clamp_abs(x: number, len: number, b: number): void;
  /** DeviceArray.program for generic devices, differential pairs (kernels.wat has the flags). */
  program_diff(
    w: number,
    noise: number,
    stuck: number,
    out: number,
    n: number,
    inv: number,
    wMax: number,
    steps: number,
    invSteps: number,
    flags: number,
  ): void;
  /**
   * program_diff with fill_normal's draws (std) made 192 weights at a time into `scratch` (400
   * floats), f32x4 (the default when noisy).
   */
  program_diff_noisy(
    w: number,
    stuck: number,
    out: number,
    n: number,
    inv: number,
    wMax: number,
    steps: number,
    invSteps: number,
    flags: number,
    state: number,
    std: number,
    scratch: number,
  ): void;
  /** ceil(n/24)·24 draws mean + std·N(0, 1) at `out` from 4-lane xoshiro128** state at `state` (64 bytes). */
  fill_normal(out: number, n: number, state: number, std: number, mean: number): void;
  /** Rng.fillNormal's ziggurat fast path from index i; returns where a slow-path draw stopped it (or n). */
  zig_fast(
    out: number,
    i: number,
    n: number,
    state: number,
    tables: number,
    std: number,
    mean: number,
    /** 1: write f64 (8 bytes a draw), 0: f32. */
    wide: number,
  ): number;
  /** The same against a reference column (one device per weight). */
  program_ref(
    w: number,
    noise: number,
    stuck: number,
    out: number,
    n: number,
    inv: number,
    wMax: number,
    steps: number,
    invSteps: number,
    flags: number,
  ): void;
}

// The engine compiles against ES lib + @types/node, which do not declare WebAssembly's classes
// (they come with the DOM lib); this is the small part of that API used here.
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
export type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (m: WasmModule, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 65536;
/** Must match the memory import's maximum in kernels.wat (16384 pages = 1 GiB). */
const MAX_PAGES = 16384;
/** Must match KC and NC in kernels.wat: edge tile, packed 4-row block of A' and its q indices, (NC/8)·KC·32 bytes of panels. */
export const SCRATCH_BYTES = 128 + 4 * 256 * 4 + 256 * 4 + (128 / 8) * 256 * 32;
export const SCRATCH_BASE = 1024;
/** Scratch areas reserved: the calling thread plus up to this many − 1 pool workers. */
export const MAX_THREADS = 8;
const HEAP_BASE = SCRATCH_BASE + MAX_THREADS * SCRATCH_BYTES;

const align = (x: number, to: number) => Math.ceil(x / to) * to;

/** True when this JavaScript engine validates a module with 128-bit SIMD and shared memory. */
export function wasmSimdAvailable(): boolean {
  try {
    return wasmApi?.validate(kernelBytes()) === true;
  } catch {
    return false;
  }
}

let bytes: Uint8Array | null = null;
function kernelBytes(): Uint8Array {
  bytes ??= new Uint8Array(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
  return bytes;
}

export class WasmRuntime {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly exports: KernelExports;
  private f32view: Float32Array;
  /** Every SharedArrayBuffer object this memory has been seen through (one per growth). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private heapTop = HEAP_BASE;
  /** Freed blocks by byte length (training runs in one thread allocate the same sizes again). */
  private readonly freeBlocks = new Map<number, number[]>();
  private readonly registry = new FinalizationRegistry<{ start: number; bytes: number }>(
    ({ start, bytes }) => {
      const list = this.freeBlocks.get(bytes) ?? [];
      list.push(start);
      this.freeBlocks.set(bytes, list);
    },
  );
  private stageTop = HEAP_BASE;

  constructor() {
    const api = wasmApi as WasmApi;
    this.module = new api.Module(kernelBytes());
    const initialPages = Math.ceil((HEAP_BASE + 16 * PAGE) / PAGE);
    this.memory = new api.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
    this.exports = new api.Instance(this.module, { env: { memory: this.memory } })
      .exports as unknown as KernelExports;
    this.f32view = new Float32Array(this.memory.buffer);
    this.buffers.add(this.memory.buffer);
  }

  /** A Float32Array over the whole memory (re-created after growth). */
  get f32(): Float32Array {
    if (this.f32view.buffer !== this.memory.buffer) {
      this.f32view = new Float32Array(this.memory.buffer);
      this.buffers.add(this.memory.buffer);
    }
    return this.f32view;
  }

  /** Grows the memory so that bytes [0, end) exist. */
  private reserve(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) throw new RangeError('WASM kernel memory exhausted (1 GiB)');
    this.memory.grow(pages);
    void this.f32;
  }

  /**
   * A zeroed Float32Array of `length` that lives in the kernel memory, so the kernels use it in
   * place (no copy per call). For long-lived buffers (weights, activations, gradients), never per
   * call. Without `owner` the block lives as long as the runtime (the thread). With `owner`, it
   * goes back to a free list once `owner` is garbage-collected: for private buffers of an object
   * (an optimiser's velocity) that no view outlives.
   */
  alloc(length: number, owner?: object): Float32Array {
    const bytes = 4 * length;
    let start = this.freeBlocks.get(bytes)?.pop();
    if (start === undefined) {
      start = align(this.heapTop, 64);
      const end = start + bytes;
      this.reserve(end);
      this.heapTop = end;
      this.stageTop = end;
    }
    if (owner) this.registry.register(owner, { start, bytes });
    // The range may have been staging space, or a freed block, before: clear it.
    const view = new Float32Array(this.memory.buffer, start, length);
    view.fill(0);
    return view;
  }

  /**
   * alloc() whose block goes back to the free list once the returned view itself is unreachable:
   * for long-lived arrays an object keeps as a field (master and programmed weights), whose users
   * hold this very view, or subarrays of it only while they also hold the view.
   */
  allocOwned(length: number): Float32Array {
    const view = this.alloc(length);
    this.registry.register(view, { start: view.byteOffset, bytes: 4 * length });
    return view;
  }

  /** True when `arr` is a view into this runtime's memory. */
  owns(arr: ArrayBufferView): boolean {
    return this.buffers.has(arr.buffer);
  }

  /** Forgets the per-call staging area (call at the start of every kernel call). */
  resetStaging(): void {
    this.stageTop = this.heapTop;
  }

  /** Room for `length` floats in the staging area; returns its byte offset. */
  stageSpace(length: number): number {
    const start = align(this.stageTop, 64);
    const end = start + 4 * length;
    this.reserve(end);
    this.stageTop = end;
    return start;
  }

  /**
   * Byte offset of the first `length` elements of `arr` inside the memory: in place when `arr`
   * already lives there, else a copy in the staging area (copied only when `copyIn`).
   */
  place(arr: Float32Array, length: number, copyIn = true): number {
    if (this.owns(arr)) return arr.byteOffset;
    const at = this.stageSpace(length);
    if (copyIn) this.f32.set(length === arr.length ? arr : arr.subarray(0, length), at >> 2);
    return at;
  }

  /** Copies `length` floats at byte offset `at` back into `arr` (no-op when `arr` lives here). */
  copyOut(arr: Float32Array, at: number, length: number): void {
    if (this.owns(arr)) return;
    arr.set(this.f32.subarray(at >> 2, (at >> 2) + length));
  }

  scratch(thread: number): number {
    return SCRATCH_BASE + thread * SCRATCH_BYTES;
  }
}

let shared: WasmRuntime | null | undefined;

/** NEUROFAB_KERNELS=js switches every WASM path off (the plain-JS reference, for comparisons). */
export function wasmDisabled(): boolean {
  return process.env.NEUROFAB_KERNELS === 'js';
}

/** This thread's runtime, or null when WebAssembly SIMD is unavailable or disabled. */
export function wasmRuntime(): WasmRuntime | null {
  if (shared === undefined) shared = !wasmDisabled() && wasmSimdAvailable() ? new WasmRuntime() : null;
  return shared;
}
