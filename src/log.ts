/**
 * The structured logger (pino, JSON lines). Data goes in fields, not in the message; secrets
 * never reach it — the redaction list is a second line of defence, not the first.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'password',
  'secret',
  'secretAccessKey',
  'sessionToken',
  'token',
  'authorization',
  'cookie',
  '*.password',
  '*.secret',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.token',
  '*.authorization',
  '*.cookie',
];

/** Create the process logger; `destination` defaults to stdout (journald captures it under systemd). */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', base: { service: 'cloud-health' }, redact: { paths: REDACT, censor: '[redacted]' } },
    options.destination as pino.DestinationStream | undefined,
  );
}

/**
 * Where `log` writes its lines (pino's destination: a sonic-boom on fd 1 for stdout), for another
 * thread's logger to write the same place.
 */
export function logDestination(log: Logger): { write(line: string): unknown; fd?: unknown } | undefined {
  return (log as unknown as Record<symbol, { write(line: string): unknown; fd?: unknown } | undefined>)[pino.symbols.streamSym];
}

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** What the AWS SDK calls on a `logger` (its clients' and HTTP handler's `logger` option). */
export interface SdkLogger {
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

/**
 * The AWS SDK's logger on pino: warnings (e.g. "socket usage at capacity") and errors become JSON
 * lines instead of plain text on stderr. Debug and info are dropped: the SDK logs whole requests
 * and responses there, which may hold secrets.
 */
export function sdkLogger(log: Logger): SdkLogger {
  const text = (content: unknown[]) => content.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...content) => log.warn({ sdk: text(content) }, 'aws sdk warning'),
    error: (...content) => log.error({ sdk: text(content) }, 'aws sdk error'),
  };
}

/**
 * Send the process's warnings (`process.emitWarning`: the AWS SDK's Node end-of-support notice,
 * deprecations) to `log` as JSON lines, in place of Node's plain-text printer on stderr, which
 * is removed. Call once, in the process's entry point.
 */
export function routeProcessWarnings(log: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    log.warn({ warning: { name: warning.name, ...(warning.code ? { code: warning.code } : {}), message: warning.message } }, 'process warning');
  });
}
