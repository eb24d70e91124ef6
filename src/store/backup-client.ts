/**
 * The DynamoDB client the backup commands use: for the embedded store, the running service's
 * dynalite when it answers (LevelDB admits one process per directory), else dynalite opened on
 * DATA_DIR directly; otherwise the configured endpoint or AWS.
 */
import { readFile } from 'node:fs/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoLocation } from './create-store.js';
import { endpointFileOf, startEmbeddedDynamo } from './embedded-dynamo.js';

/** A client and how it was reached; `close` releases it (and the dynalite it opened, if any). */
export interface BackupClient {
  client: DynamoDBClient;
  /** `running-service`: through the running service's embedded endpoint; `direct`: dynalite opened here. */
  via: 'running-service' | 'direct' | 'endpoint' | 'aws';
  close(): Promise<void>;
}

const EMBEDDED_CREDENTIALS = { accessKeyId: 'embedded', secretAccessKey: 'embedded' };

async function answers(client: DynamoDBClient): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(3_000) });
    return true;
  } catch {
    return false;
  }
}

/** Open a client on `location` in `region`. */
export async function openBackupClient(location: DynamoLocation, region: string): Promise<BackupClient> {
  if (location.kind === 'embedded') {
    const endpoint = await readFile(endpointFileOf(location.path), 'utf8').catch(() => undefined);
    if (endpoint && /^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint.trim())) {
      const client = new DynamoDBClient({ region, endpoint: endpoint.trim(), credentials: EMBEDDED_CREDENTIALS, maxAttempts: 1 });
      if (await answers(client)) return { client, via: 'running-service', close: async () => client.destroy() };
      client.destroy(); // a stale file from a service that did not stop cleanly
    }
    const embedded = await startEmbeddedDynamo({ path: location.path });
    const client = new DynamoDBClient({ region, endpoint: embedded.endpoint, credentials: EMBEDDED_CREDENTIALS });
    return {
      client,
      via: 'direct',
      close: async () => {
        client.destroy();
        await embedded.close();
      },
    };
  }
  const client = new DynamoDBClient({ region, ...(location.kind === 'endpoint' ? { endpoint: location.endpoint } : {}) });
  return { client, via: location.kind, close: async () => client.destroy() };
}
