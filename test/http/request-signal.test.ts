/**
 * A request's abort signal reaches its store reads: a client that disconnects while GET
 * /api/costs, /api/overview or /api/recommendations waits on the store aborts the read (no work for nobody), while a read shared with
 * another request that still waits goes on and answers that request.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import t from 'tap';
import type { Store } from '../../src/store/index.js';
import { signIn, startWorld } from './fixtures/harness.js';

/** Resolves when `check()` holds, re-checked at each `poke()`. */
function condition() {
  const waiters: { check: () => boolean; resolve: () => void }[] = [];
  return {
    until: (check: () => boolean) => new Promise<void>((resolve) => (check() ? resolve() : waiters.push({ check, resolve }))),
    poke: () => {
      for (const waiter of [...waiters]) {
        if (!waiter.check()) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
  };
}

/**
 * A store whose daily cost reads wait until released, recording the signal each got, and whose
 * cache counts the readers of each key and the readers that stopped waiting because they aborted.
 */
function stalledCosts(store: Store) {
  const reads: AbortSignal[] = [];
  const gates: (() => void)[] = [];
  const readers = new Map<string, number>();
  let left = 0;
  const changed = condition();
  const costs: Store['costs'] = {
    ...store.costs,
    daily: (tenantId, range, signal) => {
      reads.push(signal ?? new AbortController().signal);
      changed.poke();
      return new Promise((resolve, reject) => {
        gates.push(() => resolve(store.costs.daily(tenantId, range)));
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  };
  const cache: Store['cache'] = {
    ...store.cache,
    read: (tenantId, key, load, signal) => {
      readers.set(key, (readers.get(key) ?? 0) + 1);
      changed.poke();
      const read = store.cache.read(tenantId, key, load, signal);
      read.catch(() => {
        if (signal?.aborted) left += 1;
        changed.poke();
      });
      return read;
    },
  };
  return {
    store: { ...store, costs, cache },
    reads,
    release: () => gates.splice(0).forEach((open) => open()),
    /** Resolves once the store got its first daily read. */
    firstRead: () => changed.until(() => reads.length > 0),
    /** Resolves once `count` readers asked the cache for a key starting with `prefix`. */
    readers: (prefix: string, count: number) => changed.until(() => [...readers].some(([key, n]) => key.startsWith(prefix) && n >= count)),
    /** Resolves once `count` cache readers stopped waiting because their request was aborted. */
    left: (count: number) => changed.until(() => left >= count),
  };
}

/** GET `path` with a raw client we can disconnect; resolves with the status if it answers. */
function get(url: string, path: string, cookie: string): { req: ClientRequest; done: Promise<number> } {
  let req!: ClientRequest;
  const done = new Promise<number>((resolve, reject) => {
    req = httpRequest(`${url}${path}`, { headers: { cookie }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
  done.catch(() => {});
  return { req, done };
}

const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

// The overview and the recommendations reach the daily costs through src/insights (the rules' input).
for (const path of ['/api/costs', '/api/overview', '/api/recommendations']) {
  t.test(`a client that disconnects from ${path} aborts the store read it was waiting for`, { timeout: 30_000 }, async (t) => {
    let stalled!: ReturnType<typeof stalledCosts>;
    const w = await startWorld(t, { app: (store) => ((stalled = stalledCosts(store)), { store: stalled.store }) });
    const a = await signIn(w, 'gone@example.com');
    const client = get(w.url, path, a.cookie);
    await stalled.firstRead();
    t.equal(stalled.reads[0]!.aborted, false, 'the read is under way');
    client.req.destroy();
    await Promise.all(stalled.reads.map(aborted));
    t.pass(`each of the request's ${stalled.reads.length} daily reads was aborted`);
    t.ok(stalled.reads.every((signal) => signal.aborted));
  });
}

t.test('a read shared with a request that still waits is not aborted by one that leaves', { timeout: 30_000 }, async (t) => {
  let stalled!: ReturnType<typeof stalledCosts>;
  const w = await startWorld(t, { app: (store) => ((stalled = stalledCosts(store)), { store: stalled.store }) });
  const a = await signIn(w, 'shared@example.com');
  const leaving = get(w.url, '/api/costs', a.cookie);
  await stalled.firstRead();
  const staying = get(w.url, '/api/costs', a.cookie);
  // Both requests have joined the shared loads (two cache reads of each cost key).
  await stalled.readers('costs:range:', 2);
  await stalled.readers('costs:recent:', 2);
  const reads = stalled.reads.length;
  leaving.req.destroy();
  await t.rejects(leaving.done, 'the leaving client got no answer');
  // The server saw it go: the leaving request's cache reads stopped waiting, aborted.
  await stalled.left(2);
  t.ok(stalled.reads.every((signal) => !signal.aborted), 'the shared reads go on');
  t.equal(stalled.reads.length, reads, 'and were not started twice');
  stalled.release();
  t.equal(await staying.done, 200, 'the request that stayed is answered');
});

t.test('requestSignal: the controller is made when the signal is first read, aborted if the client already left', async (t) => {
  const { EventEmitter } = await import('node:events');
  const { requestSignal, CLIENT_CLOSED } = await import('../../src/http/route-spec.js');
  /** A koa context as far as requestSignal reads it. */
  const fakeContext = () => {
    const res = Object.assign(new EventEmitter(), { writableFinished: false, destroyed: false });
    return { res, req: { socket: { destroyed: false } }, state: {} as { signal?: AbortSignal } };
  };
  const run = (ctx: ReturnType<typeof fakeContext>, next: () => Promise<void>) => requestSignal(ctx as never, next);

  const left = fakeContext();
  await run(left, async () => {
    left.res.emit('close'); // the client goes away before anything read the signal
    const signal = left.state.signal!;
    t.ok(signal.aborted, 'read after the client left: already aborted');
    t.equal((signal.reason as { code?: string }).code, CLIENT_CLOSED);
    t.equal(left.state.signal, signal, 'one signal per request');
  });

  const waiting = fakeContext();
  await run(waiting, async () => {
    const signal = waiting.state.signal!;
    t.notOk(signal.aborted);
    waiting.res.emit('close');
    t.ok(signal.aborted, 'read before the client left: aborted when it leaves');
  });

  const answered = fakeContext();
  await run(answered, async () => {
    answered.res.writableFinished = true;
    answered.res.emit('close');
  });
  t.notOk(answered.state.signal!.aborted, 'a response that finished is not a client that left');
  t.equal(answered.res.listenerCount('close'), 0, 'no listener left on the response');
});
