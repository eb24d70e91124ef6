import t, { type Test } from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { IMMUTABLE_CACHE, REVALIDATE_CACHE, serveWeb } from '../../src/http/static-web.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const INDEX = '<!doctype html><title>Cloud Health</title><ch-app></ch-app>';
const SCRIPT = 'console.log("app")';
const SECRET = 'TOP-SECRET-OUTSIDE-ROOT';

/** A built-looking dist in a temp dir, a secret beside it, and a Koa app with a final 404 marker. */
async function setup(t: Test, options: { build?: boolean } = {}) {
  const base = await mkdtemp(path.join(tmpdir(), 'static-web-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  const root = path.join(base, 'dist');
  await writeFile(path.join(base, 'secret.txt'), SECRET);
  if (options.build !== false) {
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), INDEX);
    await writeFile(path.join(root, 'assets', 'index-Abc123.js'), SCRIPT);
    await writeFile(path.join(root, 'assets', 'style-Def456.css'), 'body{}');
    await writeFile(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(path.join(root, '.env'), SECRET);
    await symlink(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
    const past = new Date('2026-01-01T00:00:00Z');
    await utimes(path.join(root, 'index.html'), past, past);
  }
  const app = new Koa();
  app.use(serveWeb({ root }));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = 'next';
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;

  /** A raw request: the path is sent exactly as given (no URL normalisation). */
  const request = (rawPath: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<Reply>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  return { request, root };
}

const PAGE = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

t.test('index.html at / revalidates; hashed assets are immutable with the right types', async (t) => {
  const { request } = await setup(t);
  const index = await request('/');
  t.equal(index.status, 200);
  t.equal(index.body, INDEX);
  t.match(index.headers['content-type'], /^text\/html; charset=utf-8/);
  t.equal(index.headers['cache-control'], REVALIDATE_CACHE);
  t.match(index.headers['etag'], /^W\/"/);
  t.equal(index.headers['last-modified'], 'Thu, 01 Jan 2026 00:00:00 GMT');

  const script = await request('/assets/index-Abc123.js');
  t.equal(script.status, 200);
  t.equal(script.body, SCRIPT);
  t.match(script.headers['content-type'], /^(application|text)\/javascript/);
  t.equal(script.headers['cache-control'], IMMUTABLE_CACHE);
  t.equal(script.headers['content-length'], String(SCRIPT.length));

  const style = await request('/assets/style-Def456.css');
  t.match(style.headers['content-type'], /^text\/css/);
  const icon = await request('/favicon.svg');
  t.equal(icon.headers['content-type'], 'image/svg+xml');
  t.equal(icon.headers['cache-control'], REVALIDATE_CACHE, 'unhashed files revalidate');
});

t.test('conditional requests answer 304 without a body', async (t) => {
  const { request } = await setup(t);
  const first = await request('/assets/index-Abc123.js');
  const again = await request('/assets/index-Abc123.js', { 'If-None-Match': String(first.headers['etag']) });
  t.equal(again.status, 304);
  t.equal(again.body, '');
  const since = await request('/', { 'If-Modified-Since': 'Fri, 02 Jan 2026 00:00:00 GMT' });
  t.equal(since.status, 304);
  const changed = await request('/', { 'If-None-Match': 'W/"other"' });
  t.equal(changed.status, 200);
  t.equal(changed.body, INDEX);
});

t.test('HEAD gives the headers alone', async (t) => {
  const { request } = await setup(t);
  const head = await request('/assets/index-Abc123.js', {}, 'HEAD');
  t.equal(head.status, 200);
  t.equal(head.body, '');
  t.equal(head.headers['content-length'], String(SCRIPT.length));
});

t.test('client routes get index.html when a browser asks for a page', async (t) => {
  const { request } = await setup(t);
  for (const route of ['/findings', '/verify?token=abc_DEF-123', '/settings', '/accounts/', '/operator', '/apiary']) {
    const page = await request(route, PAGE);
    t.equal(page.status, 200, route);
    t.equal(page.body, INDEX, route);
    t.equal(page.headers['cache-control'], REVALIDATE_CACHE, route);
    t.match(page.headers['vary'], /Accept/, route);
  }
});

t.test('no fallback for non-page requests, missing assets, server paths or writes', async (t) => {
  const { request } = await setup(t);
  const cases: [string, Record<string, string>, string?][] = [
    ['/findings', { Accept: 'application/json' }],
    ['/findings', { Accept: '*/*' }],
    ['/assets/missing-123.js', PAGE],
    ['/api/overview', PAGE],
    ['/api', PAGE],
    ['/ops/workers', PAGE],
    ['/metrics', PAGE],
    ['/dev/outbox', PAGE],
    ['/', PAGE, 'POST'],
    ['/findings', PAGE, 'DELETE'],
  ];
  for (const [route, headers, method] of cases) {
    const reply = await request(route, headers, method);
    t.equal(reply.status, 404, `${method ?? 'GET'} ${route}`);
    t.equal(reply.body, 'next', `${method ?? 'GET'} ${route} went on to the next middleware`);
  }
});

t.test('nothing outside root, and no dotfiles or symlinks out of it', async (t) => {
  const { request } = await setup(t);
  const attempts = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/%00../secret.txt',
    '/index.html%00.js',
    '/%E0%A4%A',
    '/.env',
    '/assets/link.txt',
    '//etc/passwd',
  ];
  for (const attempt of attempts) {
    for (const headers of [{}, PAGE]) {
      const reply = await request(attempt, headers);
      t.notMatch(reply.body, SECRET, `${attempt} does not leak`);
      t.not(reply.status, 500, `${attempt} is not a server error`);
      if (reply.status === 200) t.equal(reply.body, INDEX, `${attempt} at most falls back to the page`);
    }
  }
});

t.test('an unbuilt dashboard says how to build it', async (t) => {
  const { request } = await setup(t, { build: false });
  const page = await request('/findings', PAGE);
  t.equal(page.status, 503);
  t.match(page.body, /npm run build/);
  t.equal(page.headers['cache-control'], 'no-store');
  const script = await request('/assets/index-Abc123.js');
  t.equal(script.status, 404);
});
