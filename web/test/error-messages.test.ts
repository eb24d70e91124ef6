/**
 * The dashboard has a sentence for every error code the server can send a client: the codes are
 * read from the server's source (src/http and the store's 4xx errors), so a new code without a
 * message fails here rather than reaching a user as a bare title.
 */
import t from 'tap';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../src/api/api-error.js';
import { MESSAGES, errorDetail, errorMessage, fieldErrors, plainFieldMessage } from '../src/api/error-messages.js';
import { withQuery } from '../src/api/http.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? sources(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [])),
  );
  return nested.flat();
}

/** Codes a client can receive: clientError/problemOf anywhere in src/http, AppErrors with a 4xx status or exposed, the fallback table. */
async function clientCodes(): Promise<Set<string>> {
  const codes = new Set<string>();
  const files = [...(await sources('src/http')), ...(await sources('src/store'))];
  for (const file of files) {
    const text = await readFile(path.join(ROOT, file), 'utf8');
    for (const match of text.matchAll(/(?:clientError|problemOf)\(\s*\d{3},\s*'([A-Z][A-Z0-9_]+)'/g)) codes.add(match[1]!);
    // an AppError reaches the client with a 4xx status, or when it says expose: true (e.g. a 503)
    for (const match of text.matchAll(/AppError\(\s*'([A-Z][A-Z0-9_]+)'(?:(?!AppError\()[\s\S]){0,300}?(?:status:\s*4\d\d|expose:\s*true)/g)) codes.add(match[1]!);
    if (file.endsWith('problem.ts')) {
      const table = /STATUS_CODES[^{]*\{([^}]*)\}/.exec(text)?.[1] ?? '';
      for (const match of table.matchAll(/'([A-Z][A-Z0-9_]+)'/g)) codes.add(match[1]!);
    }
  }
  return codes;
}

t.test('every code the server sends has a message', async (t) => {
  const codes = await clientCodes();
  t.ok(codes.size >= 20, `found the server's codes (${codes.size})`);
  for (const code of codes) t.ok(MESSAGES[code], `${code} has a message`);
});

t.test('unknown codes fall back to the server title and detail, then to the status', async (t) => {
  const problem = { type: '/problems/x', title: 'Teapot', status: 418, code: 'NEW_CODE', detail: 'short and stout' };
  t.equal(errorMessage(new ApiError(418, 'NEW_CODE', 'x', problem)), 'Teapot: short and stout');
  t.equal(errorMessage(new ApiError(429, 'HTTP_429', 'x')), 'Too many requests. Wait a minute and try again.');
  t.match(errorMessage(new ApiError(502, 'HTTP_502', 'x')), /service had a problem/);
  t.match(errorMessage(new Error('boom')), /Something went wrong/);
  t.equal(errorDetail(new ApiError(422, 'CREDENTIALS_REJECTED', 'x', { ...problem, code: 'CREDENTIALS_REJECTED', detail: 'AccessDenied' })), 'AccessDenied');
});

t.test('validation errors map to form fields', async (t) => {
  const problem = {
    type: '/problems/validation-failed',
    title: 'Bad Request',
    status: 400,
    code: 'VALIDATION_FAILED',
    errors: [
      { path: 'body.email', message: 'not an email address' },
      { path: 'query.from', message: 'not an ISO-8601 time' },
    ],
  };
  t.same(fieldErrors(new ApiError(400, 'VALIDATION_FAILED', 'x', problem)), { email: 'Not an email address.', from: 'Not an ISO-8601 time.' });
});

t.test("a validator's default messages read as plain words", async (t) => {
  t.equal(plainFieldMessage('Too big: expected string to have <=100 characters'), 'Use at most 100 characters.');
  t.equal(plainFieldMessage('Too small: expected string to have >=8 characters'), 'Use at least 8 characters.');
  t.equal(plainFieldMessage('Too small: expected string to have >=1 characters'), 'This is required.');
  t.equal(plainFieldMessage('Too big: expected array to have <=30 items'), 'Use at most 30 items.');
  t.equal(plainFieldMessage('Invalid input: expected string, received undefined'), 'This is required.');
  t.equal(plainFieldMessage('Invalid option: expected one of "type"|"resource"|"account"'), 'Pick one of the options.');
  t.equal(plainFieldMessage('Unrecognized key: "extra"'), 'This field is not expected here. Reload the page and try again.');
  t.equal(plainFieldMessage('at least 8 characters'), 'At least 8 characters.');
  t.equal(plainFieldMessage('say why these findings are accepted'), 'Say why these findings are accepted.');
});

t.test('query strings leave out empty parameters', async (t) => {
  t.equal(withQuery('/api/findings', { severity: 'critical', cursor: undefined, status: '' }), '/api/findings?severity=critical');
  t.equal(withQuery('/api/costs', {}), '/api/costs');
  t.equal(withQuery('/api/metrics', { resourceId: 'app/api-alb/1 2', limit: 5 }), '/api/metrics?resourceId=app%2Fapi-alb%2F1+2&limit=5');
});
