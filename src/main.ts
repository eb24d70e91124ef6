/**
 * The process: read the configuration, start the service, stop it on SIGTERM/SIGINT within the
 * shutdown deadline plus a bounded flush (exit 0). A second signal, or a stop that outlives that,
 * exits 1 at once.
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger, routeProcessWarnings } from './log.js';
import { startService, STOP_FLUSH_MS } from './service/start-service.js';
import { stopOnSignal } from './service/stop-on-signal.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`cloud-health: ${error.message}\n`);
  process.exit(78); // EX_CONFIG: systemd will not hammer restarts on a bad configuration
}
const log = createLogger({ level: config.logLevel });
routeProcessWarnings(log);
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

const service = await startService(config, log).catch((error: unknown) => {
  log.fatal({ err: error }, 'could not start');
  process.exit(1);
});

// Collection's deadline, then the bounded flush and closing (start-service.ts), then a margin.
stopOnSignal({ stop: () => service.stop(), giveUpAfterMs: config.shutdownDeadlineMs + STOP_FLUSH_MS + 5_000, log });
