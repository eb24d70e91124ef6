/**
 * The store's operator commands (`node dist/src/store/cli.js <command>`):
 * - `tables [--prefix p]`: create the DynamoDB tables (on-demand), enable TTL and point-in-time
 *   recovery. Uses DYNAMODB_ENDPOINT when set, else AWS in AWS_REGION with the default chain.
 * - `backup <file> [--prefix p]`: export every table to a file (JSON lines). In embedded (demo)
 *   mode it reads the running service's tables, or DATA_DIR directly when the service is stopped.
 * - `restore <file> [--prefix p]`: load such a file into empty tables (created when missing),
 *   e.g. a fresh DATA_DIR.
 * `--prefix` defaults to `cloud-health-`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { openBackupClient } from './backup-client.js';
import { exportTables, importTables } from './backup-file.js';
import { enablePointInTimeRecovery } from './backup-pitr.js';
import { storeOptionsFromConfig } from './create-store.js';
import { ensureTables } from './ensure-tables.js';
import { tableNames } from './tables.js';

const USAGE = 'usage: cli.js tables | backup <file> | restore <file>  [--prefix <table prefix>]';

async function main(argv: string[]): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel });
  const [command, ...rest] = argv;
  const prefixAt = rest.indexOf('--prefix');
  const prefix = prefixAt >= 0 ? (rest[prefixAt + 1] ?? '') : 'cloud-health-';
  const positional = prefixAt >= 0 ? rest.filter((_, i) => i !== prefixAt && i !== prefixAt + 1) : rest;
  const names = tableNames(prefix);
  try {
    if (command === 'tables') {
      const client = new DynamoDBClient({ region: config.awsRegion, ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}) });
      try {
        const result = await ensureTables(client, names, { log, mode: 'create' });
        const pitr = await enablePointInTimeRecovery(client, names, log);
        log.info({ created: result.created, ttl: result.ttl, pitr: pitr.pitr, prefix }, 'tables ready');
      } finally {
        client.destroy();
      }
      return;
    }
    const file = positional[0];
    if ((command !== 'backup' && command !== 'restore') || !file) {
      log.error({ command }, USAGE);
      process.exitCode = 2;
      return;
    }
    const location = storeOptionsFromConfig(config, log).dynamo;
    const opened = await openBackupClient(location, config.awsRegion);
    try {
      if (command === 'backup') {
        const counts = await exportTables(opened.client, names, file);
        log.info({ file, via: opened.via, items: counts, prefix }, 'backup written');
      } else {
        await ensureTables(opened.client, names, { log, mode: 'create' });
        const counts = await importTables(opened.client, names, file);
        log.info({ file, via: opened.via, items: counts, prefix }, 'backup restored');
      }
    } finally {
      await opened.close();
    }
  } catch (error) {
    log.error({ err: error, command }, 'store command failed');
    process.exitCode = 1;
  }
}

await main(process.argv.slice(2));
