// The project store: experiments, runs, params, metrics, tags and artifacts in one SQLite file
// (MLflow-like). See docs/store.md for the schema.
export { StoreError, type StoreErrorCode } from './errors';
export { APPLICATION_ID, LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations';
export { openStore } from './open';
export { DSL_ARTIFACT, DSL_MEDIA_TYPE, isStorablePoint } from './store';
export type {
  Artifact,
  CreateRunInput,
  CreateSweepInput,
  MetricColumns,
  Store,
  StoreOptions,
  SweepRecord,
} from './types';
