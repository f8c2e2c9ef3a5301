// What the shell remembers between launches (recent projects, window bounds) and how it reads its
// command line (a .nfab file from the OS file association, --project DIR). No `electron` import:
// main/index.ts passes in what Electron knows (displays, userData), so this is unit-tested.
import fs from 'node:fs';
import path from 'node:path';
import { parseProjectArg } from './ipc-contract';

export const MAX_RECENT_PROJECTS = 10;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends Rect {
  maximized: boolean;
}

export interface AppState {
  recentProjects: string[];
  window: WindowState | null;
}

export const DEFAULT_WINDOW = { width: 1440, height: 900 } as const;
export const MIN_WINDOW = { width: 900, height: 600 } as const;

const EMPTY: AppState = { recentProjects: [], window: null };

const isFiniteInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function parseWindowState(raw: unknown): WindowState | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const w = raw as Record<string, unknown>;
  if (![w.x, w.y, w.width, w.height].every(isFiniteInt)) return null;
  if ((w.width as number) < MIN_WINDOW.width || (w.height as number) < MIN_WINDOW.height) return null;
  return {
    x: w.x as number,
    y: w.y as number,
    width: w.width as number,
    height: w.height as number,
    maximized: w.maximized === true,
  };
}

/** Parses the state file's JSON; anything malformed is dropped field by field, never thrown. */
export function parseAppState(text: string): AppState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ...EMPTY };
  }
  if (typeof raw !== 'object' || raw === null) return { ...EMPTY };
  const r = raw as Record<string, unknown>;
  const recent = Array.isArray(r.recentProjects)
    ? r.recentProjects.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p))
    : [];
  return { recentProjects: recent.slice(0, MAX_RECENT_PROJECTS), window: parseWindowState(r.window) };
}

/** A missing or unreadable state file means a first launch; the studio starts with defaults. */
export function loadAppState(file: string): AppState {
  try {
    return parseAppState(fs.readFileSync(file, 'utf8'));
  } catch {
    return { ...EMPTY };
  }
}

/** Temp file + rename, so a crash while saving leaves the previous state, not half a JSON file. */
export function saveAppState(file: string, state: AppState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** Most recent first, no duplicates, at most MAX_RECENT_PROJECTS. */
export function withRecentProject(recent: readonly string[], root: string): string[] {
  return [root, ...recent.filter((p) => p !== root)].slice(0, MAX_RECENT_PROJECTS);
}

function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * The bounds to open the window with: the saved ones if their title bar area is still on one of
 * the displays (a monitor may have been unplugged since), otherwise the default size, centred.
 */
export function restoreWindowState(
  saved: WindowState | null,
  workAreas: readonly Rect[],
): WindowState | null {
  if (!saved) return null;
  // The top strip of the window, where it is dragged from, must be reachable.
  const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: 40 };
  const visible = workAreas.find((area) => intersects(titleBar, area));
  if (!visible) return null;
  return {
    ...saved,
    width: Math.min(saved.width, Math.max(visible.width, MIN_WINDOW.width)),
    height: Math.min(saved.height, Math.max(visible.height, MIN_WINDOW.height)),
  };
}

export interface LaunchTarget {
  /** The project folder to open. */
  root: string;
  /** The .nfab file the OS asked to open (file association), if any. */
  file: string | null;
}

/**
 * What a launch (or a second launch, forwarded by the single-instance lock) asks to open:
 * `--project DIR`, or a .nfab file given by the OS file association, whose folder becomes the
 * project. Relative paths are relative to the launching process's working directory.
 */
export function launchTarget(argv: readonly string[], cwd: string): LaunchTarget | null {
  const project = parseProjectArg(argv);
  if (project) return { root: path.resolve(cwd, project), file: null };
  for (let i = argv.length - 1; i >= 0; i--) {
    const arg = argv[i]!;
    if (arg.startsWith('-') || !/\.nfab$/i.test(arg)) continue;
    const file = path.resolve(cwd, arg);
    return { root: path.dirname(file), file };
  }
  return null;
}

/**
 * In a packaged app the engine runs from app.asar.unpacked (worker threads and the native SQLite
 * addon cannot load from inside the archive; see electron-builder.yml asarUnpack).
 */
export function unpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
