// `neurofab report ID... --out FILE`. OWNED BY HELPER "report" (issue 9) — being built this session.
import { UsageError } from './usage';

export async function cmdReport(_args: string[]): Promise<number> {
  throw new UsageError('report is not built yet.');
}
