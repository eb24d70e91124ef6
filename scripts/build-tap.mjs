/**
 * postinstall: build tap's test class with the plugins of package.json's "tap" config. tap would
 * build it on its first run anyway, but that run's test processes still get the default plugins'
 * loaders (ts-node's and @tapjs/mock's: about 1.5 s of CPU per test file, 163 files). Skipped
 * when tap is not installed (npm ci --omit=dev).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tap = new URL('../node_modules/.bin/tap', import.meta.url);
if (existsSync(tap)) {
  const built = spawnSync(tap.pathname, ['build'], { encoding: 'utf8' });
  if (built.status !== 0) {
    process.stderr.write(`${built.stdout}${built.stderr}`);
    process.exit(built.status ?? 1);
  }
}
