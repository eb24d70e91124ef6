/**
 * Leak hunt: the demo service in this process (as the soak runs it) with a heap snapshot after
 * `--warm` minutes and another `--span` minutes later, then the growth between them by
 * constructor (count and self size), largest first.
 *
 *   tsc -p tsconfig.bench.json && node --expose-gc .bench-build/bench/heap-diff.js --tenants 100 --warm 3 --span 5
 *
 * With `--summary file` it only sums one snapshot by constructor (e.g. the runtime benchmark's,
 * BENCH_HEAP_SNAPSHOT), largest first; `--base file` less another snapshot's sums, `--per n`
 * dividing each row by n (tenants).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeHeapSnapshot } from 'node:v8';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startService } from '../src/service/start-service.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const tenants = arg('tenants', 100);
const warmMin = arg('warm', 3);
const spanMin = arg('span', 5);
const gc = (globalThis as { gc?: () => void }).gc!;

interface Totals {
  count: Map<string, number>;
  size: Map<string, number>;
}

async function totals(file: string): Promise<Totals> {
  const snapshot = JSON.parse(await readFile(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snapshot.snapshot.meta.node_types[0];
  const count = new Map<string, number>();
  const size = new Map<string, number>();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const name = type === 'object' || type === 'closure' ? `${type}:${snapshot.strings[snapshot.nodes[i + nameAt]!]}` : type;
    count.set(name, (count.get(name) ?? 0) + 1);
    size.set(name, (size.get(name) ?? 0) + snapshot.nodes[i + sizeAt]!);
  }
  return { count, size };
}

/** Print `rows`, largest first: KB, count, name (each divided by `per`). */
function print(rows: { name: string; count: number; bytes: number }[], per = 1): void {
  rows.sort((x, y) => y.bytes - x.bytes);
  for (const r of rows.slice(0, 40)) {
    const size = per === 1 ? `${String(Math.round(r.bytes / 1024)).padStart(9)} KB` : `${String(Math.round(r.bytes / per)).padStart(9)} B`;
    const count = per === 1 ? String(r.count) : (r.count / per).toFixed(2);
    process.stdout.write(`${size} ${count.padStart(8)}  ${r.name}\n`);
  }
}

const summary = process.argv.indexOf('--summary');
if (summary >= 0) {
  const one = await totals(process.argv[summary + 1]!);
  const baseAt = process.argv.indexOf('--base');
  const base = baseAt >= 0 ? await totals(process.argv[baseAt + 1]!) : { count: new Map<string, number>(), size: new Map<string, number>() };
  print([...one.size.keys()].map((name) => ({ name, count: (one.count.get(name) ?? 0) - (base.count.get(name) ?? 0), bytes: (one.size.get(name) ?? 0) - (base.size.get(name) ?? 0) })), arg('per', 1));
  process.exit(0);
}

const dataDir = await mkdtemp(join(tmpdir(), 'cloud-health-heapdiff-'));
const config = loadConfig({ MODE: 'demo', PORT: '0', DATA_DIR: dataDir, DEMO_TENANTS: String(tenants), LOG_LEVEL: 'error' });
const service = await startService(config, createLogger({ level: 'error' }), { store: { scrypt: { N: 1024, r: 8, p: 1, keyLength: 32 } } });
await sleep(warmMin * 60_000);
gc();
gc();
const first = writeHeapSnapshot(join(dataDir, 'a.heapsnapshot'));
process.stderr.write(`snapshot 1: heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB\n`);
await sleep(spanMin * 60_000);
gc();
gc();
const second = writeHeapSnapshot(join(dataDir, 'b.heapsnapshot'));
process.stderr.write(`snapshot 2: heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB\n`);
await service.stop();
const a = await totals(first);
const b = await totals(second);
print([...b.size.keys()].map((name) => ({ name, count: (b.count.get(name) ?? 0) - (a.count.get(name) ?? 0), bytes: (b.size.get(name) ?? 0) - (a.size.get(name) ?? 0) })));
if (!process.argv.includes('--keep')) await rm(dataDir, { recursive: true, force: true });
else process.stdout.write(`kept ${dataDir}\n`);
process.exit(0);
