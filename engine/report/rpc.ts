// 'report.export': writes a run report into the project. OWNED BY HELPER "report" (issue 9).

import type { OpenProject } from '../host/engine';
import { ErrorCode, type Params, RpcError } from '../protocol';

export function exportReportHandler(
  _project: OpenProject,
  _params: Params<'report.export'>,
): { path: string; bytes: number } {
  throw new RpcError(ErrorCode.Internal, 'report.export is not built yet.');
}
