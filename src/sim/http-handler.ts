/**
 * The request pipeline: route, identify the account, apply faults, run the operation, answer in
 * the service's protocol and record the call.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { accessDenied, accountRefusal } from './account-refusal.js';
import { accountForAccessKey } from './credentials.js';
import type { FaultBook, FaultOutcome } from './faults.js';
import { identify } from './identify.js';
import type { Lifecycle } from './lifecycle.js';
import { parseForm } from './protocols/aws-query.js';
import { writeError, writeResult } from './protocols/write-response.js';
import type { CallRecorder } from './recorder.js';
import type { ServiceDefinition, SimContext, SimRequest } from './services/service.js';
import { SimError, commonError } from './sim-error.js';
import type { SimCall } from './types.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface PipelineDeps {
  services: readonly ServiceDefinition[];
  context: SimContext;
  faults: FaultBook;
  recorder: CallRecorder;
  lifecycle: Lifecycle;
  log: Logger;
  holdMs: number;
  /** Handles `/_sim/...` control requests; undefined: the control routes are not mounted. */
  control: ((req: IncomingMessage, res: ServerResponse, url: URL, body: string) => void) | undefined;
}

/** Read the whole body as UTF-8; rejects past 16 MiB. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseInput(definition: ServiceDefinition, body: string, url: URL): Record<string, unknown> {
  if (definition.wire.protocol === 'awsQuery') return { ...Object.fromEntries(url.searchParams), ...parseForm(body) };
  if (body.trim() === '') return {};
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyntaxError('not a JSON object');
  return parsed as Record<string, unknown>;
}

function faultError(definition: ServiceDefinition, outcome: FaultOutcome, operation: string, request: { roleArn?: unknown; caller: string }): SimError | undefined {
  switch (outcome) {
    case 'reject':
      if (definition.service === 'sts' && operation === 'AssumeRole') {
        return accessDenied('sts', `User: arn:aws:iam::${request.caller}:user/simulated-user is not authorized to perform: sts:AssumeRole on resource: ${String(request.roleArn)}`);
      }
      return commonError(definition.service, 'badCredentials', operation);
    case 'throttle':
      return commonError(definition.service, 'throttle', operation);
    case 'internal':
      return commonError(definition.service, 'internal', operation);
    case 'unavailable':
      return commonError(definition.service, 'unavailable', operation);
    default:
      return undefined;
  }
}

/** Create the server's request listener. */
export function createRequestHandler(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { context, faults, recorder, lifecycle, log } = deps;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const body = await readBody(req);
    if (deps.control && (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/'))) {
      deps.control(req, res, url, body);
      return;
    }
    const requestId = randomUUID();
    const routed = identify(req, url, body, deps.services);
    if (!routed) {
      const error = new SimError('UnknownOperationException', `No simulated service answers ${req.method} ${url.pathname}`, { status: 404 });
      writeError(res, { protocol: 'restJson1' }, error, requestId);
      return;
    }
    const { definition, operation } = routed;
    const accessKeyId = routed.scope?.accessKeyId ?? '';
    const session = context.sessions.find(accessKeyId);
    const caller = session?.account ?? accountForAccessKey(accessKeyId);
    const region = routed.scope?.region ?? 'us-east-1';
    const call: SimCall = { account: caller, service: definition.service, operation, region, time: new Date(context.now()).toISOString(), status: 0, billableUnits: 0 };
    const fail = (error: SimError) => {
      writeError(res, definition.wire, error, requestId);
      call.status = error.status;
      // CloudWatch clients see the query-era code (x-amzn-query-error), so record that one.
      call.errorCode = definition.wire.queryCompatible && error.queryCode ? error.queryCode : error.code;
      recorder.record(call);
      log.debug({ service: call.service, operation, account: call.account, region, status: error.status, code: error.code }, 'sim call failed');
    };

    let input: Record<string, unknown>;
    try {
      input = parseInput(definition, body, url);
    } catch {
      fail(new SimError('SerializationException', 'The request body could not be parsed.', { status: 400 }));
      return;
    }
    call.account = definition.accountFor?.(operation, input) ?? caller;
    const params = definition.paramsFor?.(operation, input);
    if (params) call.params = params;
    if (!routed.scope) return fail(commonError(definition.service, 'missingAuth', operation));
    if (!routed.known) return fail(commonError(definition.service, 'unknownOperation', operation));

    const decision = faults.decide(call.account, definition.service, operation);
    if (decision.latencyMs > 0 && !(await lifecycle.delay(decision.latencyMs))) {
      res.destroy();
      return;
    }
    if (decision.outcome === 'timeout') {
      call.errorCode = 'Timeout';
      recorder.record(call);
      lifecycle.hold(res, deps.holdMs);
      return;
    }
    // Refused platform credentials fail AssumeRole itself, not only the role's account.
    const outcome = decision.outcome === 'pass' && call.account !== caller && faults.rejects(caller, definition.service, operation) ? 'reject-caller' : decision.outcome;
    if (outcome === 'reject-caller') return fail(commonError(definition.service, 'badCredentials', operation));
    // Authentication and authorization come before throttling and server faults, as at AWS's front
    // door: refused credentials first, then the account's own refusals, then injected errors.
    if (outcome === 'reject') return fail(faultError(definition, outcome, operation, { roleArn: input.RoleArn, caller })!);
    const refused = accountRefusal(context.accounts, { service: definition.service, operation, caller, region, session });
    if (refused) return fail(refused);
    const injected = faultError(definition, outcome, operation, { roleArn: input.RoleArn, caller });
    if (injected) return fail(injected);

    const request: SimRequest = { service: definition.service, operation, account: call.account, region, accessKeyId, requestId, method: req.method ?? 'GET', input, query: url.searchParams, labels: routed.labels };
    const handler = definition.operations[operation];
    let result;
    try {
      if (!handler) throw commonError(definition.service, 'unknownOperation', operation);
      result = handler(request, context);
    } catch (error) {
      if (error instanceof SimError) return fail(error);
      log.error({ err: error, service: definition.service, operation }, 'sim operation crashed');
      return fail(commonError(definition.service, 'internal', operation));
    }
    writeResult(res, definition.wire, operation, result.output, requestId);
    call.status = 200;
    call.billableUnits = result.billableUnits ?? 0;
    if (result.params) call.params = result.params;
    recorder.record(call);
    log.debug({ service: call.service, operation, account: call.account, region, status: 200 }, 'sim call');
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.warn({ err: error }, 'sim request failed');
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'bad request' }));
      }
    });
  };
}
