/** A runtime on a ManualClock with in-memory fakes, for tests that drive time. */
import { createRuntime, ManualClock, type Runtime, type RuntimeOptions } from '../../src/actors/index.js';
import { silentLogger } from '../../src/log.js';
import { FakeGateway, MemorySink, MemoryTenantSource } from './fakes.js';

export interface Harness {
  clock: ManualClock;
  source: MemoryTenantSource;
  sink: MemorySink;
  fake: FakeGateway;
  runtime: Runtime;
  /** Stop the runtime, advancing the clock past the deadline if needed. */
  stop(): Promise<void>;
}

export const MINUTE = 60_000;

export function harness(options: Partial<RuntimeOptions> & { latencyMs?: number } = {}): Harness {
  const clock = new ManualClock();
  const source = new MemoryTenantSource();
  const sink = new MemorySink();
  const fake = new FakeGateway({ clock, latencyMs: options.latencyMs ?? 0 });
  const runtime = createRuntime({
    source,
    sink,
    gateway: fake.gateway,
    log: silentLogger(),
    clock,
    random: () => 0, // no jitter: delays are exact
    shards: 4,
    startupSpreadMs: 0,
    ...options,
  });
  return {
    clock,
    source,
    sink,
    fake,
    runtime,
    async stop() {
      const stopping = runtime.stop(5_000);
      await clock.advance(5_000);
      await stopping;
    },
  };
}
