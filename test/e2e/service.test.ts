/**
 * The real process in demo mode: start on a free port, wait for readiness, read the overview
 * as a demo user (data from the simulator), SIGTERM, clean exit; then start again on the same
 * DATA_DIR and find the data and the demo tenants still there. And a stop in the middle of a busy
 * sweep (issue 17): half the tenants' AWS answers outlast the deadline.
 */
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

interface Running {
  child: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

async function startProcess(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, DEMO_TENANTS: '2', LOG_LEVEL: 'info', METRICS_INTERVAL: '2s', SECURITY_INTERVAL: '2s', STARTUP_SPREAD: '200ms', MODE: 'demo' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let buffer = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 60 s:\n${buffer}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (entry.msg === 'listening') {
            clearTimeout(timer);
            resolve(entry.url as string);
          }
        } catch {
          // not a log line
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (buffer += chunk.toString()));
    exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${buffer}`)));
  });
  return { child, url, lines, exited };
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email: 'demo1@example.com', password: 'cloudhealth-demo' }),
  });
  if (response.status !== 200) throw new Error(`login: ${response.status} ${await response.text()}`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function overviewWithData(url: string, cookie: string, timeoutMs = 240_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/api/overview`, { headers: { cookie } });
    const body = (await response.json()) as { accounts: { health: { ok: number; alarm: number }; cost: { monthToDateUsd: number }; findingsBySeverity: Record<string, number> }[] };
    const account = body.accounts[0];
    const findings = account ? Object.values(account.findingsBySeverity).reduce((a, b) => a + b, 0) : 0;
    if (account && account.health.ok + account.health.alarm > 0 && account.cost.monthToDateUsd > 0 && findings > 0) return body;
    if (Date.now() > end) throw new Error(`no data on the overview: ${JSON.stringify(body)}`);
    await sleep(500);
  }
}

t.test('demo mode: ready, overview with simulated data, clean exit on SIGTERM, data kept across restarts', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cloud-health-e2e-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));

  const first = await startProcess(dataDir);
  t.teardown(() => first.child.kill('SIGKILL'));
  const health = await fetch(`${first.url}/ops/health`);
  t.equal(health.status, 200, 'ready');
  t.ok(first.lines.some((l) => l.msg === 'demo login' && l.email === 'demo1@example.com'), 'the demo login is in the log');
  const cookie = await login(first.url);
  const overview = await overviewWithData(first.url, cookie);
  t.equal(overview.accounts.length, 1, 'demo tenant 1 has one account');
  const metrics = await (await fetch(`${first.url}/metrics`)).text();
  const billed = /^cloud_health_aws_billable_units_total\{unit="ce_request"\} (\d+)/m.exec(metrics);
  t.ok(billed && Number(billed[1]) > 0, `/metrics counts billable Cost Explorer requests (${billed?.[1]})`);
  t.match(metrics, /^cloud_health_tenants\{state="running"\} 2$/m, '/metrics: tenants by state');

  first.child.kill('SIGTERM');
  const code = await first.exited;
  t.equal(code, 0, 'clean exit on SIGTERM');
  t.ok(first.lines.some((l) => l.msg === 'runtime stopped'), 'the runtime stopped in order');
  t.ok(first.lines.some((l) => l.msg === 'stopped'));
  t.notOk(first.lines.some((l) => (l.level as number) >= 50), 'no error was logged');

  const second = await startProcess(dataDir);
  t.teardown(() => second.child.kill('SIGKILL'));
  t.notOk(second.lines.some((l) => l.msg === 'demo tenant created'), 'demo tenants are not created twice');
  const again = await fetch(`${second.url}/api/overview`, { headers: { cookie: await login(second.url) } });
  const body = (await again.json()) as { accounts: { cost: { monthToDateUsd: number } }[] };
  t.ok(body.accounts[0]!.cost.monthToDateUsd > 0, 'costs collected before the restart are served at once');
  second.child.kill('SIGTERM');
  t.equal(await second.exited, 0);
});

const busyChild = fileURLToPath(new URL('./fixtures/busy-stop-child.ts', import.meta.url));

t.test('SIGTERM in the middle of a busy sweep: 503 down while stopping, runs aborted at the deadline, mailer and store closed, exit 0', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cloud-health-busy-stop-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', busyChild], {
    env: { ...process.env, DATA_DIR: dataDir, DEMO_TENANTS: '20', SHUTDOWN_DEADLINE: '2s', BUSY_RUNS: '20' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines: Record<string, unknown>[] = [];
  let stderrText = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrText += chunk.toString();
    let newline;
    while ((newline = stderrText.indexOf('\n')) >= 0) {
      const line = stderrText.slice(0, newline);
      stderrText = stderrText.slice(newline + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ text: line });
      }
    }
  });
  const busy = await new Promise<{ url: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not busy within 300 s: ${JSON.stringify(lines.slice(-5))}`)), 300_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"busy"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string });
      }
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before it was busy`)));
  });
  t.equal((await fetch(`${busy.url}/ops/health`)).status, 200, 'healthy while busy');

  const stopAt = Date.now();
  child.kill('SIGTERM');
  // While it stops, /ops/health answers (not "connection refused") with 503 `down`. Polled from
  // the child's 'stopping' line on: a request sent before the signal was handled may be answered
  // before the stop began (a 200 so failed once under load, 2026-12-04).
  const during: { status: number; body: string }[] = [];
  let done = false;
  void exited.then(() => (done = true));
  for (const until = Date.now() + 30_000; !done && !lines.some((l) => l.msg === 'stopping') && Date.now() < until; ) await sleep(10);
  t.ok(lines.some((l) => l.msg === 'stopping'), 'the child began stopping');
  while (!done) {
    try {
      const response = await fetch(`${busy.url}/ops/health`);
      during.push({ status: response.status, body: await response.text() });
    } catch {
      // closed at the end of the stop, just before the store
    }
    await sleep(100);
  }
  const code = await exited;
  const tookMs = Date.now() - stopAt;
  t.equal(code, 0, `exit 0 (${tookMs} ms after SIGTERM, deadline 2 s)`);
  t.ok(during.length > 0, `/ops/health answered during the stop (${during.length} times)`);
  t.ok(during.every((r) => r.status === 503 && r.body.includes('"down"')), `and every answer was 503 down: ${JSON.stringify(during.slice(0, 2))}`);
  const stopped = lines.find((l) => l.msg === 'runtime stopped') as { aborted: number; finished: number } | undefined;
  t.ok(stopped, 'the runtime reported its stop');
  t.ok((stopped?.aborted ?? 0) > 0, `runs in flight at the deadline were aborted and counted as such (${JSON.stringify(stopped)})`);
  t.ok(lines.some((l) => l.msg === 'mailer stopped'), 'the mailer closed');
  t.ok(lines.some((l) => l.msg === 'store closed'), 'the store closed');
  t.ok(lines.some((l) => l.msg === 'stopped'), 'the stop completed');
  t.notOk(lines.some((l) => l.msg === 'stop took too long: exiting'), 'within its budget');
  const errors = lines.filter((l) => typeof l.level === 'number' && l.level >= 50);
  t.same(errors, [], 'nothing logged as an error: an aborted run or reconcile is the stop, not a failure');
  const warnings = lines.filter((l) => String(l.msg).startsWith('stopping: a step'));
  t.same(warnings, [], 'no stop step overran its budget');
});
