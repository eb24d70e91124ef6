import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { harness, MINUTE } from '../support/harness.js';
import { makeTenant } from '../support/fakes.js';

t.test('stop lets in-flight runs finish within the deadline, then flushes; idempotent', async (t) => {
  const h = harness({ latencyMs: 2_000 });
  for (let i = 0; i < 5; i++) h.source.put(makeTenant(`t${i}`));
  await h.runtime.start();
  await h.clock.advance(500); // every collector is inside its first AWS call
  const stopping = h.runtime.stop(10_000);
  t.equal(h.runtime.stop(10_000), stopping, 'a second stop returns the same promise');
  await h.clock.advance(10_000);
  const report = await stopping;
  t.equal(report.aborted, 0);
  t.ok(report.finished >= 5, `${report.finished} runs finished`);
  t.ok(report.durationMs < 10_000, 'done before the deadline');
  t.equal(h.sink.flushes, 1);
  const writes = h.sink.writes.length;
  await h.clock.advance(60 * MINUTE);
  t.equal(h.sink.writes.length, writes, 'nothing runs after stop');
  t.equal(h.clock.pending, 0, 'no timers left on the clock');
});

t.test('work still running at the deadline is aborted', async (t) => {
  const h = harness();
  h.source.put(makeTenant('stuck', { awsAccountIds: ['444444444444'] }));
  h.fake.behaviour.set('444444444444', 'hang');
  await h.runtime.start();
  await h.clock.advance(100);
  const stopping = h.runtime.stop(3_000);
  await h.clock.advance(3_000);
  const report = await stopping;
  t.ok(report.aborted >= 1, 'the hung runs were aborted');
  t.equal(report.durationMs, 3_000, 'exactly at the deadline');
  t.equal(h.clock.pending, 0);
});

const fixture = fileURLToPath(new URL('../fixtures/stop-exits.ts', import.meta.url));

function runFixture(mode: string): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const began = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    // A guard against a process that never exits, sized for a machine at load 20+ (not a timing check).
    const killer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, out, ms: Date.now() - began });
    });
  });
}

t.test('after stop the process exits by itself (real clock, calls in flight)', async (t) => {
  const { code, out } = await runFixture('finish');
  t.equal(code, 0, 'exited on its own, not killed');
  const result = JSON.parse(out);
  t.equal(result.report.aborted, 0);
  t.ok(result.report.finished > 0, 'runs were in flight when stop began');
  t.equal(result.idempotent, true);
  t.equal(result.flushes, 1);
});

t.test('with a hung call, stop aborts it at the deadline and the process still exits', async (t) => {
  const { code, out } = await runFixture('hang');
  t.equal(code, 0);
  const result = JSON.parse(out);
  t.ok(result.report.aborted >= 1);
  t.ok(result.report.durationMs >= 1_000, `waited for the deadline before aborting (${result.report.durationMs} ms)`);
});
