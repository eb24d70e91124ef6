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
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSpec, InjectedFinding, SimService, Simulator } from './types.js';

/** The simulator operations the control endpoints drive. */
export type ControlTarget = Pick<Simulator, 'setFaults' | 'addFault' | 'clearFaults' | 'injectFinding' | 'calls' | 'billable' | 'outbox'> & { faults(): FaultSpec[] };

function reply(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(body.length) });
  res.end(body);
}

function parse(body: string): unknown {
  return body.trim() === '' ? undefined : JSON.parse(body);
}

/** Create the `/_sim/` request handler. */
export function createControlHandler(target: ControlTarget): (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => void {
  return (req, res, url, body) => {
    const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    try {
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
