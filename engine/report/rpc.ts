// 'report.export': writes a run report into the project, by default reports/<first run id>.<format>.
// The path is project-relative and confined to the project like every file the UI names.
import path from 'node:path';
import type { OpenProject } from '../host/engine';
import { projectReader, resolveInProject, writeProjectText } from '../host/project';
import { ErrorCode, type Params, RpcError } from '../protocol';
import { formatOf, PdfError, ReportInputError, writeReport } from './index';

export async function exportReportHandler(
  project: OpenProject,
  params: Params<'report.export'>,
): Promise<{ path: string; bytes: number }> {
  const rel = (params.path ?? `reports/${params.runIds[0]}.${params.format}`).split(path.sep).join('/');
  if (formatOf(rel) !== params.format) {
    throw new RpcError(
      ErrorCode.InvalidParams,
      `"${rel}" does not end in .${params.format}; a ${params.format.toUpperCase()} report needs that extension.`,
    );
  }
  const abs = resolveInProject(project.root, rel);
  try {
    const { bytes } = await writeReport(
      project.store,
      params.runIds,
      params.format,
      abs,
      projectReader(project.root),
      (html) => writeProjectText(project.root, rel, html),
    );
    return { path: rel, bytes };
  } catch (err) {
    if (err instanceof ReportInputError) throw new RpcError(ErrorCode.NotFound, err.message);
    if (err instanceof PdfError) throw new RpcError(ErrorCode.Internal, err.message);
    throw err;
  }
}
