/**
 * End-to-end fixtures: a simulator and the real adapters pointed at it, closed on teardown.
 * Accounts are reached the way production reaches them: a role assumed through STS with an
 * ExternalId, or static keys opened through `openSecret`.
 */
import type { Test } from 'tap';
import type { AccountTarget } from '../../src/domain/gateway.js';
import { silentLogger } from '../../src/log.js';
import type { CollectionResult, ResultSink } from '../../src/domain/sink.js';
import { createAwsGateway, type AwsAdapters, type AwsGatewayDeps } from '../../src/aws/index.js';
import { accessKeyIdForAccount, startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';

export interface World {
  sim: Simulator;
  aws: AwsAdapters;
  /** An account connected through an IAM role (AssumeRole + ExternalId). */
  role(awsAccountId: string, tenantId?: string): AccountTarget;
  /** An account connected with static keys (the sealed secret is opened by the fake openSecret). */
  keys(awsAccountId: string, tenantId?: string): AccountTarget;
}

/** The platform's own credentials: the simulator accepts any. */
export const PLATFORM_CREDENTIALS = { accessKeyId: 'AKIAPLATFORMEXAMPLE1', secretAccessKey: 'platform-secret' };

/** Start a simulator and a gateway on it; both close when `t` ends. */
export async function startWorld(t: Test, sim: SimulatorOptions = {}, gateway: Partial<AwsGatewayDeps> = {}): Promise<World> {
  const simulator = await startSimulator({ seed: 7, ...sim });
  const aws = createAwsGateway({
    region: 'us-east-1',
    endpoint: simulator.endpoint,
    platformCredentials: PLATFORM_CREDENTIALS,
    openSecret: (sealed) => `opened-${sealed.keyId}`,
    logger: silentLogger(),
    ...gateway,
  });
  t.teardown(async () => {
    aws.close();
    await simulator.close();
  });
  return {
    sim: simulator,
    aws,
    role: (awsAccountId, tenantId = `tenant-${awsAccountId}`) => ({
      id: `conn-${awsAccountId}`,
      tenantId,
      awsAccountId,
      credentials: { type: 'role', roleArn: `arn:aws:iam::${awsAccountId}:role/CloudHealthMonitor`, externalId: `ext-${tenantId}` },
    }),
    keys: (awsAccountId, tenantId = `tenant-${awsAccountId}`) => ({
      id: `conn-keys-${awsAccountId}`,
      tenantId,
      awsAccountId,
      credentials: { type: 'keys', accessKeyId: accessKeyIdForAccount(awsAccountId), secret: { keyId: 'k1', blob: 'c2VhbGVk' } },
    }),
  };
}

/** A fresh signal that is never aborted. */
export const live = (): AbortSignal => new AbortController().signal;

/** A result sink in memory: results kept in order, watermarks in a map, run statuses dropped. */
export function memorySink(): ResultSink & { results: CollectionResult[] } {
  const marks = new Map<string, string>();
  const results: CollectionResult[] = [];
  return {
    results,
    write: async (result) => void results.push(result),
    getWatermark: async (tenant, account, kind) => marks.get(`${tenant}/${account}/${kind}`),
    setWatermark: async (tenant, account, kind, value) => void marks.set(`${tenant}/${account}/${kind}`, value),
    setAccountStatus: async () => undefined,
    getRunStatus: async () => undefined,
    putRunStatus: async () => undefined,
    flush: async () => undefined,
  };
}
