/** The real process keeps DATA_DIR private: the directory 0700, every file in it 0600 (no group or world bits). */
import { chmod, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startService } from './fixtures/service.js';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    out.push(full);
    if (entry.isDirectory()) out.push(...(await walk(full)));
  }
  return out;
}

t.test('a new DATA_DIR is created 0700 and its files 0600', async (t) => {
  const parent = await mkdtemp(path.join(tmpdir(), 'cloud-health-perm-'));
  t.teardown(() => rm(parent, { recursive: true, force: true }));
  const dataDir = path.join(parent, 'data');
  const service = await startService(t, { DATA_DIR: dataDir });
  t.equal((await fetch(`${service.url}/ops/health`)).status, 200);
  t.equal((await stat(dataDir)).mode & 0o777, 0o700, 'DATA_DIR is 0700');
  const entries = await walk(dataDir);
  t.ok(entries.some((p) => p.endsWith('encryption.key')), 'the demo key file is there');
  t.ok(entries.length > 3, `the embedded tables are there (${entries.length} entries)`);
  for (const entry of entries) {
    const mode = (await stat(entry)).mode & 0o777;
    t.equal(mode & 0o077, 0, `${path.relative(dataDir, entry)} (${mode.toString(8)}) has no group or world access`);
  }
});

t.test('an existing world-readable DATA_DIR is closed again', async (t) => {
  const parent = await mkdtemp(path.join(tmpdir(), 'cloud-health-perm-'));
  t.teardown(() => rm(parent, { recursive: true, force: true }));
  const dataDir = path.join(parent, 'data');
  await mkdir(dataDir);
  await chmod(dataDir, 0o755);
  await startService(t, { DATA_DIR: dataDir });
  t.equal((await stat(dataDir)).mode & 0o777, 0o700);
});
