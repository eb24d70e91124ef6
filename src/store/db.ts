/**
 * The one gateway to DynamoDB used by every repository: each request asks for its consumed
 * capacity and records it; batch writes go in chunks of 25 and retry UnprocessedItems with a
 * bounded, abortable backoff; queries page.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type BatchWriteCommandOutput,
  type DeleteCommandInput,
  type DeleteCommandOutput,
  type GetCommandInput,
  type PutCommandInput,
  type QueryCommandInput,
  type QueryCommandOutput,
  type ScanCommandInput,
  type ScanCommandOutput,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { AppError } from '../domain/errors.js';
import type { CapacityMeter } from './capacity-meter.js';
import { isValidationError, ItemsRefusedError, type RefusedItem } from './items-refused-error.js';
import { keyOf, type TableKind, type TableNames } from './tables.js';

/** What the store needs of a DynamoDB document client; tests wrap `send` to inject faults. */
export interface DocSender {
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export type Item = Record<string, unknown>;

/** One request of a batch write: an item to put or a key to delete. */
export type WriteRequest = { put: Item } | { delete: Item };

export interface BatchRetryOptions {
  /** Attempts per chunk before giving up on its unprocessed items (default 8). */
  maxAttempts?: number;
  /** First backoff delay (default 50 ms); doubles per attempt, full jitter. */
  baseDelayMs?: number;
  /** Cap of one backoff delay (default 2,000 ms). */
  maxDelayMs?: number;
}

export interface DbOptions {
  doc: DocSender;
  tables: TableNames;
  meter: CapacityMeter;
  batch?: BatchRetryOptions;
  /** Injected for tests; default an abortable timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Table-aware DynamoDB operations with capacity accounting. */
export interface Db {
  readonly tables: TableNames;
  get(kind: TableKind, input: Omit<GetCommandInput, 'TableName'>, signal?: AbortSignal): Promise<Item | undefined>;
  put(kind: TableKind, input: Omit<PutCommandInput, 'TableName'>, signal?: AbortSignal): Promise<void>;
  /** A conditional put: false when the condition failed. */
  putIf(kind: TableKind, input: Omit<PutCommandInput, 'TableName'>, signal?: AbortSignal): Promise<boolean>;
  update(kind: TableKind, input: Omit<UpdateCommandInput, 'TableName'>, signal?: AbortSignal): Promise<UpdateCommandOutput | undefined>;
  delete(kind: TableKind, input: Omit<DeleteCommandInput, 'TableName'>, signal?: AbortSignal): Promise<DeleteCommandOutput | undefined>;
  query(kind: TableKind, input: Omit<QueryCommandInput, 'TableName'>, signal?: AbortSignal): Promise<QueryCommandOutput>;
  /** Every item of a query, following LastEvaluatedKey. */
  queryAll(kind: TableKind, input: Omit<QueryCommandInput, 'TableName'>, signal?: AbortSignal): AsyncGenerator<Item>;
  /** For maintenance only (the embedded TTL sweeper); read paths use Query. */
  scan(kind: TableKind, input: Omit<ScanCommandInput, 'TableName'>, signal?: AbortSignal): Promise<ScanCommandOutput>;
  batchGet(kind: TableKind, keys: Item[], signal?: AbortSignal): Promise<Item[]>;
  /**
   * Write every request; items DynamoDB refuses as invalid (e.g. over 400 KB) do not stop the
   * others: they are reported together in an `ItemsRefusedError` once the rest is written.
   */
  batchWrite(kind: TableKind, requests: WriteRequest[], signal?: AbortSignal): Promise<void>;
}

/** True for DynamoDB's ConditionalCheckFailedException (branch on the error's name, never its text). */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

const BATCH_SIZE = 25;
const BATCH_GET_SIZE = 100;
const PARALLEL_CHUNKS = 4;

/** Build the gateway over a document client. */
export function createDb(options: DbOptions): Db {
  const { doc, tables, meter } = options;
  const maxAttempts = options.batch?.maxAttempts ?? 8;
  const baseDelayMs = options.batch?.baseDelayMs ?? 50;
  const maxDelayMs = options.batch?.maxDelayMs ?? 2_000;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));

  async function send<T>(operation: string, table: string, command: { input: object }, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    Object.assign(command.input, { ReturnConsumedCapacity: 'TOTAL' });
    try {
      const output = (await doc.send(command, signal ? { abortSignal: signal } : undefined)) as T & {
        ConsumedCapacity?: Parameters<CapacityMeter['record']>[1];
      };
      meter.record(operation, output.ConsumedCapacity, table);
      return output;
    } catch (error) {
      if (isConditionFailed(error)) meter.recordFailedCondition(operation, table);
      throw error;
    }
  }

