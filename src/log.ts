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

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
