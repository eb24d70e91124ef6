/**
 * `npm run sim`: the standalone simulator on http://127.0.0.1:$SIM_PORT (default 4566), serving
 * every simulated service and the `/_sim/` control endpoints. `--seed=<n>` picks the data set.
 * The control endpoints need `Authorization: Bearer $SIM_CONTROL_TOKEN`; without that setting a
 * token is generated and logged once, so only whoever reads this process's output can use them.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { startSimulator } from './simulator.js';

const { values } = parseArgs({ options: { seed: { type: 'string' } }, allowPositionals: false });
const config = loadConfig();
const log = createLogger({ level: config.logLevel }).child({ component: 'sim' });
const seed = values.seed === undefined ? 1 : Number(values.seed);
if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');

const generated = config.simControlToken === undefined;
const token = config.simControlToken ?? randomBytes(24).toString('base64url');
const sim = await startSimulator({ port: config.simPort, host: '127.0.0.1', seed, log, control: { token } });
// Shown once on purpose when generated (like demo mode's password): it is this local tool's only key.
if (generated) log.info({ simControlToken: token, endpoint: sim.endpoint }, 'simulator control token (set SIM_CONTROL_TOKEN to choose one)');

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping the AWS simulator');
  sim.close().then(
    () => process.exit(0),
    (error: unknown) => {
      log.error({ err: error }, 'closing the AWS simulator failed');
      process.exit(1);
    },
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
