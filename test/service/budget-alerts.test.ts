/**
 * Budget thresholds per account (issue 16) on the real path: the real cost job through the real
 * SDK clients against the simulator (its clock injected), the real store on dynalite, the
 * notifying sink with the mailer's dispatcher as its recorder (the durable outbox and its
 * conditional-put markers), and SES in the simulator. A threshold crossed is mailed once a month:
 * not again on the next run, nor after a restart of the mailer; a higher one is mailed when
 * crossed; a lower one crossed later (the budget raised) is not.
 */
import t, { type Test } from 'tap';
import { createMailSender } from '../../src/aws/index.js';
import { defaultJobs, type CollectContext } from '../../src/collectors/index.js';
import { systemClock } from '../../src/domain/clock.js';
import { silentLogger } from '../../src/log.js';
import { createMailer, type Mailer } from '../../src/mail/index.js';
import { notifyingSink } from '../../src/service/notifying-sink.js';
import type { Store } from '../../src/store/index.js';
import { PLATFORM_CREDENTIALS, startWorld, type World } from '../aws/sim-world.js';
import { openTestStore } from '../store/fixtures/store.js';

const AWS_ACCOUNT = '123456789012';
const PUBLIC_URL = 'https://budgets.example.com';

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Setup {
  w: World;
  store: Store;
  tenantId: string;
  accountId: string;
  clock: { now: number };
  start(): Mailer;
  collect(mailer: Mailer): Promise<void>;
}

async function setup(t: Test): Promise<Setup> {
  // Mid-month, so the month has spend to date and a forecast for the rest.
  const clock = { now: Date.UTC(2026, 2, 20, 12) };
  const w = await startWorld(t, { now: () => clock.now });
  const { store } = await openTestStore(t);
  const tenant = await store.tenants.create({ name: 'Acme' });
  const account = await store.tenants.addAccount(tenant.id, { name: 'production', awsAccountId: AWS_ACCOUNT, regions: ['us-east-1'], credentials: { type: 'role', roleArn: `arn:aws:iam::${AWS_ACCOUNT}:role/CloudHealthMonitor` } });
  const user = await store.users.create({ tenantId: tenant.id, email: 'alice@example.com', password: 'a long enough password', role: 'owner' });
  await store.users.markEmailVerified(tenant.id, user.id, 'alice@example.com');
  const sender = createMailSender({ region: 'us-east-1', endpoint: w.sim.endpoint, from: 'alerts@example.com', credentials: PLATFORM_CREDENTIALS });
  t.teardown(() => sender.close());
  const log = silentLogger();
  // The mailer decides on the simulated day; its timers are real (delivery retries).
  const mailClock = { now: () => clock.now, setTimer: systemClock.setTimer };
  return {
    w,
    store,
    tenantId: tenant.id,
    accountId: account.id,
    clock,
    start() {
      const mailer = createMailer({ store, sender, mail: { publicUrl: PUBLIC_URL }, log, options: { batchWindowMs: 0, flushMs: 10_000, clock: mailClock } });
      mailer.start();
      t.teardown(() => mailer.stop());
      return mailer;
    },
    async collect(mailer) {
      const stored = (await store.tenants.get(tenant.id))!;
      const sink = notifyingSink(store.results, [], { log, recorders: [mailer.dispatcher] });
      const ctx: CollectContext = {
        tenantId: tenant.id,
        kind: 'cost',
        accounts: stored.accounts,
        settings: stored.settings,
        now: clock.now,
        intervalMs: 12 * 3_600_000,
        force: true,
        previous: () => undefined,
        signal: new AbortController().signal,
        aws: w.aws,
        call: (_service, fn) => fn(new AbortController().signal),
        sink,
        memory: new Map(),
        log,
      };
      await defaultJobs().cost(ctx);
    },
  };
}

t.test("an account's budget thresholds alert once a month each, across runs and a restart", async (t) => {
  const s = await setup(t);
  const budgetMails = () => s.w.sim.outbox().filter((m) => /budget/i.test(m.subject) || /budget/i.test(m.text ?? ''));

  let mailer = s.start();
  await s.collect(mailer);
  const rows = await s.store.costs.daily(s.tenantId, { start: '2026-03-01', end: '2026-03-21', accountId: s.accountId });
  const monthToDate = rows.reduce((sum, row) => sum + row.amountUsd, 0);
  t.ok(monthToDate > 0, 'the month has spend to date');
  t.equal(budgetMails().length, 0, 'no budget, no budget mail');

  // A budget the month to date is 85 % of: 50 and 80 % of actual are crossed (80 is mailed);
  // with ~11 days still to come the forecast is far past 100 %.
  const budget = Math.round((monthToDate / 0.85) * 100) / 100;
  await s.store.tenants.updateAccount(s.tenantId, s.accountId, { monthlyBudgetUsd: budget });
  await s.collect(mailer);
  await eventually('the budget email', () => budgetMails().length > 0);
  const [first] = budgetMails();
  t.same(first!.to, ['alice@example.com']);
  t.match(first!.text, '80% of the budget of account production spent in 2026-03', 'the highest actual threshold crossed');
  t.match(first!.text, 'Spend for 2026-03 forecast at 100% of the budget of account production', 'the forecast threshold');
  t.notMatch(first!.text, /\b50% of/, 'the lower threshold is not mailed as well');

  // The next run, then a restart of the mailer and another run: nothing new.
  await s.collect(mailer);
  await mailer.stop();
  mailer = s.start();
  s.clock.now += 3_600_000;
  await s.collect(mailer);
  await mailer.stop();
  t.equal(budgetMails().length, 1, 'one email across a second run and a restart');
  const markers = await Promise.all(
    ['budget:' + s.accountId + ':2026-03:80:actual', 'budget:' + s.accountId + ':2026-03:50:actual', 'budget:' + s.accountId + ':2026-03:100:forecast'].map((key) => s.store.alerts.claim(s.tenantId, key, 60_000, 'outbox:someone-else')),
  );
  t.same(markers, [false, false, false], 'the thresholds mailed and the one below are claimed for the month');

  // The budget cut below the month to date: 100 % of actual is crossed, mailed once.
  mailer = s.start();
  await s.store.tenants.updateAccount(s.tenantId, s.accountId, { monthlyBudgetUsd: Math.floor(monthToDate * 0.9 * 100) / 100 });
  await s.collect(mailer);
  await eventually('the 100 % email', () => budgetMails().length > 1);
  await s.collect(mailer);
  await mailer.stop();
  const mails = budgetMails();
  t.equal(mails.length, 2, 'one more email, for the new threshold only');
  t.match(mails[1]!.text, '100% of the budget of account production spent in 2026-03');
  t.notMatch(mails[1]!.text, 'forecast at 100%', 'the forecast threshold was mailed already');
});
