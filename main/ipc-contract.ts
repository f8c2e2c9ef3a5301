// Channel names and argument checks of the few IPC calls between preload and main. Shared by both
// (the preload bundles it); no `electron` import, so it is unit-tested.
import type { MenuCommand } from '../preload/api';

export type { MenuCommand };

export const Channels = {
  /** renderer → main (send): "give me a MessagePort to the engine" (on every page load). */
  engineConnect: 'engine:connect',
  /** main → renderer: the MessagePort, transferred with webContents.postMessage. */
  enginePort: 'engine-port',
  /** main → renderer: the engine exited unexpectedly ({exitCode, restarting}). */
  engineDown: 'engine-down',
  /** main → renderer: a menu command the renderer carries out (MenuCommand). */
  menuCommand: 'menu:command',
  /** renderer → main (invoke): native folder picker. */
  openProjectFolder: 'dialog:open-project-folder',
  /** renderer → main (invoke): print the window to a PDF file chosen in a save dialog. */
  printToPdf: 'print:to-pdf',
} as const;

/** Invoke channels take no arguments; anything else is refused (a compromised page gains nothing). */
export function checkNoArgs(channel: string, args: readonly unknown[]): void {
  if (args.length > 0 && !(args.length === 1 && args[0] === undefined)) {
    throw new TypeError(`${channel} takes no arguments (got ${args.length}).`);
  }
}

export interface EngineDownInfo {
  exitCode: number;
  /** False when the shell gave up restarting (too many crashes in a short time). */
  restarting: boolean;
}

export function parseEngineDownInfo(value: unknown): EngineDownInfo | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.exitCode !== 'number' || !Number.isInteger(v.exitCode)) return null;
  if (typeof v.restarting !== 'boolean') return null;
  return { exitCode: v.exitCode, restarting: v.restarting };
}

export function parseMenuCommand(value: unknown): MenuCommand | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.command === 'save') return { command: 'save' };
  if (v.command === 'open-project' && typeof v.root === 'string' && v.root.length > 0) {
    return { command: 'open-project', root: v.root };
  }
  return null;
}

/** The path a PDF is written to: the user's choice, with `.pdf` appended when missing. */
export function pdfTargetPath(chosen: string): string {
  return /\.pdf$/i.test(chosen) ? chosen : `${chosen}.pdf`;
}

/** Suggested file name for a PDF of a window: its title, made safe for any file system. */
export function defaultPdfName(title: string): string {
  const cleaned = [...title]
    .map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? ' ' : c))
    .join('');
  const base = cleaned.replace(/\s+/g, ' ').trim() || 'Neurofab Studio';
  return `${base.slice(0, 100)}.pdf`;
}

/** Project directory from the command line: `--project DIR` or `--project=DIR`. */
export function parseProjectArg(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--project') {
      const next = argv[i + 1];
      return next && !next.startsWith('--') ? next : null;
    }
    if (arg.startsWith('--project=')) return arg.slice('--project='.length) || null;
  }
  return null;
}
