/**
 * Writes results and errors in each wire protocol. Everything the SDK deserializers read is
 * here: content types, `__type` and `x-amzn-ErrorType` for JSON errors, `x-amzn-query-error` for
 * CloudWatch's query-compatible codes, `<ErrorResponse>` for awsQuery, and request ids.
 */
import type { ServerResponse } from 'node:http';
import type { SimError } from '../sim-error.js';
import { queryErrorXml, queryResponseXml, type XmlValue } from './aws-query.js';

/** The wire protocols the simulated services speak. */
export type WireProtocol = 'awsQuery' | 'awsJson1_0' | 'awsJson1_1' | 'restJson1';

/** How a service frames its answers. */
export interface ProtocolInfo {
  protocol: WireProtocol;
  /** XML namespace (awsQuery only). */
  xmlns?: string;
  /** Sends query-era codes in `x-amzn-query-error` (CloudWatch). */
  queryCompatible?: boolean;
}

const CONTENT_TYPES: Record<WireProtocol, string> = {
  awsQuery: 'text/xml',
  awsJson1_0: 'application/x-amz-json-1.0',
  awsJson1_1: 'application/x-amz-json-1.1',
  restJson1: 'application/json',
};

/** JSON protocols carry timestamps as epoch seconds unless a member says otherwise. */
function toJson(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, current: unknown) {
    const raw = key === '' ? current : this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : current;
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  const buffer = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': String(buffer.length) });
  res.end(buffer);
}

/** Send a successful result: `action` names the awsQuery wrapper elements. */
export function writeResult(res: ServerResponse, info: ProtocolInfo, action: string, result: unknown, requestId: string): void {
  const headers = { 'x-amzn-requestid': requestId };
  if (info.protocol === 'awsQuery') {
    send(res, 200, CONTENT_TYPES.awsQuery, queryResponseXml(action, info.xmlns ?? '', result as XmlValue, requestId), headers);
    return;
  }
  send(res, 200, CONTENT_TYPES[info.protocol], toJson(result ?? {}), headers);
}

/** Send an error the way the service's protocol frames it. */
export function writeError(res: ServerResponse, info: ProtocolInfo, error: SimError, requestId: string): void {
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
  if (info.protocol === 'awsQuery') {
    send(res, error.status, CONTENT_TYPES.awsQuery, queryErrorXml(info.xmlns ?? '', error.fault, error.code, error.message, requestId), headers);
    return;
  }
  headers['x-amzn-errortype'] = error.code;
  if (info.queryCompatible && error.queryCode) headers['x-amzn-query-error'] = `${error.queryCode};${error.fault}`;
  const type = error.namespace ? `${error.namespace}#${error.code}` : error.code;
  send(res, error.status, CONTENT_TYPES[info.protocol], toJson({ __type: type, message: error.message }), headers);
}
