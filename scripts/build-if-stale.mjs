#!/usr/bin/env node
/**
 * `npm start`'s build step: rebuild the server (dist/) and the dashboard (web/dist) only when a
 * file they are built from is newer than the last build, so a restart with nothing changed
 * starts at once. A build's stamp is written only after it succeeded.
 *   node scripts/build-if-stale.mjs [--force]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');

/** The newest modification time under `paths` (files or folders, recursively), 0 when none exist. */
function newest(paths) {
  let latest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules' && entry !== 'dist') visit(join(path, entry));
    } else {
      latest = Math.max(latest, stat.mtimeMs);
    }
  };
  for (const path of paths) visit(join(root, path));
  return latest;
}

const targets = [
  {
    name: 'server',
    stamp: 'dist/.build-stamp',
    inputs: ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    command: ['npx', ['tsc', '-p', 'tsconfig.build.json']],
  },
  {
    name: 'dashboard',
    stamp: 'web/dist/.build-stamp',
    inputs: ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json', 'package-lock.json'],
    command: ['npx', ['vite', 'build', '--config', 'web/vite.config.ts']],
  },
];

for (const target of targets) {
  const stamp = join(root, target.stamp);
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (!force && built > 0 && newest(target.inputs) <= built) {
    process.stdout.write(`build: ${target.name} is current\n`);
    continue;
  }
  process.stdout.write(`build: ${target.name}...\n`);
  const began = Date.now();
  const [command, args] = target.command;
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // Stamped with the build's start: a file saved while it ran is newer, so the next start rebuilds.
  writeFileSync(stamp, `${new Date(began).toISOString()}\n`);
  utimesSync(stamp, new Date(began), new Date(began));
  process.stdout.write(`build: ${target.name} built in ${Date.now() - began} ms\n`);
}
