// `neurofab runs list|export`. OWNED BY HELPER "store" (issue 9) — being built this session.
import { UsageError } from './usage';

export async function cmdRuns(_args: string[]): Promise<number> {
  throw new UsageError('runs is not built yet.');
}
