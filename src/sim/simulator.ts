/** Starts the simulator: one HTTP server for every simulated service, plus its control API. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../log.js';
import { AccountBook } from './account-book.js';
import { createControlHandler } from './control.js';
import { SessionBook } from './credentials.js';
import { FindingStore } from './world/findings.js';
import { shapeInventory } from './world/inventory.js';
import { FaultBook } from './faults.js';
import { createRequestHandler } from './http-handler.js';
import { Lifecycle } from './lifecycle.js';
import { CallRecorder } from './recorder.js';
import { SERVICES } from './services/registry.js';
import type { SimContext } from './services/service.js';
import type { InjectedFinding, SentEmail, SimSesOptions, Simulator, SimulatorOptions } from './types.js';

const HOUR_MS = 3_600_000;

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Check the SES options; identities are compared in lower case. */
function sesSettings(options: SimSesOptions = {}): { sandbox: boolean; verifiedIdentities: string[] } {
  if (options.sandbox !== undefined && typeof options.sandbox !== 'boolean') throw new TypeError('ses.sandbox must be a boolean');
  const identities = options.verifiedIdentities ?? ['example.com'];
  if (!Array.isArray(identities) || !identities.every((i) => typeof i === 'string' && /^[^\s@]+(@[^\s@]+)?$/.test(i))) {
    throw new TypeError('ses.verifiedIdentities must be an array of email addresses or domains');
  }
  return { sandbox: options.sandbox ?? false, verifiedIdentities: identities.map((i) => i.toLowerCase()) };
}

function controlToken(control: SimulatorOptions['control']): { mounted: boolean; token?: string } {
  if (control === undefined || control === false) return { mounted: false };
  if (control.token !== undefined && (typeof control.token !== 'string' || control.token.length < 16)) throw new TypeError('control.token must be a string of at least 16 characters');
  return control.token === undefined ? { mounted: true } : { mounted: true, token: control.token };
}

/** Check the retention bounds (see SimulatorOptions.retain). */
function retention(retain: SimulatorOptions['retain'] = {}): { calls: number; emails: number; findingsPerAccount: number } {
  const bound = (name: string, value: unknown, fallback: number, least: number) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < least) throw new TypeError(`retain.${name} must be an integer of at least ${least}`);
    return value;
  };
  return {
    calls: bound('calls', retain.calls, 200_000, 0),
    emails: bound('emails', retain.emails, 10_000, 0),
    // At least a day of the live stream (240), so an alert's finding is still there when looked up.
    findingsPerAccount: bound('findingsPerAccount', retain.findingsPerAccount, 2_000, 240),
  };
}

/** Start a simulator; resolves once it listens. See SimulatorOptions for the defaults. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLogger();
  const faults = new FaultBook(seed);
  faults.set(options.faults ?? []);
  const retain = retention(options.retain);
  const recorder = new CallRecorder(retain.calls);
  const lifecycle = new Lifecycle();
  const mail: SentEmail[] = [];
  let emailsAccepted = 0;
  const accounts = new AccountBook(now);
  const configure = (awsAccountId: string, config: unknown) => {
    accounts.configure(awsAccountId, config);
    shapeInventory(seed, awsAccountId, accounts.config(awsAccountId)?.ec2Instances);
  };
  for (const [id, config] of Object.entries(options.accounts ?? {})) configure(id, config);
  const control = controlToken(options.control);
  const context: SimContext = {
    seed,
    now,
    sessions: new SessionBook(),
    accounts,
    ses: sesSettings(options.ses),
    // The live finding stream starts at the hour the simulator started (see world/findings.ts).
    findings: new FindingStore(seed, Math.floor(now() / HOUR_MS) * HOUR_MS, retain.findingsPerAccount),
    sendEmail(email) {
      emailsAccepted += 1;
      if (retain.emails === 0) return;
      if (mail.length >= retain.emails) mail.shift();
      mail.push(email);
    },
  };

  const simulator: Omit<Simulator, 'endpoint' | 'close'> & { faults(): ReturnType<FaultBook['list']> } = {
    setFaults: (list) => faults.set(list),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    injectFinding(awsAccountId: string, region: string, finding: InjectedFinding) {
      if (!/^\d{12}$/.test(awsAccountId)) throw new TypeError('awsAccountId must be 12 digits');
      if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new TypeError('region must look like us-east-1');
      if (typeof finding.title !== 'string' || !(finding.severity >= 0 && finding.severity <= 10)) throw new TypeError('a finding needs a title and a severity in [0, 10]');
      return context.findings.inject(awsAccountId, region, finding, now());
    },
    calls: (filter) => recorder.calls(filter),
    billable: (account) => recorder.billable(account),
    outbox: () => mail.map((email) => ({ ...email, to: [...email.to], cc: [...email.cc], bcc: [...email.bcc] })),
    emailsAccepted: () => emailsAccepted,
    configureAccount: (awsAccountId, config) => configure(awsAccountId, config),
    accountConfig: (awsAccountId) => accounts.config(awsAccountId),
  };

  const server = createServer(
    createRequestHandler({ services: SERVICES, context, faults, recorder, lifecycle, log, holdMs: options.holdMs ?? 5 * 60_000, control: control.mounted ? createControlHandler(simulator, control.token) : undefined }),
  );
  // SDK clients keep connections alive; idle sockets must not hold close() up.
  server.keepAliveTimeout = 5_000;
  const address = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const endpoint = `http://${host}:${address.port}`;
  log.info({ endpoint, seed }, 'AWS simulator listening');

  let closing: Promise<void> | undefined;
  return {
    ...simulator,
    endpoint,
    close() {
      closing ??= new Promise<void>((resolve) => {
        lifecycle.close();
        server.close(() => resolve());
        server.closeAllConnections();
        log.info({ endpoint }, 'AWS simulator closed');
      });
      return closing;
    },
  };
}
