/**
 * The API benchmark's stand-ins for what a production deployment reaches over the network:
 * DynamoDB (dynalite on LevelDB) and AWS (the simulator with the demo world), run in this
 * separate process so their CPU is not the API's event loop. Prints one JSON line with both
 * endpoints, then serves until SIGTERM or until its parent goes away (stdin closes).
 *
 *   node .bench-build/bench/api-backends.js '{"tenants":20,"dir":"/tmp/x"}'
 */
import { createLogger } from '../src/log.js';
import { DEMO_SENDER, demoSimOptions } from '../src/service/demo-seed.js';
import { startSimulator } from '../src/sim/index.js';
import { startEmbeddedDynamo } from '../src/store/embedded-dynamo.js';

const options = JSON.parse(process.argv[2] ?? '{}') as { tenants: number; dir: string };
const log = createLogger({ level: 'error' });
const dynamo = await startEmbeddedDynamo({ path: options.dir });
const sim = await startSimulator({ seed: 1, ...demoSimOptions(options.tenants, DEMO_SENDER), log: log.child({ component: 'sim' }) });
process.stdout.write(`${JSON.stringify({ dynamodb: dynamo.endpoint, sim: sim.endpoint })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  Promise.allSettled([sim.close(), dynamo.close()]).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.stdin.on('close', stop);
process.stdin.resume();
