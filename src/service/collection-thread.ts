/**
 * The collection thread (a worker thread; COLLECTION_THREAD=on): the supervision runtime, its AWS
 * clients, the mailer, recommendations and leases, with a store of its own on the same tables,
 * so collection's CPU (SDK parsing, actors, writes) never holds up the API's event loop. The API's
 * thread talks to it through collection-thread-client.ts; the messages are in
 * collection-protocol.ts. It stops on the API thread's `stop` call, and an error it cannot
 * handle ends the thread (the API's thread then stops the process).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { RecordingRegistry } from '../actors/index.js';
import { createLogger, routeProcessWarnings } from '../log.js';
import { createStore, storeOptionsFromConfig, type Store, type StoreOptions } from '../store/index.js';
import { closeSteps, type CloseStep } from './close-steps.js';
import { startCollection, type Collection } from './collection.js';
import type { Call, CollectionStatus, FromCollection, ThreadInput, ThreadSample, ToCollection } from './collection-protocol.js';

/** Transitions cross at most this often (the API's view of the runtime is this much behind). */
const BATCH_MS = 50;
/** Billing totals, leases and store load cross this often. */
const STATUS_MS = 1_000;

const port = parentPort;
if (!port) throw new Error('collection-thread.ts runs as a worker thread');
const input = workerData as ThreadInput;
const { config } = input;
// Straight to stdout as the API thread's logger does, or to that logger when it writes elsewhere.
const forwarded = { write: (line: string) => port.postMessage({ type: 'log', line } satisfies FromCollection) };
const log = createLogger({ level: input.log.level, ...(input.log.forward ? { destination: forwarded as unknown as NodeJS.WritableStream } : {}) }).child({ thread: 'collection' });
routeProcessWarnings(log);
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

const post = (message: FromCollection) => port.postMessage(message);
const steps: CloseStep[] = [];
const registry = new RecordingRegistry();
const flush = () => {
  const batch = registry.take();
  if (batch.length > 0) post({ type: 'transitions', batch });
};

let store: Store;
let collection: Collection;
try {
  store = await createStore({
    ...storeOptionsFromConfig(config, log),
    dynamo: input.connection.dynamo,
    ...(input.connection.credentials ? { credentials: input.connection.credentials } : {}),
    // The API's thread created or verified the tables.
    tables: 'verify',
    // Expired items are swept by the thread that holds the embedded store.
    sweepIntervalMs: 0,
    ...(input.overrides.store as Partial<StoreOptions>),
    ...(input.forwardInvalidations ? { onInvalidate: (tenantId, kinds) => post({ type: 'invalidate', tenantId, ...(kinds ? { kinds } : {}) }) } : {}),
  });
  steps.push({ name: 'store', close: () => store.close() });
  collection = await startCollection({ config, log, store, simEndpoint: input.simEndpoint, publicUrl: input.publicUrl, overrides: input.overrides, steps, registry });
} catch (error) {
  await closeSteps(steps, config.shutdownDeadlineMs, log);
  throw error;
}

const batches = setInterval(flush, BATCH_MS);
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
// Two histograms: the status's (reset every status) and the benchmarks' samples (reset at each).
const statusLoopDelay = monitorEventLoopDelay({ resolution: 20 });
statusLoopDelay.enable();
const status = (): CollectionStatus => ({
  billable: collection.billableTotals(),
  leases: collection.coordinator?.snapshot(),
  storeLoad: store.collectorLoad(),
  storeWrites: store.capacity.sum().writeRequests,
  loopDelayP99Ms: statusLoopDelay.percentile(99) / 1e6,
});
const statuses = setInterval(() => {
  post({ type: 'status', status: status() });
  statusLoopDelay.reset();
}, STATUS_MS);

async function answer(call: Call): Promise<unknown> {
  switch (call.method) {
    case 'reconcile':
      return collection.runtime.reconcile();
    case 'refreshTenant':
      return collection.runtime.refreshTenant(call.tenantId);
    case 'sendMail':
      return collection.mailer.send(call.message);
    case 'sample': {
      (globalThis as { gc?: () => void }).gc?.();
      const sample: ThreadSample = { heapUsedBytes: process.memoryUsage().heapUsed, loopDelayP99Ms: loopDelay.percentile(99) / 1e6 };
      loopDelay.reset();
      return sample;
    }
    case 'stop': {
      clearInterval(statuses);
      await closeSteps(steps, call.budgetMs, log);
      clearInterval(batches);
      flush();
      post({ type: 'status', status: status() });
      // Stopped by its close step already: this is that stop's report.
      return collection.runtime.stop();
    }
  }
}

port.on('message', (message: ToCollection) => {
  switch (message.type) {
    case 'call':
      answer(message).then(
        (value) => {
          flush();
          post({ type: 'reply', id: message.id, ok: true, value });
        },
        (error: unknown) => {
          flush();
          const { name, message: text } = error instanceof Error ? error : new Error(String(error));
          post({ type: 'reply', id: message.id, ok: false, error: { name, message: text } });
        },
      );
      return;
    case 'restart-tenant':
      collection.runtime.restartTenant(message.tenantId);
      return;
    case 'run-now':
      collection.runtime.runNow(message.tenantId);
      return;
    case 'invalidate':
      store.cache.invalidate(message.tenantId, message.kinds).catch((error: unknown) => log.warn({ err: error, tenant: message.tenantId }, 'dropping cached reads failed'));
      return;
  }
});

flush();
post({ type: 'ready', started: collection.started, instanceId: collection.coordinator?.instanceId });
post({ type: 'status', status: status() });
