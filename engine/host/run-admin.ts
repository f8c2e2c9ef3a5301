// Run administration RPCs: tags, notes, delete, re-run, sweeps (list, resume), metric series for
// charts, and export. OWNED BY HELPER "store" (issue 9) — being built this session.
import { ErrorCode, type Handlers, RpcError } from '../protocol';
import type { OpenProject } from './engine';

type AdminMethods =
  | 'run.rerun'
  | 'runs.setTag'
  | 'runs.setNote'
  | 'runs.delete'
  | 'runs.metricSeries'
  | 'runs.export'
  | 'sweeps.list'
  | 'sweep.resume';

const notYet = (m: string) => () => {
  throw new RpcError(ErrorCode.Internal, `${m} is not built yet.`);
};

export function runAdminHandlers(_project: () => OpenProject): Pick<Handlers, AdminMethods> {
  return {
    'run.rerun': notYet('run.rerun'),
    'runs.setTag': notYet('runs.setTag'),
    'runs.setNote': notYet('runs.setNote'),
    'runs.delete': notYet('runs.delete'),
    'runs.metricSeries': notYet('runs.metricSeries'),
    'runs.export': notYet('runs.export'),
    'sweeps.list': notYet('sweeps.list'),
    'sweep.resume': notYet('sweep.resume'),
  };
}
