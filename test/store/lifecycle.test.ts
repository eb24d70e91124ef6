import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openTestStore, redisSkip, tempDir, TEST_REDIS_URL } from './fixtures/store.js';

const skipRedis = await redisSkip(t);
const script = fileURLToPath(new URL('./fixtures/open-close.ts', import.meta.url));

/** Run the open/use/close child; resolves with its exit code and time (it must exit without process.exit). */
function runChild(args: string[]): Promise<{ code: number | null; ms: number; out: string }> {
  const started = Date.now();
  // Without tap's coverage hooks: the child only has to show that it exits by itself.
  const { NODE_OPTIONS: _options, NODE_V8_COVERAGE: _coverage, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, ms: Date.now() - started, out });
    }),
  );
}

t.test('close() releases dynalite and the SDK client: the process exits by itself', async (t) => {
  const result = await runChild([await tempDir(t)]);
  t.equal(result.out.trim(), 'closed');
  t.equal(result.code, 0, `exited on its own in ${result.ms} ms`);
});

t.test('close() releases Redis too', { skip: skipRedis }, async (t) => {
  const result = await runChild([await tempDir(t), TEST_REDIS_URL]);
  t.equal(result.out.trim(), 'closed');
  t.equal(result.code, 0, `exited on its own in ${result.ms} ms`);
});

t.test('close() with a Redis that never answered still exits', async (t) => {
  const result = await runChild([await tempDir(t), 'redis://127.0.0.1:1']);
  t.equal(result.code, 0, `exited on its own in ${result.ms} ms`);
});

t.test('embedded mode sweeps expired items (dynalite has no TTL)', async (t) => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const first = await openTestStore(t, { now: () => clock });
  const { token: shortLived } = await first.store.sessions.create({ tenantId: 't-1', userId: 'u-1', ttlMs: 60_000 });
  const { token: longLived } = await first.store.sessions.create({ tenantId: 't-1', userId: 'u-1', ttlMs: 30 * 86_400_000 });
  await first.store.close();
  clock += 86_400_000;
  const second = await first.reopen({ now: () => clock, sweepIntervalMs: 3_600_000 });
  const { hashToken } = await import('../../src/store/crypto/tokens.js');
  let gone = false;
  for (let i = 0; i < 100 && !gone; i += 1) {
    gone = (await second.getItem('sessions', { pk: hashToken(shortLived) })) === undefined;
    if (!gone) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.ok(gone, 'the expired session was deleted');
  t.ok(await second.getItem('sessions', { pk: hashToken(longLived) }), 'the live one stays');
  t.ok(await second.store.sessions.get(longLived));
});

t.test('closing right after aborting in-flight writes does not crash the embedded store', async (t) => {
  const { store } = await openTestStore(t);
  const { finding } = await import('./fixtures/store.js');
  const controller = new AbortController();
  const findings = Array.from({ length: 400 }, (_, i) => finding(`f${i}`, 5, new Date().toISOString()));
  const writing = store.findings.write('t-a', 'a-1', findings, controller.signal).catch((error: Error) => error);
  await new Promise((resolve) => setTimeout(resolve, 15));
  controller.abort();
  await store.close();
  t.match(await writing, { name: 'AbortError' });
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.pass('no uncaught error from dynalite after close');
});

t.test('close() is idempotent and safe to call concurrently', async (t) => {
  const { store } = await openTestStore(t);
  await Promise.all([store.close(), store.close()]);
  await store.close();
  t.pass('closed three times');
});
