/**
 * The only reader of `process.env`. Every setting is validated once, turned into typed values
 * (durations into `...Ms` numbers) and frozen. README.md's configuration table lists every
 * variable of `CONFIG_VARIABLES` (a test checks it).
 */
import { z } from 'zod';
import { COLLECTOR_LIST } from './collectors/index.js';
import type { CollectorKind } from './domain/tenant.js';

/**
 * The runtime's timer slack (src/actors/clock.ts): collector ticks, backoffs and call deadlines
 * due within one slot of this many milliseconds fire in one event-loop turn, at most this late.
 */
export const TIMER_SLACK_MS = 25;

/** Parse `500ms`, `30s`, `5m`, `12h`, `1d` or a bare number of milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw new Error(`not a duration: "${text}" (use e.g. 500ms, 30s, 5m, 12h)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

function toMs(text: string, ctx: z.RefinementCtx): number {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
}

const duration = (fallback: string) => z.string().default(fallback).transform(toMs);
const optionalDuration = z
  .string()
  .optional()
  .transform((text, ctx) => (text === undefined || text.trim() === '' ? undefined : toMs(text, ctx)));

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

type IntervalVariable = `${Uppercase<CollectorKind>}_INTERVAL`;

/** The collectors' cadence overrides: each descriptor names its variable. */
function intervalVariables(): Record<IntervalVariable, typeof optionalDuration> {
  return Object.fromEntries(COLLECTOR_LIST.map((d) => [d.cadence.env, optionalDuration])) as Record<IntervalVariable, typeof optionalDuration>;
}

/** Each environment variable and its default; README.md says what each does. */
const schema = z.object({
  MODE: z.enum(['demo', 'production']).optional(),
  PORT: int(8080, 0, 65535),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  REDIS_URL: optionalText,
  DYNAMODB_ENDPOINT: optionalText,
  OPERATOR_TOKEN: optionalText,
  PUBLIC_URL: optionalText,
  SES_FROM: optionalText,
  SES_SEND_RATE: z.coerce.number().positive().max(1_000).default(1),
  ENCRYPTION_KEY: optionalText,
  ENCRYPTION_KEY_FILE: optionalText,
  AWS_REGION: z.string().default('us-east-1'),
  SIM_PORT: int(4566, 0, 65535),
  SIM_CONTROL_TOKEN: optionalText,
  DEMO_TENANTS: int(3, 0, 10_000),
  SHARDS: int(16, 1, 1024),
  RECONCILE_INTERVAL: duration('30s'),
  // One `<KIND>_INTERVAL` per collector, from its descriptor.
  ...intervalVariables(),
  STARTUP_SPREAD: optionalDuration,
  // At most half the fleet-lag grace (1 s), so slack alone never makes a run late.
  TIMER_SLACK: duration(`${TIMER_SLACK_MS}ms`).pipe(z.number().max(500, 'TIMER_SLACK must be at most 500ms')),
  SHUTDOWN_DEADLINE: duration('10s'),
  AWS_MAX_INFLIGHT: int(64, 1, 10_000),
  // 0: twice AWS_MAX_INFLIGHT.
  RUNS_MAX_INFLIGHT: int(0, 0, 100_000),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  ALLOWED_HOSTS: optionalText,
  CHANNEL_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false', '1', '0']).default('false'),
  LEASES: z.enum(['auto', 'on', 'off']).default('auto'),
  INSTANCE_ID: optionalText,
  LEASE_TTL: duration('30s'),
  LEASE_REBALANCE: duration('30s'),
  COLLECTION_THREAD: z.enum(['on', 'off']).default('on'),
});

export type Environment = z.input<typeof schema>;

