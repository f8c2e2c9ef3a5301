// A project is a folder of .nfab sources plus one SQLite store in .neurofab/. Every path the UI
// sends is resolved here, and nothing outside the project root is ever read or written.
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, type FileEntry, type ProjectInfo, RpcError } from '../protocol';
import { decodeUtf8, NotUtf8Error } from '../text/utf8';

export const STORE_DIR = '.neurofab';
export const STORE_FILE = 'project.db';
const HIDDEN = new Set([STORE_DIR, 'node_modules', '.git']);
const MAX_FILES = 5000;
/** Text files larger than this are refused rather than loaded into an editor. */
export const MAX_TEXT_FILE_BYTES = 8 * 1024 * 1024;

export function storePath(root: string): string {
  return path.join(root, STORE_DIR, STORE_FILE);
}

export function openProjectRoot(root: string, create: boolean): string {
  const abs = path.resolve(root);
  if (!fs.existsSync(abs)) {
    if (!create) throw new RpcError(ErrorCode.NotFound, `Project folder ${abs} does not exist.`);
    fs.mkdirSync(abs, { recursive: true });
  }
  if (!fs.statSync(abs).isDirectory()) {
    throw new RpcError(ErrorCode.NotFound, `${abs} is a file; a project is a folder.`);
  }
  return fs.realpathSync(abs);
}

/**
 * Resolves a project-relative path, refusing `..` escapes and symlinks that lead out of the
 * project (the renderer must only reach files inside the open project).
 */
export function resolveInProject(root: string, relative: string): string {
  if (path.isAbsolute(relative) || relative.includes('\0')) {
    throw new RpcError(ErrorCode.Forbidden, `"${relative}" must be a path relative to the project folder.`);
  }
  const target = path.resolve(root, relative);
  const rel = path.relative(root, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new RpcError(ErrorCode.Forbidden, `"${relative}" is outside the project folder.`);
  }
  // Check the nearest existing ancestor's real path, so a symlink cannot lead outside.
  let probe = target;
  while (!fs.existsSync(probe)) probe = path.dirname(probe);
  const real = fs.realpathSync(probe);
  const realRel = path.relative(root, real);
  if (realRel.startsWith('..') || path.isAbsolute(realRel)) {
    throw new RpcError(ErrorCode.Forbidden, `"${relative}" leads outside the project folder through a link.`);
  }
  return target;
}

/** Reads project files for the checker's imports: null when missing, unreadable or outside the project. */
export function projectReader(root: string): (p: string) => string | null {
  return (p) => {
    try {
      return readProjectText(root, p);
    } catch {
      return null;
    }
  };
}

export function listProjectFiles(root: string): FileEntry[] {
  const out: FileEntry[] = [];
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (out.length >= MAX_FILES) return;
      if (HIDDEN.has(e.name) || e.name.startsWith('.')) continue;
      const abs = path.join(dir, e.name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (e.isDirectory()) {
        out.push({ path: rel, kind: 'dir', size: 0 });
        walk(abs);
      } else if (e.isFile()) {
        out.push({ path: rel, kind: 'file', size: fs.statSync(abs).size });
      }
    }
  };
  walk(root);
  return out;
}

export function projectInfo(root: string): ProjectInfo {
  return { root, name: path.basename(root), files: listProjectFiles(root) };
}

export function readProjectText(root: string, relative: string): string {
  const abs = resolveInProject(root, relative);
  if (!fs.existsSync(abs))
    throw new RpcError(ErrorCode.NotFound, `${relative} does not exist in the project.`);
  const size = fs.statSync(abs).size;
  if (size > MAX_TEXT_FILE_BYTES) {
    throw new RpcError(
      ErrorCode.Forbidden,
      `${relative} is ${(size / 1e6).toFixed(1)} MB; text files up to ${MAX_TEXT_FILE_BYTES / 1e6} MB can be opened.`,
    );
  }
  return decodeProjectText(relative, fs.readFileSync(abs));
}

/**
 * Decodes a source file strictly (engine/text/utf8.ts). The file is then not opened at all, so
 * nothing can overwrite its bytes with replacement characters.
 */
export function decodeProjectText(name: string, bytes: Uint8Array): string {
  try {
    return decodeUtf8(name, bytes);
  } catch (err) {
    if (err instanceof NotUtf8Error)
      throw new RpcError(
        ErrorCode.Forbidden,
        `${err.message} It was not opened, so nothing overwrote those bytes.`,
      );
    throw err;
  }
}

export { firstInvalidUtf8 } from '../text/utf8';

/**
 * Saves like an editor that must never lose work: the text goes to a temporary file in the same
 * folder, is fsync'ed, then renamed over the target (atomic on POSIX and on NTFS), and the folder
 * is fsync'ed so the rename itself survives a power cut. A crash or a full disk at any point
 * leaves either the old file or the new one, never a truncated mix. Returns the bytes written.
 */
export function writeProjectText(root: string, relative: string, text: string): number {
  const abs = resolveInProject(root, relative);
  const dir = path.dirname(abs);
  fs.mkdirSync(dir, { recursive: true });
  const data = Buffer.from(text, 'utf8');
  // Same folder as the target: a rename across file systems would not be atomic.
  const tmp = path.join(dir, `.${path.basename(abs)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let existingMode: number | null = null;
  try {
    existingMode = fs.statSync(abs).mode & 0o7777;
  } catch {
    // A new file: the default mode.
  }
  const fd = fs.openSync(tmp, 'wx', existingMode ?? 0o666);
  try {
    try {
      // Keep an existing file's permissions (the umask would otherwise narrow them).
      if (existingMode !== null) fs.fchmodSync(fd, existingMode);
      let written = 0;
      while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, abs);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw saveError(relative, err);
  }
  fsyncDir(dir);
  return data.length;
}

/** Makes a rename durable. Windows cannot open a folder for fsync; NTFS journals the rename. */
function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems (network mounts) refuse fsync on a folder; the file itself is synced.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

function saveError(relative: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'the folder is not writable'
        : code === 'EISDIR'
          ? 'a folder of that name is in the way'
          : (err as Error).message;
  return new RpcError(
    ErrorCode.Internal,
    `Could not save ${relative}: ${why}. The file on disk was left as it was.`,
  );
}
