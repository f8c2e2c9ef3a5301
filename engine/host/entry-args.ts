// Both engine-process entries (Electron's utilityProcess host and browser mode's supervised child)
// take `--project DIR` and open it at start; a project that cannot be opened leaves the engine up
// without one (the user can open another), so it is reported, not fatal.
import type { EngineHost } from './engine';

export interface StartProject {
  root: string | null;
  error: string | null;
}

export function argValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function openProjectArg(host: EngineHost, argv: readonly string[], create = false): StartProject {
  const dir = argValue(argv, '--project');
  if (!dir) return { root: null, error: null };
  try {
    return { root: host.openProject(dir, create).root, error: null };
  } catch (err) {
    const error = `could not open project ${dir}: ${(err as Error).message}`;
    console.error(`engine host: ${error}`);
    return { root: null, error };
  }
}
