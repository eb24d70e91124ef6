/** AWS Health alert decisions: openings against the stored answer, baselines, preferences, keys. */
import t from 'tap';
import type { HealthEvent } from '../../src/domain/records.js';
import { decideHealthAlerts, healthAlertKey, healthOpenings } from '../../src/rules/index.js';

const event = (arn: string, category: HealthEvent['category'], status: HealthEvent['status'], lastUpdatedTime = '2026-03-01T00:00:00.000Z'): HealthEvent => ({
  arn,
  service: 'EC2',
  eventTypeCode: 'AWS_EC2_OPERATIONAL_ISSUE',
  category,
  region: 'us-east-1',
  status,
  lastUpdatedTime,
  affectedEntities: ['i-1'],
});
const all = { healthIssues: true, healthScheduled: true };

t.test('the first read of an account is a baseline: recorded, never mailed', async (t) => {
  const openings = healthOpenings('a-1', undefined, [event('e1', 'issue', 'open'), event('e2', 'scheduledChange', 'upcoming')]);
  t.same(openings.map((o) => [o.key, o.kind, o.baseline]), [['health:a-1:e1', 'issue', true], ['health:a-1:e2', 'scheduled', true]]);
  t.same(decideHealthAlerts(openings, all, new Set()), [], 'connecting sends no mail');
});

t.test('an issue alerts when it opens, once: not while upcoming, not on later updates, not when it closes', async (t) => {
  const upcoming = [event('e1', 'issue', 'upcoming')];
  t.same(healthOpenings('a-1', [], upcoming), [], 'an upcoming issue is not open yet');
  const open = [event('e1', 'issue', 'open')];
  const opened = healthOpenings('a-1', upcoming, open);
  t.same(decideHealthAlerts(opened, all, new Set()).map((o) => o.key), ['health:a-1:e1']);
  t.same(healthOpenings('a-1', open, [event('e1', 'issue', 'open', '2026-03-01T02:00:00.000Z')]), [], 'an update AWS posts (lastUpdatedTime moves) is the same alert');
  t.same(healthOpenings('a-1', open, [event('e1', 'issue', 'closed')]), [], 'closing does not alert');
  t.same(decideHealthAlerts(opened, all, new Set(['health:a-1:e1'])), [], 'a key already sent is left out');
  t.equal(healthAlertKey('a-2', 'e1'), 'health:a-2:e1', 'the same public event in another account is its own alert');
});

t.test('scheduled maintenance alerts when announced, only for who asked; notifications never', async (t) => {
  const openings = healthOpenings('a-1', [], [event('s1', 'scheduledChange', 'upcoming'), event('n1', 'accountNotification', 'open'), event('i1', 'issue', 'open')]);
  t.same(openings.map((o) => o.kind), ['scheduled', 'issue']);
  t.same(decideHealthAlerts(openings, { healthIssues: true, healthScheduled: false }, new Set()).map((o) => o.kind), ['issue']);
  t.same(decideHealthAlerts(openings, { healthIssues: false, healthScheduled: true }, new Set()).map((o) => o.kind), ['scheduled']);
  t.same(healthOpenings('a-1', [event('s1', 'scheduledChange', 'upcoming')], [event('s1', 'scheduledChange', 'open')]), [], 'maintenance starting is the same alert');
});
