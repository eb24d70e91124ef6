/**
 * The control endpoints of the standalone simulator, under the reserved `/_sim/` path:
 *
 * - `GET /_sim/health` -> `{ ok: true }`
 * - `GET /_sim/faults`; `PUT /_sim/faults` (array: replace); `POST /_sim/faults` (one: add);
 *   `DELETE /_sim/faults` (clear)
 * - `POST /_sim/findings` `{ account, region, title, severity, type?, description? }` -> 201 `{ id }`
 * - `GET /_sim/outbox` -> captured emails
 * - `GET /_sim/calls?account=&service=&operation=` -> recorded calls
 * - `GET /_sim/billable?account=` -> `{ costExplorerRequests, getMetricDataMetrics }`
 * - `PUT /_sim/accounts/:id` (a SimAccountConfig: replace) -> the stored configuration;
 *   `GET /_sim/accounts/:id` -> it, or 404 when the account follows the default world
 *
 * They are mounted only when the simulator is started with `control` (see SimulatorOptions); with
 * a token, every request needs `Authorization: Bearer <token>` (the outbox holds verification links).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSpec, InjectedFinding, SimService, Simulator } from './types.js';

/** The simulator operations the control endpoints drive. */
export type ControlTarget = Pick<Simulator, 'setFaults' | 'addFault' | 'clearFaults' | 'injectFinding' | 'calls' | 'billable' | 'outbox' | 'configureAccount' | 'accountConfig'> & { faults(): FaultSpec[] };

const ACCOUNT_ROUTE = /^\/_sim\/accounts\/([^/]+)$/;

/** Constant-time comparison of the presented token with the expected one. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(body.length) });
  res.end(body);
}

function parse(body: string): unknown {
  return body.trim() === '' ? undefined : JSON.parse(body);
}

/** Create the `/_sim/` request handler; with `token`, requests without it are refused (401). */
export function createControlHandler(target: ControlTarget, token?: string): (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => void {
  return (req, res, url, body) => {
    if (token !== undefined && !tokenMatches(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer realm="simulator control"');
      return reply(res, 401, { error: 'the simulator control routes need Authorization: Bearer <SIM_CONTROL_TOKEN>' });
    }
    const path = url.pathname.replace(/\/+$/, '');
    const route = `${req.method ?? 'GET'} ${path}`;
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    try {
      const account = ACCOUNT_ROUTE.exec(path)?.[1];
      if (account !== undefined) {
        if (req.method === 'PUT') {
          target.configureAccount(decodeURIComponent(account), parse(body) ?? {});
          return reply(res, 200, target.accountConfig(decodeURIComponent(account)));
        }
        if (req.method === 'GET') {
          const config = target.accountConfig(decodeURIComponent(account));
          return config ? reply(res, 200, config) : reply(res, 404, { error: 'the account has no explicit configuration (it follows the default world)' });
        }
        return reply(res, 405, { error: 'GET or PUT' });
      }
      switch (route) {
        case 'GET /_sim/health':
          return reply(res, 200, { ok: true });
        case 'GET /_sim/faults':
          return reply(res, 200, target.faults());
        case 'PUT /_sim/faults': {
          const faults = parse(body);
          if (!Array.isArray(faults)) return reply(res, 400, { error: 'PUT /_sim/faults takes an array of faults' });
          target.setFaults(faults as FaultSpec[]);
          return reply(res, 200, target.faults());
        }
        case 'POST /_sim/faults':
          target.addFault(parse(body) as FaultSpec);
          return reply(res, 201, target.faults());
        case 'DELETE /_sim/faults':
          target.clearFaults();
          return reply(res, 200, []);
        case 'POST /_sim/findings': {
          const input = (parse(body) ?? {}) as Partial<InjectedFinding> & { account?: unknown; region?: unknown };
          if (typeof input.account !== 'string' || typeof input.region !== 'string' || typeof input.title !== 'string' || typeof input.severity !== 'number') {
            return reply(res, 400, { error: 'a finding needs account, region, title and severity' });
          }
          const finding: InjectedFinding = { title: input.title, severity: input.severity };
          if (typeof input.type === 'string') finding.type = input.type;
          if (typeof input.description === 'string') finding.description = input.description;
          return reply(res, 201, { id: target.injectFinding(input.account, input.region, finding) });
        }
        case 'GET /_sim/outbox':
          return reply(res, 200, target.outbox());
        case 'GET /_sim/calls': {
          const filter: { account?: string; service?: SimService; operation?: string } = {};
          if (q('account')) filter.account = q('account');
          if (q('service')) filter.service = q('service') as SimService;
          if (q('operation')) filter.operation = q('operation');
          return reply(res, 200, target.calls(filter));
        }
        case 'GET /_sim/billable': {
          const account = q('account');
          if (!account) return reply(res, 400, { error: 'account is required' });
          return reply(res, 200, target.billable(account));
        }
        default:
          return reply(res, 404, { error: `no control endpoint ${route}` });
      }
    } catch (error) {
      // Bad JSON or an invalid fault: the message names the field, never anything secret.
      return reply(res, 400, { error: error instanceof Error ? error.message : 'bad request' });
    }
  };
}
