import t from 'tap';
import { AppError } from '../../src/domain/errors.js';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../src/rules/rule-thresholds.js';
import { impactOfMonthlyUsd } from '../../src/rules/impact.js';

t.test('defaults as documented', async (t) => {
  t.match(resolveThresholds(), {
    ec2IdleCpuPct: 5,
    ec2UnderusedCpuPct: 20,
    ec2LookbackDays: 14,
    ec2MinDays: 14,
    ec2HotCpuPct: 80,
    ec2HotShare: 0.75,
    ec2HotLookbackDays: 7,
    costSpikeStdDevs: 3,
    costSpikeMinIncreaseUsd: 10,
    costSpikeHistoryDays: 14,
    costSpikeMinHistoryDays: 12,
    findingMinSeverity: 7,
  });
  t.ok(Object.isFrozen(DEFAULT_THRESHOLDS));
});

t.test('overrides merge; undefined keeps the default', async (t) => {
  const r = resolveThresholds({ ec2IdleCpuPct: 3, costSpikeStdDevs: undefined });
  t.equal(r.ec2IdleCpuPct, 3);
  t.equal(r.costSpikeStdDevs, 3);
});

t.test('contradictory or out-of-range values are rejected with a code the API can show', async (t) => {
  const bad = [
    { ec2IdleCpuPct: -1 },
    { ec2IdleCpuPct: Number.NaN },
    { ec2IdleCpuPct: 30 },
    { ec2MinDays: 20 },
    { ec2LookbackDays: 2.5, ec2MinDays: 2 },
    { costSpikeMinHistoryDays: 15 },
    { ec2HotShare: 0 },
    { ec2HotShare: 1.5 },
    { findingMinSeverity: 11 },
    { priorityMediumUsd: 500 },
  ];
  for (const overrides of bad) {
    t.throws(() => resolveThresholds(overrides), { code: 'INVALID_THRESHOLDS', status: 400, expose: true }, JSON.stringify(overrides));
  }
  t.throws(() => resolveThresholds({ ec2IdleCpuPct: -1 }), AppError);
});

t.test('money impact: priority at and around the thresholds, score consistent with it', async (t) => {
  const T = DEFAULT_THRESHOLDS;
  t.same(impactOfMonthlyUsd(49.99, T).priority, 'low');
  t.same(impactOfMonthlyUsd(50, T), { priority: 'medium', impactScore: 40 });
  t.same(impactOfMonthlyUsd(499.99, T).priority, 'medium');
  t.ok(impactOfMonthlyUsd(499.99, T).impactScore < 70);
  t.same(impactOfMonthlyUsd(500, T), { priority: 'high', impactScore: 70 });
  t.same(impactOfMonthlyUsd(5000, T), { priority: 'high', impactScore: 100 });
  t.same(impactOfMonthlyUsd(0, T), { priority: 'low', impactScore: 0 });
  t.ok(impactOfMonthlyUsd(200, T).impactScore > impactOfMonthlyUsd(100, T).impactScore, 'monotonic');
});
