/**
 * A V8 CPU profile of one piece of a benchmark (for Chrome DevTools or speedscope), taken through
 * `node:inspector` so it covers only that piece, not the set-up around it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** Runs `work`; when `dir` is set, with a CPU profile of it written to `dir/name.cpuprofile`
 * (`dir` is created when missing). */
export async function withCpuProfile<T>(dir: string | undefined, name: string, work: () => Promise<T>): Promise<T> {
  if (!dir) return work();
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await inspector.post('Profiler.stop');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    inspector.disconnect();
  }
}

/**
 * Runs `work`; when `dir` is set, with V8's sampling heap profiler on, and writes what it sampled to
 * `dir/name.heapprofile`: the allocations still live at the end and those a major GC collected
 * meanwhile, i.e. what lived long enough to be promoted to the old generation (the garbage that
 * costs marking), by allocating stack. For Chrome DevTools' memory panel.
 */
export async function withHeapSampling<T>(dir: string | undefined, name: string, work: () => Promise<T>): Promise<T> {
  if (!dir) return work();
  const inspector = new Session();
  inspector.connect();
  await inspector.post('HeapProfiler.enable');
  await inspector.post('HeapProfiler.startSampling', { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: true } as never);
  try {
    return await work();
  } finally {
    const { profile } = await inspector.post('HeapProfiler.stopSampling');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${name}.heapprofile`), JSON.stringify(profile));
    inspector.disconnect();
  }
}
