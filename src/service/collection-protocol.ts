/**
 * The messages between the API's thread and the collection thread (collection-thread.ts). Only
 * structured-cloneable data crosses: configuration, transitions of the health registry, cache
 * invalidations, and calls with their replies.
 */
import type { ReconcileResult, Transition } from '../actors/index.js';
import type { BillableCounts, MailMessage } from '../aws/index.js';
import type { Config } from '../config.js';
import type { LeaseSnapshot } from '../domain/leases.js';
import type { DataKind, StoreConnection } from '../store/index.js';
import type { ServiceOverrides } from './collection.js';

/** The overrides that can cross (data only); the others keep collection on the API's thread. */
export type ThreadOverrides = Pick<ServiceOverrides, 'mailer' | 'recommendationsCoalesceMs' | 'channels'> & { store?: Record<string, unknown> };

/** The collection thread's `workerData`. */
export interface ThreadInput {
  config: Config;
  connection: StoreConnection;
  simEndpoint: string | undefined;
  publicUrl: string;
  overrides: ThreadOverrides;
  /** Forward cached-read invalidations to the API's thread (its cache is this process's memory, not Redis). */
  forwardInvalidations: boolean;
  /** The API thread's log level; `forward`: its logger does not write to stdout (a test's), so lines cross to it. */
  log: { level: string; forward: boolean };
}

/** What the collection side has to say besides transitions, every second. */
export interface CollectionStatus {
  billable: BillableCounts;
  leases: LeaseSnapshot | undefined;
  /** The collectors' DynamoDB requests in flight and waiting. */
  storeLoad: { active: number; pending: number };
  /** Store write requests so far (collection's and its mailer's). */
  storeWrites: number;
  /** The collection thread's event-loop delay p99 over the last status interval, ms. */
  loopDelayP99Ms: number;
}

/** The collection thread's own figures (RSS and CPU are the process's, shared). */
export interface ThreadSample {
  heapUsedBytes: number;
  loopDelayP99Ms: number;
}

/** Calls the API's thread makes; each gets one reply. */
export type Call =
  | { method: 'reconcile' }
  | { method: 'refreshTenant'; tenantId: string }
  | { method: 'sendMail'; message: MailMessage }
  /** Benchmarks: the thread's live heap (after a full GC when the process runs with --expose-gc) and its event-loop delay since the last sample. */
  | { method: 'sample' }
  | { method: 'stop'; budgetMs: number };

export type ToCollection =
  | ({ type: 'call'; id: number } & Call)
  | { type: 'restart-tenant'; tenantId: string }
  | { type: 'run-now'; tenantId: string }
  | { type: 'invalidate'; tenantId: string; kinds?: readonly DataKind[] };

export type FromCollection =
  | { type: 'ready'; started: ReconcileResult; instanceId: string | undefined }
  | { type: 'transitions'; batch: Transition[] }
  | { type: 'status'; status: CollectionStatus }
  | { type: 'invalidate'; tenantId: string; kinds?: readonly DataKind[] }
  | { type: 'log'; line: string }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: { name: string; message: string } };
