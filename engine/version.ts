// Recorded with every run so a result can be traced to the engine that produced it.
// A unit test keeps this equal to package.json's version.
export const ENGINE_VERSION = '0.1.0';
