/**
 * Breaker creation and shutdown with one shared bucket-rotation emitter against one emitter per
 * 64 slices (issue 14: opossum scans the emitter's listeners on every create and remove).
 * Run: npx tsx bench/breaker-rotation.bench.ts [breakers]
 */
import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';

const n = Number(process.argv[2] ?? 30_000);
function run(emitters: number): { createMs: number; shutdownMs: number } {
  const rotations = Array.from({ length: emitters }, () => new EventEmitter().setMaxListeners(0));
  const options = { enableSnapshots: false, rollingPercentilesEnabled: false, timeout: false } as const;
  const began = performance.now();
  const breakers: CircuitBreaker[] = [];
  for (let i = 0; i < n; i++) breakers.push(new CircuitBreaker(async () => 1, { ...options, rotateBucketController: rotations[i % emitters]! } as CircuitBreaker.Options));
  const created = performance.now();
  for (const b of breakers) b.shutdown();
  return { createMs: Math.round(created - began), shutdownMs: Math.round(performance.now() - created) };
}
const one = run(1);
const sliced = run(64);
process.stdout.write(`${JSON.stringify({ breakers: n, oneEmitter: one, emitters64: sliced })}\n`);
