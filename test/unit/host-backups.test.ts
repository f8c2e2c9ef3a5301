// Hot exit and outside edits at the engine host (real files, the real RPC server): unsaved buffers
// are kept under .neurofab/backups/ and listed with the file's hash on disk now; a save is refused
// with CONFLICT when the file changed since the editor read it, and nothing is written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, textHash } from '../../engine/host/backups';
import { EngineHost } from '../../engine/host/engine';
import { memoryTransportPair, RpcClient, RpcError } from '../../engine/protocol';

describe('engine host: backups and outside edits', () => {
  let root: string;
  let host: EngineHost;
  let client: RpcClient;

  beforeAll(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-backups-')));
    fs.writeFileSync(path.join(root, 'a.nfab'), 'device d : rram {}\n');
    host = new EngineHost();
    const [serverSide, clientSide] = memoryTransportPair();
    host.server.attach(serverSide);
    client = new RpcClient(clientSide);
    host.openProject(root);
  });

  afterAll(() => {
    client.close();
    host.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('keeps, lists and discards backups of unsaved buffers', async () => {
    const { hash } = await client.call('file.read', { path: 'a.nfab' });
    expect(hash).toBe(textHash('device d : rram {}\n'));
    await client.call('backup.write', { path: 'a.nfab', text: 'unsaved 1', baseHash: hash });
    await client.call('backup.write', { path: 'a.nfab', text: 'unsaved 2', baseHash: hash });
    await client.call('backup.write', { path: 'new/b.nfab', text: 'never saved', baseHash: null });
    const { backups } = await client.call('backup.list', {});
    expect(backups.map((b) => [b.path, b.text, b.baseHash === b.diskHash])).toEqual([
      ['a.nfab', 'unsaved 2', true],
      ['new/b.nfab', 'never saved', true],
    ]);
    // The file changes on disk: the listing says so, so the studio can warn before restoring.
    fs.writeFileSync(path.join(root, 'a.nfab'), 'changed outside\n');
    const after = (await client.call('backup.list', {})).backups.find((b) => b.path === 'a.nfab')!;
    expect(after.diskHash).toBe(textHash('changed outside\n'));
    expect(after.diskHash).not.toBe(after.baseHash);
    await client.call('backup.discard', { path: 'a.nfab' });
    await client.call('backup.discard', { path: 'new/b.nfab' });
    expect(listBackups(root)).toEqual([]);
    await expect(
      client.call('backup.write', { path: '../escape.nfab', text: 'x', baseHash: null }),
    ).rejects.toThrow(/outside the project/);
  });

  it('refuses a save over a file that changed since it was read, and writes nothing', async () => {
    fs.writeFileSync(path.join(root, 'a.nfab'), 'version 1\n');
    const { hash } = await client.call('file.read', { path: 'a.nfab' });
    fs.writeFileSync(path.join(root, 'a.nfab'), 'version 2 from another editor\n');
    const err = await client
      .call('file.write', { path: 'a.nfab', text: 'mine\n', ifHash: hash })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe('CONFLICT');
    expect(fs.readFileSync(path.join(root, 'a.nfab'), 'utf8')).toBe('version 2 from another editor\n');
    // With the current hash (the user chose to keep theirs), the save goes through.
    const { hashes } = {
      hashes: (await client.call('file.hashes', { paths: ['a.nfab', 'gone.nfab'] })).files,
    };
    expect(hashes).toEqual([
      { path: 'a.nfab', hash: textHash('version 2 from another editor\n') },
      { path: 'gone.nfab', hash: null },
    ]);
    const saved = await client.call('file.write', {
      path: 'a.nfab',
      text: 'mine\n',
      ifHash: hashes[0]!.hash,
    });
    expect(saved.hash).toBe(textHash('mine\n'));
    expect(fs.readFileSync(path.join(root, 'a.nfab'), 'utf8')).toBe('mine\n');
    // A file that should not exist yet (ifHash null) is refused when it does.
    await expect(client.call('file.write', { path: 'a.nfab', text: 'x', ifHash: null })).rejects.toThrow(
      /changed on disk/,
    );
  });
});
