// Hot exit: the studio keeps a copy of every unsaved editor buffer in the project's
// .neurofab/backups/, as editors do, so a crash (of the page, the shell or the engine) or a closed
// browser tab loses no typing. A backup is dropped when its file is saved or its changes are
// discarded; the studio offers the ones left over when the project opens again.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { STORE_DIR, writeProjectText } from './project';

const BACKUP_DIR = `${STORE_DIR}/backups`;

const BackupFileSchema = z.object({
  path: z.string(),
  text: z.string(),
  /** sha256 of the file on disk the buffer was based on (null: a file not on disk yet). */
  baseHash: z.string().nullable(),
  savedAt: z.number(),
});
export type Backup = z.infer<typeof BackupFileSchema>;

/** sha256 of a file's UTF-8 bytes, as hex: what the studio compares to notice outside edits. */
export function textHash(text: string): string {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash of a project file's bytes, or null when it does not exist. */
export function fileHash(abs: string): string | null {
  try {
    return crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const backupName = (rel: string) =>
  `${crypto.createHash('sha256').update(rel).digest('hex').slice(0, 32)}.json`;

export function writeBackup(
  root: string,
  rel: string,
  text: string,
  baseHash: string | null,
  now = Date.now(),
): void {
  const body: Backup = { path: rel, text, baseHash, savedAt: now };
  writeProjectText(root, `${BACKUP_DIR}/${backupName(rel)}`, JSON.stringify(body));
}

export function discardBackup(root: string, rel: string): void {
  fs.rmSync(path.join(root, BACKUP_DIR, backupName(rel)), { force: true });
}

/** Every readable backup, oldest first. An unreadable one is skipped (and kept, for a human to look at). */
export function listBackups(root: string): Backup[] {
  const dir = path.join(root, BACKUP_DIR);
  if (!fs.existsSync(dir)) return [];
  const out: Backup[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      const parsed = BackupFileSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
      if (parsed.success && backupName(parsed.data.path) === name) out.push(parsed.data);
    } catch {
      // A torn or foreign file: not offered.
    }
  }
  return out.sort((a, b) => a.savedAt - b.savedAt);
}
