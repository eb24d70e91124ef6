/**
 * `npm run tables`: create the DynamoDB tables (on-demand) and enable TTL, for production.
 * Uses DYNAMODB_ENDPOINT when set, else AWS in AWS_REGION with the default credential chain.
 * Options: `--prefix <table prefix>` (default `cloud-health-`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { ensureTables } from './ensure-tables.js';
import { tableNames } from './tables.js';

async function main(argv: string[]): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel });
  const [command, ...rest] = argv;
  if (command !== 'tables') {
    log.error({ command }, 'usage: cli.ts tables [--prefix <table prefix>]');
    process.exitCode = 2;
    return;
  }
  const prefixAt = rest.indexOf('--prefix');
  const prefix = prefixAt >= 0 ? (rest[prefixAt + 1] ?? '') : 'cloud-health-';
  const client = new DynamoDBClient({ region: config.awsRegion, ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}) });
  try {
    const result = await ensureTables(client, tableNames(prefix), { log, mode: 'create' });
    log.info({ created: result.created, ttl: result.ttl, prefix }, 'tables ready');
  } catch (error) {
    log.error({ err: error }, 'creating the tables failed');
    process.exitCode = 1;
  } finally {
    client.destroy();
  }
}

await main(process.argv.slice(2));
