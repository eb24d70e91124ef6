/**
 * A logical backup of every table to one file, and its restore. The file is JSON lines: a header
 * `{format, version, createdAt, tables}` then one `{table, item}` per item, items in DynamoDB's
 * attribute-value form (binary values base64), so any item round-trips exactly. Each table is
 * read with strongly consistent Scans while the service may be running: every item is a
 * committed version, but tables are read one after another, not at one instant — an item
 * written during the export may be in it or not (a later collection run writes it again).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { BatchWriteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { AppError } from '../domain/errors.js';
import { TABLE_KINDS, type TableKind, type TableNames } from './tables.js';

const FORMAT = 'cloud-health-backup';
const VERSION = 1;

/** Items per table, as written or restored. */
export type TableCounts = Partial<Record<TableKind, number>>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function encode(value: AttributeValue): Json {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, encode(v)])) };
  if (value.L !== undefined) return { L: value.L.map(encode) };
  return value as unknown as Json;
}

function decode(value: Record<string, unknown>): AttributeValue {
  if (typeof value.B === 'string') return { B: Buffer.from(value.B, 'base64') };
  if (Array.isArray(value.BS)) return { BS: (value.BS as string[]).map((b) => Buffer.from(b, 'base64')) };
  if (value.M && typeof value.M === 'object') return { M: Object.fromEntries(Object.entries(value.M as Record<string, Record<string, unknown>>).map(([k, v]) => [k, decode(v)])) };
  if (Array.isArray(value.L)) return { L: (value.L as Record<string, unknown>[]).map(decode) };
  return value as unknown as AttributeValue;
}

/** Export every table to `file` (written beside it, then renamed, so a failed export leaves no partial file). Mode 0600: it holds password hashes and sealed secrets. */
export async function exportTables(client: DynamoDBClient, names: TableNames, file: string, now: () => number = Date.now, signal?: AbortSignal): Promise<TableCounts> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  const counts: TableCounts = {};
  try {
    await write(JSON.stringify({ format: FORMAT, version: VERSION, createdAt: new Date(now()).toISOString(), tables: TABLE_KINDS }));
    for (const kind of TABLE_KINDS) {
      let start: Record<string, AttributeValue> | undefined;
      let n = 0;
      do {
        const page = await client.send(new ScanCommand({ TableName: names[kind], ConsistentRead: true, ExclusiveStartKey: start }), { abortSignal: signal });
        for (const item of page.Items ?? []) {
          await write(JSON.stringify({ table: kind, item: encode({ M: item }) }));
          n += 1;
        }
        start = page.LastEvaluatedKey;
      } while (start);
      counts[kind] = n;
    }
    out.end();
    await once(out, 'finish');
    await rename(partial, file);
    return counts;
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

/** Throws `BACKUP_TARGET_NOT_EMPTY` when any table already holds an item: a restore goes into fresh tables only. */
async function assertEmpty(client: DynamoDBClient, names: TableNames, signal?: AbortSignal): Promise<void> {
  for (const kind of TABLE_KINDS) {
    const page = await client.send(new ScanCommand({ TableName: names[kind], Limit: 1 }), { abortSignal: signal });
    if ((page.Items ?? []).length > 0) {
      throw new AppError('BACKUP_TARGET_NOT_EMPTY', `table ${names[kind]} is not empty; restore into a fresh DATA_DIR (or empty tables)`);
    }
  }
}

async function writeBatch(client: DynamoDBClient, table: string, requests: WriteRequest[], signal?: AbortSignal): Promise<void> {
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt > 0) {
      if (attempt > 10) throw new AppError('BACKUP_RESTORE_THROTTLED', `table ${table}: items stayed unprocessed after ${attempt} attempts`);
      await delay(Math.min(2_000, 50 * 2 ** attempt), undefined, { signal });
    }
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }), { abortSignal: signal });
    pending = out.UnprocessedItems?.[table] ?? [];
  }
}

/**
 * Restore a backup file into the tables (which must exist and be empty), 25 items per
 * BatchWriteItem with UnprocessedItems retried. Throws `BACKUP_FORMAT` for a file that is not a backup.
 */
export async function importTables(client: DynamoDBClient, names: TableNames, file: string, signal?: AbortSignal): Promise<TableCounts> {
  await assertEmpty(client, names, signal);
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  const counts: TableCounts = {};
  const batches = new Map<TableKind, WriteRequest[]>();
  let header = false;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as Record<string, unknown>;
    if (!header) {
      if (record.format !== FORMAT || record.version !== VERSION) throw new AppError('BACKUP_FORMAT', `${file} is not a cloud-health backup (version ${VERSION})`);
      header = true;
      continue;
    }
    const kind = record.table as TableKind;
    if (!TABLE_KINDS.includes(kind) || !record.item) throw new AppError('BACKUP_FORMAT', `${file}: an item of unknown table ${String(record.table)}`);
    const item = decode(record.item as Record<string, unknown>).M ?? {};
    const batch = batches.get(kind) ?? [];
    batch.push({ PutRequest: { Item: item } });
    batches.set(kind, batch);
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (batch.length === 25) {
      await writeBatch(client, names[kind], batch, signal);
      batches.set(kind, []);
    }
  }
  if (!header) throw new AppError('BACKUP_FORMAT', `${file} is empty`);
  for (const [kind, batch] of batches) if (batch.length > 0) await writeBatch(client, names[kind], batch, signal);
  return counts;
}
