// Messages between a training job and its worker thread.
import type { LearnerArtifact } from './rules/types';
import type { LogLevel, MetricPoint, Progress, TrainStatus } from './train';

export type WorkerMessage =
  | ({ type: 'progress' } & Progress)
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'done'; status: TrainStatus; metrics: Record<string, number>; artifacts?: LearnerArtifact[] }
  | { type: 'error'; message: string };

export type HostMessage = { type: 'cancel' };
