/**
 * Consumed capacity, as DynamoDB reports it (ReturnConsumedCapacity TOTAL), summed per table
 * and operation, so a benchmark can state the read and write units a tenant costs per cycle.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

/** Units and requests of one operation on one table. */
export interface CapacityEntry {
  requests: number;
  units: number;
  /** Conditional writes that failed: billed, but DynamoDB reports no capacity for them, so 1 unit each is assumed. */
  failedConditions: number;
}

/** Table (kind) -> operation -> totals. */
export type CapacityReport = Record<string, Record<string, CapacityEntry>>;

const READ_OPERATIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

/** Sums consumed capacity; `labels` maps physical table names to the kinds shown in reports. */
export class CapacityMeter {
  private totals: CapacityReport = {};

  constructor(private readonly labels: ReadonlyMap<string, string> = new Map()) {}

  /** Record one response's consumed capacity (a single entry or one per table). */
  record(operation: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined, table: string): void {
    const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
    if (list.length === 0) {
      this.entry(table, operation).requests += 1;
      return;
    }
    list.forEach((item, index) => {
      const entry = this.entry(item.TableName ?? table, operation);
      // A batch touching several tables is still one request.
      if (index === 0) entry.requests += 1;
      entry.units += item.CapacityUnits ?? 0;
    });
  }

  /** Record a conditional write that failed (billed at least 1 write unit). */
  recordFailedCondition(operation: string, table: string): void {
    const entry = this.entry(table, operation);
    entry.requests += 1;
    entry.failedConditions += 1;
    entry.units += 1;
  }

  /** A copy of the totals so far. */
  snapshot(): CapacityReport {
    return structuredClone(this.totals);
  }

  /** Read and write units, and write requests, so far over every table. */
  sum(): { readUnits: number; writeUnits: number; writeRequests: number } {
    let readUnits = 0;
    let writeUnits = 0;
    let writeRequests = 0;
    for (const operations of Object.values(this.totals)) {
      for (const [operation, entry] of Object.entries(operations)) {
        if (READ_OPERATIONS.has(operation)) readUnits += entry.units;
        else {
          writeUnits += entry.units;
          writeRequests += entry.requests;
        }
      }
    }
    return { readUnits, writeUnits, writeRequests };
  }

  /** Start counting from zero (e.g. at the start of a measured cycle). */
  reset(): void {
    this.totals = {};
  }

  private entry(table: string, operation: string): CapacityEntry {
    const label = this.labels.get(table) ?? table;
    const operations = (this.totals[label] ??= {});
    return (operations[operation] ??= { requests: 0, units: 0, failedConditions: 0 });
  }
}
