// Imported first by the preload: zod must not probe `new Function` (its JIT) under the studio's
// CSP, which forbids eval; the probe would be reported as a CSP violation. zod reads this global
// config when its schemas are constructed, so it has to be set before engine/protocol loads.
const g = globalThis as { __zod_globalConfig?: Record<string, unknown> };
g.__zod_globalConfig = { ...g.__zod_globalConfig, jitless: true };
