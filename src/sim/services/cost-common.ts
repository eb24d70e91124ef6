/** Cost Explorer request pieces shared by its operations. */
import { parseDay } from '../world/costs.js';
import { decodeToken, encodeToken } from '../paging.js';
import { SimError, validationError } from '../sim-error.js';

/** Days [start, end), as day numbers. */
export interface Period {
  start: number;
  end: number;
}

/** Parse and check a Cost Explorer TimePeriod ({Start, End}, end exclusive). */
export function timePeriod(value: unknown, field = 'TimePeriod'): Period {
  const period = (value ?? {}) as { Start?: unknown; End?: unknown };
  const start = parseDay(period.Start);
  const end = parseDay(period.End);
  if (start === undefined || end === undefined) throw validationError('ce', `${field} needs Start and End as YYYY-MM-DD`);
  if (start >= end) throw validationError('ce', 'Start date (and hour) should be before end date (and hour)');
  return { start, end };
}

/** Cost Explorer's own code for a replayed or foreign page token. */
export function invalidNextToken(): SimError {
  return new SimError('InvalidNextTokenException', 'Invalid pagination token', { namespace: 'com.amazonaws.costexplorer' });
}


/** One page of `items` from a token made for the same request. */
export function pageOf<T>(items: readonly T[], token: unknown, size: number, requestPrint: string): { items: T[]; next?: string } {
  let offset = 0;
  if (token !== undefined) {
    const position = decodeToken(token, requestPrint);
    if (!position) throw invalidNextToken();
    offset = Number(position.o);
  }
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length ? { items: slice, next: encodeToken({ o: offset + size }, requestPrint) } : { items: slice };
}

/** A UUID-shaped id from 32 hex digits. */
export function uuidFrom(hex32: string): string {
  return `${hex32.slice(0, 8)}-${hex32.slice(8, 12)}-4${hex32.slice(13, 16)}-a${hex32.slice(17, 20)}-${hex32.slice(20, 32)}`;
}
