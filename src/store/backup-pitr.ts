/**
 * Point-in-time recovery for production tables. PITR keeps continuous backups for the last 1-35
 * days (35 by default) and restores any second of them to a new table; it is billed per GB of
 * table size per month whatever the window ("Enable point-in-time recovery in DynamoDB",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html).
 */
import { UpdateContinuousBackupsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger } from '../log.js';
import { TABLE_KINDS, type TableNames } from './tables.js';

/** What `enablePointInTimeRecovery` did. `unsupported`: the endpoint (dynalite) has no UpdateContinuousBackups. */
export interface PitrResult {
  pitr: 'enabled' | 'unsupported';
  tables: string[];
}

/**
 * Turn PITR on for every table (UpdateContinuousBackups; idempotent, so `tables` can run again).
 * dynalite answers UnknownOperationException: the embedded store has `backup` instead.
 */
export async function enablePointInTimeRecovery(client: DynamoDBClient, names: TableNames, log: Logger, signal?: AbortSignal): Promise<PitrResult> {
  const tables: string[] = [];
  for (const kind of TABLE_KINDS) {
    try {
      await client.send(
        new UpdateContinuousBackupsCommand({ TableName: names[kind], PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        { abortSignal: signal },
      );
      tables.push(names[kind]);
    } catch (error) {
      if (error instanceof Error && error.name === 'UnknownOperationException') {
        log.warn({ table: names[kind] }, 'this DynamoDB endpoint has no point-in-time recovery; use "cli.js backup" for its data');
        return { pitr: 'unsupported', tables };
      }
      throw error;
    }
  }
  return { pitr: 'enabled', tables };
}
