/**
 * The soak's AWS simulator in a process of its own (`npm run soak -- --sim apart`): the demo world
 * for N tenants with demo mode's retention, so the soak's process holds only the service, as a
 * production instance does. Sends `{ endpoint }` once listening, then answers each `sample`
 * message with its own memory and the emails SES accepted; exits when its parent goes away.
 *
 *   child_process.fork('.bench-build/bench/soak-sim.js', ['1000'])
 */
import { createLogger } from '../src/log.js';
import { DEMO_SENDER, demoSimOptions } from '../src/service/demo-seed.js';
import { startSimulator } from '../src/sim/index.js';

const tenants = Number(process.argv[2] ?? '100');
const log = createLogger({ level: 'error' });
const sim = await startSimulator({ seed: 1, ...demoSimOptions(tenants, DEMO_SENDER), log: log.child({ component: 'sim' }) });
const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (message: unknown) => {
  if (message !== 'sample') return;
  gc?.();
  const memory = process.memoryUsage();
  process.send?.({ heapUsed: memory.heapUsed, rss: memory.rss, emailsAccepted: sim.emailsAccepted() });
});
process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
process.send?.({ endpoint: sim.endpoint });
