import t from 'tap';
import { readFile } from 'node:fs/promises';
import { CONFIG_VARIABLES, loadConfig, parseDuration } from '../src/config.js';

t.test('durations', async (t) => {
  t.equal(parseDuration('500ms'), 500);
  t.equal(parseDuration('30s'), 30_000);
  t.equal(parseDuration('1.5h'), 5_400_000);
  t.equal(parseDuration('250'), 250);
  t.throws(() => parseDuration('soon'), /not a duration/);
});

t.test('demo mode by default, fast cadence; production needs its settings', async (t) => {
  const demo = loadConfig({});
  t.equal(demo.mode, 'demo');
  t.equal(demo.intervalsMs.metrics, 60_000);
  t.throws(() => loadConfig({ MODE: 'production' }), /ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, SES_FROM, PUBLIC_URL, OPERATOR_TOKEN/);
  t.throws(() => loadConfig({ SES_FROM: 'a@b.c' }), /production mode needs/, 'a production setting switches to production');
  const prod = loadConfig({ MODE: 'production', ENCRYPTION_KEY_FILE: '/k', SES_FROM: 'a@b.c', PUBLIC_URL: 'https://x', OPERATOR_TOKEN: 't' });
  t.equal(prod.intervalsMs.cost, 3_600_000, 'cost ticks hourly; its paid steps keep their own cadences (cadences.ts)');
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
  t.throws(() => loadConfig({ COST_INTERVAL: 'often' }), /COST_INTERVAL: not a duration/);
  t.equal(demo.timerSlackMs, 25, 'timers share turns within 25 ms slots by default');
  t.equal(loadConfig({ TIMER_SLACK: '0' }).timerSlackMs, 0, 'exact timers on request');
  t.throws(() => loadConfig({ TIMER_SLACK: '2s' }), /TIMER_SLACK must be at most 500ms/);
  t.ok(Object.isFrozen(demo));
});

t.test('the README configuration table lists every variable', async (t) => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  for (const name of CONFIG_VARIABLES) t.match(readme, `| \`${name}\` |`, name);
});
