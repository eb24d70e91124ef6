/**
 * Demo mode's tenants: a few organisations with verified users and simulated AWS accounts
 * (role ARNs the simulator accepts), created once and kept in DATA_DIR across restarts.
 * One account is given rejected credentials and one is throttled, so the dashboard and the
 * operator view show what failures look like.
 */
import type { Logger } from '../log.js';
import type { FaultSpec } from '../sim/index.js';
import type { Store } from '../store/create-store.js';

/** The demo users' password: demo mode only, printed in the log. */
export const DEMO_PASSWORD = 'cloudhealth-demo';

const ORGANISATIONS = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Tyrell'];

/** The 12-digit AWS account id of demo tenant `n`'s account `k`. */
export function demoAwsAccountId(n: number, k: number): string {
  return String(210_000_000_000 + n * 10 + k);
}

/** Faults that make the demo interesting: tenant 2's second account is refused, tenant 3's throttled. */
export function demoFaults(tenants: number): FaultSpec[] {
  const faults: FaultSpec[] = [];
  if (tenants >= 2) faults.push({ account: demoAwsAccountId(1, 1), rejectCredentials: true });
  if (tenants >= 3) faults.push({ account: demoAwsAccountId(2, 0), throttleRate: 0.3, latencyMs: { min: 50, max: 400 } });
  return faults;
}

/** Create the demo tenants that do not exist yet; returns the logins. */
export async function seedDemo(store: Store, count: number, log: Logger): Promise<{ email: string; tenant: string }[]> {
  const logins: { email: string; tenant: string }[] = [];
  for (let n = 0; n < count; n++) {
    const email = `demo${n + 1}@example.com`;
    const name = ORGANISATIONS[n % ORGANISATIONS.length]! + (n >= ORGANISATIONS.length ? ` ${n + 1}` : '');
    logins.push({ email, tenant: name });
    if (await store.users.findByEmail(email)) continue;
    const tenant = await store.tenants.create({ name, settings: { monthlyBudgetUsd: 2_000 } });
    const user = await store.users.create({ tenantId: tenant.id, email, password: DEMO_PASSWORD, role: 'owner' });
    await store.users.markEmailVerified(tenant.id, user.id, email);
    const accounts = n % 2 === 0 ? 1 : 2;
    for (let k = 0; k < accounts; k++) {
      const awsAccountId = demoAwsAccountId(n, k);
      await store.tenants.addAccount(tenant.id, {
        name: k === 0 ? 'production' : 'staging',
        awsAccountId,
        regions: k === 0 ? ['us-east-1', 'eu-west-1'] : ['us-east-1'],
        credentials: { type: 'role', roleArn: `arn:aws:iam::${awsAccountId}:role/CloudHealthDemo` },
      });
    }
    log.info({ tenant: tenant.id, name }, 'demo tenant created');
  }
  return logins;
}
