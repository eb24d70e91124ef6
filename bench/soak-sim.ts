/**
 * The soak's backends in a process of their own (`npm run soak -- --sim apart [--store apart]`):
 * the AWS simulator with the demo world for N tenants and demo mode's retention, and, given a
 * directory, dynalite on it as a DynamoDB endpoint, so the soak's process holds only the service,
 * as a production instance does. Sends `{ endpoint, dynamodb? }` once listening, then answers each
 * `sample` message with its own memory and the emails SES accepted; exits when its parent goes away.
 *
 *   child_process.fork('.bench-build/bench/soak-sim.js', ['1000', '/tmp/data/dynamodb'])
 */
import { createLogger } from '../src/log.js';
import { DEMO_SENDER, demoSimOptions } from '../src/service/demo-seed.js';
import { startSimulator } from '../src/sim/index.js';
import { startEmbeddedDynamo } from '../src/store/embedded-dynamo.js';

const tenants = Number(process.argv[2] ?? '100');
const log = createLogger({ level: 'error' });
const sim = await startSimulator({ seed: 1, ...demoSimOptions(tenants, DEMO_SENDER), log: log.child({ component: 'sim' }) });
const dynamo = process.argv[3] ? await startEmbeddedDynamo({ path: process.argv[3] }) : undefined;
const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (message: unknown) => {
  if (message !== 'sample') return;
  gc?.();
  const memory = process.memoryUsage();
  process.send?.({ heapUsed: memory.heapUsed, rss: memory.rss, emailsAccepted: sim.emailsAccepted() });
});
process.on('disconnect', () => void Promise.allSettled([sim.close(), dynamo?.close()]).then(() => process.exit(0)));
process.send?.({ endpoint: sim.endpoint, ...(dynamo ? { dynamodb: dynamo.endpoint } : {}) });
