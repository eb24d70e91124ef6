/**
 * The process: read the configuration, start the service, stop it on SIGTERM/SIGINT within the
 * shutdown deadline plus a bounded flush (exit 0). A second signal, or a stop that outlives that,
 * exits 1 at once.
 */
import { chmod, mkdir } from 'node:fs/promises';
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
// DATA_DIR holds the embedded tables (password hashes, sealed AWS keys) and the demo key file:
// everything this process creates is private to its user (files 0600, directories 0700), and a
// DATA_DIR left world-readable by an older version is closed again.
process.umask(0o077);
await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
await chmod(config.dataDir, 0o700);
const log = createLogger({ level: config.logLevel });
routeProcessWarnings(log);
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

const service = await startService(config, log).catch((error: unknown) => {
  log.fatal({ err: error }, 'could not start');
  process.exit(1);
});

// Collection's deadline, then the bounded flush and closing (start-service.ts), then a margin.
stopOnSignal({ stop: () => service.stop(), giveUpAfterMs: config.shutdownDeadlineMs + STOP_FLUSH_MS + 5_000, log });

// The collection thread ended on its own: stop what is left and exit 1, so systemd starts the
// service afresh instead of leaving an API that serves data nobody collects.
void service.failed.then(async (error) => {
  log.fatal({ err: error }, 'collection stopped; stopping the service');
  const giveUp = setTimeout(() => process.exit(1), config.shutdownDeadlineMs + STOP_FLUSH_MS + 5_000);
  giveUp.unref();
  await service.stop();
  process.exit(1);
});
