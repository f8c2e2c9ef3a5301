// The policy lives in the engine (browser mode's supervisor uses it too); main imports engine code,
// never the reverse.
export * from '../engine/host/restart-policy';
