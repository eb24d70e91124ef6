/**
 * The process: read the configuration, start the service, stop it on SIGTERM/SIGINT within the
 * shutdown deadline. A second signal, or a stop that outlives the deadline, exits at once.
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { startService } from './service/start-service.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`cloud-health: ${error.message}\n`);
  process.exit(78); // EX_CONFIG: systemd will not hammer restarts on a bad configuration
}
const log = createLogger({ level: config.logLevel });
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

const service = await startService(config, log).catch((error: unknown) => {
  log.fatal({ err: error }, 'could not start');
  process.exit(1);
});

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) {
    log.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  log.info({ signal, deadlineMs: config.shutdownDeadlineMs }, 'stopping');
  // The deadline bounds collection; give closing the rest a little more before giving up.
  const guard = setTimeout(() => {
    log.error('stop took too long: exiting');
    process.exit(1);
  }, config.shutdownDeadlineMs + 15_000);
  guard.unref();
  service.stop().then(
    () => {
      log.info('stopped');
      process.removeListener('SIGTERM', stop);
      process.removeListener('SIGINT', stop);
    },
    (error: unknown) => {
      log.error({ err: error }, 'stop failed');
      process.exitCode = 1;
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
