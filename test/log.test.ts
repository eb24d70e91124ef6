import t from 'tap';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLogger, sdkLogger } from '../src/log.js';

const logModule = fileURLToPath(new URL('../src/log.ts', import.meta.url));

t.test('process warnings (the AWS SDK end-of-support notice) go to the JSON log, not plain text on stderr', async (t) => {
  const script = `
    const { createLogger, routeProcessWarnings } = await import(${JSON.stringify(logModule)});
    routeProcessWarnings(createLogger());
    process.emitWarning('The AWS SDK for JavaScript (v3) will require node >=22.', { type: 'NodeVersionSupportWarning', code: 'SDK_NODE' });
  `;
  const { NODE_OPTIONS: _options, ...env } = process.env;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 60_000 });
  t.equal(child.status, 0, child.stderr);
  t.equal(child.stderr, '', 'nothing on stderr');
  const lines = child.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  t.match(lines, [{ level: 40, msg: 'process warning', warning: { name: 'NodeVersionSupportWarning', code: 'SDK_NODE', message: /require node >=22/ } }]);
});

t.test('the SDK logger: warnings and errors as JSON lines; debug and info (whole requests) dropped', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = sdkLogger(createLogger({ destination }));
  logger.info({ input: { secretAccessKey: 'x' } });
  logger.debug('request', { body: 'x' });
  logger.warn('@smithy/node-http-handler:WARN - socket usage at capacity=50 and 104 additional requests are enqueued.');
  logger.error('boom');
  await new Promise((resolve) => setImmediate(resolve));
  t.match(lines, [
    { level: 40, msg: 'aws sdk warning', sdk: /socket usage at capacity=50/ },
    { level: 50, msg: 'aws sdk error', sdk: 'boom' },
  ]);
  t.equal(lines.length, 2);
});