/** The names of every environment variable the service reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** Validated, frozen configuration. */
export interface Config {
  mode: 'demo' | 'production';
  port: number;
  host: string;
  dataDir: string;
  logLevel: string;
  redisUrl: string | undefined;
  dynamodbEndpoint: string | undefined;
  operatorToken: string | undefined;
  publicUrl: string | undefined;
  sesFrom: string | undefined;
  /** Emails per second this instance sends through SES (the account's maximum send rate). */
  sesSendRate: number;
  encryptionKey: string | undefined;
  encryptionKeyFile: string | undefined;
  awsRegion: string;
  simPort: number;
  /** Bearer token of the standalone simulator's `/_sim/` control routes (generated when unset). */
  simControlToken: string | undefined;
  demoTenants: number;
  shards: number;
  reconcileIntervalMs: number;
  /** Each collector's interval (its descriptor's cadence unless `<KIND>_INTERVAL` is set). */
  intervalsMs: Readonly<Record<CollectorKind, number>>;
  /** First collector runs after start are spread over this window. */
  startupSpreadMs: number;
  /** The runtime's timers fire up to this late so that runs close together share an event-loop turn. */
  timerSlackMs: number;
  shutdownDeadlineMs: number;
  awsMaxInflight: number;
  /** Collector runs in flight at most, process-wide; past it runs wait their turn (fairly). */
  runsMaxInflight: number;
  /** Behind a reverse proxy: take the client address and scheme from X-Forwarded-For/-Proto. */
  trustProxy: boolean;
  /** Host names answered besides PUBLIC_URL's (and loopback in demo mode); the rest get 421. */
  allowedHosts: readonly string[];
  /** Alert channels may post to private, loopback and link-local addresses (tests, closed networks only). */
  channelAllowPrivateTargets: boolean;
  /** Share tenants with other instances through leases in the store (see LEASES). */
  leases: boolean;
  /** This instance's name in the lease table; unset: host, pid and a random suffix. */
  instanceId: string | undefined;
  /** An instance not heard of for this long is dead (its lease heartbeat is a third of it). */
  leaseTtlMs: number;
  /** How often an instance lists, verifies and balances the leases. */
  leaseRebalanceMs: number;
  /** Collection (runtime, AWS clients, mailer, leases) runs in a worker thread, off the API's event loop. */
  collectionThread: boolean;
}

/**
 * First runs after start are spread over this window. The collectors' own cadences (production
 * and demo: demo runs fast so a newcomer sees data move within minutes) are in their descriptors.
 */
export const STARTUP_SPREAD_MS = { production: 60_000, demo: 3_000 };

/** Thrown when the environment is invalid; the message names every bad or missing variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Read the configuration from `env` (default `process.env`). Demo mode is the default when no
 * production setting is given; production refuses to start without what it needs.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const productionHints = e.PUBLIC_URL ?? e.SES_FROM ?? e.ENCRYPTION_KEY ?? e.ENCRYPTION_KEY_FILE;
  const mode = e.MODE ?? (productionHints ? 'production' : 'demo');
  if (mode === 'production') {
    const missing = [
      e.ENCRYPTION_KEY || e.ENCRYPTION_KEY_FILE ? undefined : 'ENCRYPTION_KEY or ENCRYPTION_KEY_FILE',
      e.SES_FROM ? undefined : 'SES_FROM',
      e.PUBLIC_URL ? undefined : 'PUBLIC_URL',
      e.OPERATOR_TOKEN ? undefined : 'OPERATOR_TOKEN',
    ].filter((name): name is string => name !== undefined);
    if (missing.length > 0) throw new ConfigError(`production mode needs: ${missing.join(', ')}`);
  }
  return Object.freeze({
    mode,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    operatorToken: e.OPERATOR_TOKEN,
    publicUrl: e.PUBLIC_URL,
    sesFrom: e.SES_FROM,
    sesSendRate: e.SES_SEND_RATE,
    encryptionKey: e.ENCRYPTION_KEY,
    encryptionKeyFile: e.ENCRYPTION_KEY_FILE,
    awsRegion: e.AWS_REGION,
    simPort: e.SIM_PORT,
    simControlToken: e.SIM_CONTROL_TOKEN,
    demoTenants: e.DEMO_TENANTS,
    shards: e.SHARDS,
    reconcileIntervalMs: e.RECONCILE_INTERVAL,
    intervalsMs: Object.freeze(
      Object.fromEntries(COLLECTOR_LIST.map((d) => [d.kind, e[d.cadence.env] ?? (mode === 'production' ? d.cadence.productionMs : d.cadence.demoMs)])) as Record<CollectorKind, number>,
    ),
    startupSpreadMs: e.STARTUP_SPREAD ?? STARTUP_SPREAD_MS[mode],
    timerSlackMs: e.TIMER_SLACK,
    shutdownDeadlineMs: e.SHUTDOWN_DEADLINE,
    awsMaxInflight: e.AWS_MAX_INFLIGHT,
    runsMaxInflight: e.RUNS_MAX_INFLIGHT || 2 * e.AWS_MAX_INFLIGHT,
    trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
    allowedHosts: Object.freeze((e.ALLOWED_HOSTS ?? '').split(',').map((name) => name.trim()).filter(Boolean)),
    channelAllowPrivateTargets: e.CHANNEL_ALLOW_PRIVATE_TARGETS === 'true' || e.CHANNEL_ALLOW_PRIVATE_TARGETS === '1',
    // auto: on whenever the tables can be shared (an endpoint, or real DynamoDB in production).
    leases: e.LEASES === 'on' || (e.LEASES === 'auto' && (mode === 'production' || e.DYNAMODB_ENDPOINT !== undefined)),
    instanceId: e.INSTANCE_ID,
    leaseTtlMs: e.LEASE_TTL,
    leaseRebalanceMs: e.LEASE_REBALANCE,
    collectionThread: e.COLLECTION_THREAD === 'on',
  });
}
