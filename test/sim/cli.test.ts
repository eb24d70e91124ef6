/**
 * `npm run sim` as a process: the stable standalone contract (DESIGN.md "AWS simulator"): the
 * default world's CloudHealthMonitor role pins the first ExternalId, example.com senders are
 * verified, and the control routes need the token the process logs once.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import t from 'tap';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { rejection, sdkError } from './fixtures/sim-clients.js';

const CLI = new URL('../../src/sim/cli.ts', import.meta.url).pathname;

t.test('the standalone simulator: default world, control routes behind the logged token, clean SIGTERM', async (t) => {
  const { SIM_CONTROL_TOKEN: _token, NODE_OPTIONS: _options, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', CLI], { env: { ...env, SIM_PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Wait (generous deadline: a loaded machine) for the line that carries the generated token.
  const started = await new Promise<{ endpoint: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no control token logged within 60 s')), 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry: { simControlToken?: string; endpoint?: string } = {};
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return; // not a log line
      }
      if (entry.simControlToken && entry.endpoint) {
        clearTimeout(timer);
        resolve({ endpoint: entry.endpoint, token: entry.simControlToken });
      }
    });
  });
  t.ok(started.token.length >= 32, 'a generated token');

  t.equal((await fetch(`${started.endpoint}/_sim/health`)).status, 401, 'no token: refused');
  const health = await fetch(`${started.endpoint}/_sim/health`, { headers: { authorization: `Bearer ${started.token}` } });
  t.same([health.status, await health.json()], [200, { ok: true }]);

  const config = { endpoint: started.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAPLATFORMEXAMPLE1', secretAccessKey: 'x' }, maxAttempts: 1 };
  const sts = new STSClient(config);
  const role = (externalId: string) => new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor', RoleSessionName: 'check', ExternalId: externalId });
  t.ok(await sts.send(role('ext-first')), 'any account has CloudHealthMonitor; the first ExternalId is pinned');
  t.match(sdkError(await rejection(() => sts.send(role('ext-second')))), { name: 'AccessDenied', status: 403 });
  const ses = new SESv2Client(config);
  const send = (from: string) => ses.send(new SendEmailCommand({ FromEmailAddress: from, Destination: { ToAddresses: ['anyone@tenant.test'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } }));
  t.ok(await send('noreply@example.com'));
  t.match(sdkError(await rejection(() => send('noreply@elsewhere.test'))), { name: 'MessageRejected', status: 400 });

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'exits cleanly');
});
