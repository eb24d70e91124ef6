/**
 * The API thread's side of the collection thread (collection-thread.ts): starts the worker,
 * mirrors its health registry (registry-mirror.ts) and answers as a `Runtime`, so the HTTP app and
 * the operator endpoint read worker health as they do when collection runs on their own thread.
 * Operator actions and tenant changes cross as messages; `sendMail` is a call to the collection
 * thread's mailer (one send rate per instance).
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { applyTransitions, HealthRegistry, type ReconcileResult, type Runtime, type StopReport } from '../actors/index.js';
import type { MailMessage } from '../aws/index.js';
import type { Logger } from '../log.js';
import type { DataKind } from '../store/index.js';
import type { Call, CollectionStatus, FromCollection, ThreadInput, ThreadSample, ToCollection } from './collection-protocol.js';

export interface CollectionThread {
  /** The runtime as seen from the API's thread: a mirrored registry, actions as messages. */
  readonly runtime: Runtime;
  sendMail(message: MailMessage): Promise<void>;
  /** Benchmarks: the thread's heap and event-loop delay. */
  sample(): Promise<ThreadSample>;
  /** A write on the API's thread dropped cached reads of the tenant: the collection thread's cache drops them too. */
  invalidate(tenantId: string, kinds?: readonly DataKind[]): void;
  /** The latest status the thread sent (at most a second old). */
  status(): CollectionStatus;
  /** Settles when the thread ends without being asked to (an error it could not handle). */
  readonly failed: Promise<Error>;
}

/** The worker's entry beside this file: `.js` when built, `.ts` under tsx (tests, development). */
const ENTRY = new URL(`./collection-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * The thread for ENTRY. Loader hooks of the parent (tsx's, from `--import tsx`) do not reach a
 * worker on Node 20, so a `.ts` entry is loaded after registering tsx in the worker itself.
 */
function newWorker(workerData: ThreadInput): Worker {
  if (!ENTRY.pathname.endsWith('.ts')) return new Worker(ENTRY, { workerData });
  // A failed start is thrown on the next tick, as an uncaught error (the worker's 'error' event),
  // not left as a rejection, which the thread's own handler would only log.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ENTRY.href)}); }).catch((error) => process.nextTick(() => { throw error; }))`;
  return new Worker(boot, { eval: true, workerData, execArgv: process.execArgv.filter((arg) => !/^--import(=|$)|^tsx$/.test(arg)) });
}

/** Start the collection thread; resolves once its runtime ran its first reconcile. */
export async function startCollectionThread(
  input: ThreadInput,
  options: { log: Logger; onInvalidate: (tenantId: string, kinds?: readonly DataKind[]) => void; logLines?: { write(line: string): unknown } },
): Promise<CollectionThread> {
  const { log } = options;
  const mirror = new HealthRegistry();
  const worker = newWorker(input);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let ids = 0;
  let stopping = false;
  let exited = false;
  let latest: CollectionStatus | undefined;
  let onReady: ((message: Extract<FromCollection, { type: 'ready' }>) => void) | undefined;
  let reportFailure: (error: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => (reportFailure = resolve));
  let lastError: Error | undefined;

  const send = (message: ToCollection) => {
    if (!exited) worker.postMessage(message);
  };
  const call = <T>(body: Call): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error('the collection thread has ended'));
      const id = ++ids;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ type: 'call', id, ...body } satisfies ToCollection);
    });

  worker.on('message', (message: FromCollection) => {
    switch (message.type) {
      case 'transitions':
        applyTransitions(mirror, message.batch);
        return;
      case 'status':
        latest = message.status;
        return;
      case 'invalidate':
        options.onInvalidate(message.tenantId, message.kinds);
        return;
      case 'log':
        options.logLines?.write(message.line);
        return;
      case 'ready':
        onReady?.(message);
        return;
      case 'reply': {
        const waiting = pending.get(message.id);
        pending.delete(message.id);
        if (!waiting) return;
        if (message.ok) waiting.resolve(message.value);
        else waiting.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
        return;
      }
    }
  });
  worker.on('error', (error) => {
    lastError = error;
    log.fatal({ err: error }, 'the collection thread failed');
  });
  const ended = new Promise<number>((resolve) =>
    worker.once('exit', (code) => {
      exited = true;
      for (const waiting of pending.values()) waiting.reject(new Error('the collection thread has ended'));
      pending.clear();
      if (!stopping) reportFailure(lastError ?? new Error(`the collection thread exited (${code})`));
      resolve(code);
    }),
  );

  const ready = await new Promise<Extract<FromCollection, { type: 'ready' }>>((resolve, reject) => {
    onReady = resolve;
    void ended.then(() => reject(lastError ?? new Error('the collection thread exited before it was ready')));
  });

  // Operator actions: answered from the mirror (is the tenant here?), carried out by the thread.
  const toTenant = (type: 'restart-tenant' | 'run-now', tenantId: string): boolean => {
    if (stopping || exited || !mirror.get(tenantId)) return false;
    send({ type, tenantId });
    return true;
  };
  let stopped: Promise<StopReport> | undefined;
  const runtime: Runtime = {
    registry: mirror,
    start: async () => ready.started,
    reconcile: () => call<ReconcileResult>({ method: 'reconcile' }),
    refreshTenant: (tenantId) => call<ReconcileResult>({ method: 'refreshTenant', tenantId }),
    restartTenant: (tenantId) => toTenant('restart-tenant', tenantId),
    runNow: (tenantId) => toTenant('run-now', tenantId),
    /** Stops the whole collection side (runtime, leases, mailer, its store) within `budgetMs`, then the thread. */
    stop: (budgetMs = 10_000) =>
      (stopped ??= (async () => {
        stopping = true;
        let report: StopReport = { finished: 0, aborted: 0, durationMs: 0 };
        // A thread that ended on its own has nothing left to stop (its failure was logged).
        if (!exited) {
          try {
            report = await call<StopReport>({ method: 'stop', budgetMs });
          } catch (error) {
            log.error({ err: error }, 'stopping the collection thread failed');
          }
        }
        await worker.terminate();
        return report;
      })()),
  };
  return {
    runtime,
    sendMail: (message) => call<void>({ method: 'sendMail', message }),
    sample: () => call<ThreadSample>({ method: 'sample' }),
    invalidate: (tenantId, kinds) => send({ type: 'invalidate', tenantId, ...(kinds ? { kinds } : {}) }),
    status: () => latest ?? { billable: { costExplorerRequests: 0, getMetricDataMetrics: 0 }, leases: undefined, storeLoad: { active: 0, pending: 0 }, storeWrites: 0, loopDelayP99Ms: 0 },
    failed,
  };
}
