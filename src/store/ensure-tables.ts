/**
 * Create the tables that are missing, wait until they are ACTIVE and enable TTL. Used at start
 * (embedded store or a DynamoDB-compatible endpoint) and by `npm run tables` for production.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../log.js';
import { TABLE_KINDS, TABLE_SPECS, createTableInput, type TableNames } from './tables.js';

export interface EnsureTablesOptions {
  log: Logger;
  /** `create`: create missing tables; `verify`: fail when one is missing (default `create`). */
  mode?: 'create' | 'verify';
  /** Give up waiting for ACTIVE after this long (default 5 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What `ensureTables` did. `ttl: 'unsupported'` means the endpoint (e.g. dynalite) has no UpdateTimeToLive. */
export interface EnsureTablesResult {
  created: string[];
  ttl: 'enabled' | 'unsupported';
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

/** Make sure every table exists, is ACTIVE and expires items by their `ttl` attribute. */
export async function ensureTables(client: DynamoDBClient, names: TableNames, options: EnsureTablesOptions): Promise<EnsureTablesResult> {
  const { log, signal } = options;
  const timeoutMs = options.timeoutMs ?? 300_000;
  const created: string[] = [];
  for (const kind of TABLE_KINDS) {
    const name = names[kind];
    const status = await tableStatus(client, name, signal);
    if (status !== undefined) continue;
    if (options.mode === 'verify') {
      throw new AppError('STORE_TABLE_MISSING', `DynamoDB table ${name} does not exist; create the tables with "npm run tables"`);
    }
    try {
      await client.send(new CreateTableCommand(createTableInput(kind, name)), { abortSignal: signal });
      created.push(name);
      log.info({ table: name }, 'created DynamoDB table');
    } catch (error) {
      // Another instance created it first.
      if (errorName(error) !== 'ResourceInUseException') throw error;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const kind of TABLE_KINDS) {
    for (let wait = 100; (await tableStatus(client, names[kind], signal)) !== 'ACTIVE'; wait = Math.min(wait * 2, 5_000)) {
      if (Date.now() > deadline) throw new AppError('STORE_TABLE_TIMEOUT', `DynamoDB table ${names[kind]} did not become ACTIVE`);
      await delay(wait, undefined, { signal });
    }
  }
  let ttl: EnsureTablesResult['ttl'] = 'enabled';
  for (const kind of TABLE_KINDS.filter((k) => TABLE_SPECS[k].ttl)) {
    if ((await enableTtl(client, names[kind], signal)) === 'unsupported') ttl = 'unsupported';
  }
  if (ttl === 'unsupported') {
    log.info('this DynamoDB endpoint does not implement TTL (dynalite): it never deletes expired items; the embedded store sweeps them itself, other endpoints keep them');
  }
  return { created, ttl };
}

async function tableStatus(client: DynamoDBClient, name: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const output = await client.send(new DescribeTableCommand({ TableName: name }), { abortSignal: signal });
    return output.Table?.TableStatus;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function enableTtl(client: DynamoDBClient, name: string, signal?: AbortSignal): Promise<'enabled' | 'unsupported'> {
  try {
    const current = await client.send(new DescribeTimeToLiveCommand({ TableName: name }), { abortSignal: signal });
    const status = current.TimeToLiveDescription?.TimeToLiveStatus;
    if (status === 'ENABLED' || status === 'ENABLING') return 'enabled';
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }),
      { abortSignal: signal },
    );
    return 'enabled';
  } catch (error) {
    // dynalite answers UnknownOperationException: it never expires items.
    if (errorName(error) === 'UnknownOperationException') return 'unsupported';
    throw error;
  }
}
