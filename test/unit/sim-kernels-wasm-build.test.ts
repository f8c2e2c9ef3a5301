// The committed WebAssembly module is exactly what kernels.wat compiles to (it cannot drift).
import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64 } from '../../engine/sim/wasm/kernels-wasm.generated';
// @ts-expect-error: plain ESM build script without type declarations
import { compileKernels, generatedSource } from '../../scripts/build-wasm.mjs';

describe('kernels-wasm.generated.ts', () => {
  it('matches a fresh wabt build of engine/sim/wasm/kernels.wat', async () => {
    const bytes: Buffer = await compileKernels();
    expect(Buffer.from(KERNELS_WASM_BASE64, 'base64').equals(bytes)).toBe(true);
    expect(typeof generatedSource(bytes)).toBe('string');
  });
});