  async function writeChunk(kind: TableKind, chunk: WriteRequest[], signal?: AbortSignal): Promise<void> {
    const table = tables[kind];
    let pending: unknown[] = chunk.map((request) =>
      'put' in request ? { PutRequest: { Item: request.put } } : { DeleteRequest: { Key: request.delete } },
    );
    for (let attempt = 1; ; attempt += 1) {
      const output = await send<BatchWriteCommandOutput>(
        'BatchWriteItem',
        table,
        new BatchWriteCommand({ RequestItems: { [table]: pending as never } }),
        signal,
      );
      pending = output.UnprocessedItems?.[table] ?? [];
      if (pending.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new AppError('STORE_UNPROCESSED_ITEMS', `${pending.length} items of a batch write to ${kind} stayed unprocessed`);
      }
      // Full jitter: spreads retries of instances throttled at the same moment.
      await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)), signal);
    }
  }

  function query(kind: TableKind, input: Omit<QueryCommandInput, 'TableName'>, signal?: AbortSignal): Promise<QueryCommandOutput> {
    return send<QueryCommandOutput>('Query', tables[kind], new QueryCommand({ ...input, TableName: tables[kind] }), signal);
  }

  return {
    tables,
    async get(kind, input, signal) {
      const output = await send<{ Item?: Item }>('GetItem', tables[kind], new GetCommand({ ...input, TableName: tables[kind] }), signal);
      return output.Item;
    },
    async put(kind, input, signal) {
      await send('PutItem', tables[kind], new PutCommand({ ...input, TableName: tables[kind] }), signal);
    },
    async putIf(kind, input, signal) {
      try {
        await send('PutItem', tables[kind], new PutCommand({ ...input, TableName: tables[kind] }), signal);
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },
    async update(kind, input, signal) {
      try {
        return await send<UpdateCommandOutput>('UpdateItem', tables[kind], new UpdateCommand({ ...input, TableName: tables[kind] }), signal);
      } catch (error) {
        if (isConditionFailed(error) && input.ConditionExpression) return undefined;
        throw error;
      }
    },
    async delete(kind, input, signal) {
      try {
        return await send<DeleteCommandOutput>('DeleteItem', tables[kind], new DeleteCommand({ ...input, TableName: tables[kind] }), signal);
      } catch (error) {
        if (isConditionFailed(error) && input.ConditionExpression) return undefined;
        throw error;
      }
    },
    query,
    async *queryAll(kind, input, signal) {
      let start = input.ExclusiveStartKey;
      do {
        const page = await query(kind, { ...input, ExclusiveStartKey: start }, signal);
        yield* page.Items ?? [];
        start = page.LastEvaluatedKey;
      } while (start);
    },
    scan(kind, input, signal) {
      return send<ScanCommandOutput>('Scan', tables[kind], new ScanCommand({ ...input, TableName: tables[kind] }), signal);
    },
    async batchGet(kind, keys, signal) {
      const table = tables[kind];
      const items: Item[] = [];
      for (let i = 0; i < keys.length; i += BATCH_GET_SIZE) {
        let pending: Item[] = keys.slice(i, i + BATCH_GET_SIZE);
        for (let attempt = 1; pending.length > 0; attempt += 1) {
          const output = await send<{ Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, { Keys?: Item[] }> }>(
            'BatchGetItem',
            table,
            new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }),
            signal,
          );
          items.push(...(output.Responses?.[table] ?? []));
          pending = output.UnprocessedKeys?.[table]?.Keys ?? [];
          if (pending.length > 0 && attempt >= maxAttempts) throw new AppError('STORE_UNPROCESSED_ITEMS', `batch get from ${kind} left keys unread`);
          if (pending.length > 0) await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)), signal);
        }
      }
      return items;
    },
    async batchWrite(kind, requests, signal) {
      // BatchWriteItem rejects two requests for one key; the last one wins, as sequential writes would.
      const byKey = new Map<string, WriteRequest>();
      for (const request of requests) byKey.set(JSON.stringify(keyOf(kind, 'put' in request ? request.put : request.delete)), request);
      const unique = [...byKey.values()];
      const chunks: WriteRequest[][] = [];
      for (let i = 0; i < unique.length; i += BATCH_SIZE) chunks.push(unique.slice(i, i + BATCH_SIZE));
      const refused: RefusedItem[] = [];
      // DynamoDB refuses a whole batch for one invalid item (BatchWriteItem API reference: "an
      // item ... exceeds 400 KB" is a ValidationException for the request). Such a chunk is
      // written again one item per request, so only the invalid items are left out.
      const writeIsolating = async (chunk: WriteRequest[]) => {
        try {
          await writeChunk(kind, chunk, signal);
        } catch (error) {
          if (!isValidationError(error)) throw error;
          if (chunk.length === 1) {
            const request = chunk[0] as WriteRequest;
            refused.push({ key: keyOf(kind, 'put' in request ? request.put : request.delete), reason: (error as Error).message });
            return;
          }
          for (const request of chunk) await writeIsolating([request]);
        }
      };
      let next = 0;
      const worker = async () => {
        while (next < chunks.length) await writeIsolating(chunks[next++] as WriteRequest[]);
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, chunks.length) }, worker));
      if (refused.length > 0) throw new ItemsRefusedError(tables[kind], refused);
    },
  };
}
