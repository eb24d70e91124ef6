import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, parseDuration } from '../../src/config.js';

const run = promisify(execFile);
const unitPath = new URL('../../systemd/cloud-health.service', import.meta.url);
const envExample = new URL('../../systemd/cloud-health.env.example', import.meta.url);

const tool = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
if (!tool && process.env.CLOUD_HEALTH_REQUIRE_SYSTEMD === '1') t.fail('systemd-analyze is required (CLOUD_HEALTH_REQUIRE_SYSTEMD=1) but missing');
const skip = tool ? false : 'systemd-analyze not installed: install the systemd package to run this check';

t.test('systemd-analyze verify accepts the unit without a warning', { skip }, async (t) => {
  let unit = await readFile(unitPath, 'utf8');
  // verify checks that ExecStart exists; on hosts whose node is elsewhere, point it at this one.
  if (!existsSync('/usr/bin/node')) unit = unit.replace('/usr/bin/node', process.execPath);
  const dir = await mkdtemp(join(tmpdir(), 'unit-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const copy = join(dir, 'cloud-health.service');
  await writeFile(copy, unit);
  const { stdout, stderr } = await run(tool!, ['verify', copy]).catch((error: { stdout: string; stderr: string; code: number }) => {
    t.fail(`systemd-analyze exited ${error.code}`);
    return error;
  });
  t.equal(`${stdout}${stderr}`.trim(), '', 'no warnings (an unknown key only warns, so any output fails)');
});

t.test('the unit gives the service more time to stop than its own deadline', async (t) => {
  const unit = await readFile(unitPath, 'utf8');
  const stopTimeout = parseDuration(`${/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]}s`);
  const env = await readFile(envExample, 'utf8');
  const deadline = parseDuration(/^SHUTDOWN_DEADLINE=(\S+)$/m.exec(env)?.[1] ?? '10s');
  t.ok(stopTimeout >= deadline + 10_000, `TimeoutStopSec ${stopTimeout} ms vs deadline ${deadline} ms`);
  t.equal(loadConfig({}).shutdownDeadlineMs, deadline, 'the example uses the default deadline');
  for (const key of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'StateDirectory=cloud-health', 'Restart=on-failure', 'User=cloud-health']) {
    t.match(unit, key, key);
  }
});

t.test('the environment example names every production setting', async (t) => {
  const env = await readFile(envExample, 'utf8');
  const vars = Object.fromEntries([...env.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  for (const name of ['MODE', 'PUBLIC_URL', 'SES_FROM', 'ENCRYPTION_KEY', 'OPERATOR_TOKEN', 'PORT']) t.ok(name in vars, name);
  // Filled in, the example is a valid production configuration.
  const config = loadConfig({ ...vars, ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), OPERATOR_TOKEN: 'x'.repeat(32) });
  t.equal(config.mode, 'production');
  t.throws(() => loadConfig({ ...vars }), /ENCRYPTION_KEY.*OPERATOR_TOKEN/, 'left empty, production refuses to start and says what is missing');
});
