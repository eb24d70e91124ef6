/**
 * When src/http/rendered-responses.ts answers from the previous entry and when it waits for a
 * rebuild, driven through `send` and `fresh` with a hand-moved clock, hand-bumped generations
 * and builds that finish when the test says. The HTTP-level behaviour is in
 * rendered-responses.test.ts and fast-reads.test.ts.
 */
import t from 'tap';
import type Koa from 'koa';
import { createRenderedResponses, type RenderRequest } from '../../src/http/rendered-responses.js';
import { DATA_KINDS, type DataKind } from '../../src/store/index.js';

interface Answer {
  status?: number;
  body?: unknown;
  etag?: string;
}

function fakeContext(answer: Answer): Koa.Context {
  return {
    req: { headers: {} },
    set(name: string, value: string) {
      if (name === 'ETag') answer.etag = value;
    },
    set status(value: number) {
      answer.status = value;
    },
    set body(value: Buffer) {
      answer.body = JSON.parse(value.toString());
    },
  } as unknown as Koa.Context;
}

function world() {
  const clock = { now: 1_000_000 };
  const generations = new Map<DataKind, number>(DATA_KINDS.map((kind) => [kind, 0]));
  const rendered = createRenderedResponses({
    now: () => clock.now,
    generation: async (_tenantId, kinds) => kinds.map((kind) => generations.get(kind)).join('.'),
  });
  /** The data the next build shows: the generations it reads when it starts. */
  const pending: { release: () => void; version: string }[] = [];
  let manual = false;
  const request = (live = ''): RenderRequest => ({
    tenantId: 'tenant-1',
    key: '/api/overview',
    kinds: DATA_KINDS,
    live,
    build: async () => {
      const version = [...generations.values()].join('.') + `/${live}`;
      if (manual) await new Promise<void>((release) => pending.push({ release, version }));
      return { version };
    },
  });
  const send = async (live = ''): Promise<Answer> => {
    const answer: Answer = {};
    await rendered.send(fakeContext(answer), request(live));
    return answer;
  };
  const started = (answer: Promise<Answer>) => {
    const box: { done?: Answer } = {};
    void answer.then((value) => (box.done = value));
    return box;
  };
  const ticks = () => new Promise((resolve) => setImmediate(resolve));
  return {
    clock,
    rendered,
    request,
    send,
    started,
    ticks,
    pending,
    bump: (kind: DataKind) => generations.set(kind, generations.get(kind)! + 1),
    manualBuilds: () => (manual = true),
  };
}

t.test('a change of collected data alone', async (t) => {
  await t.test('a client asking after it waits for the rebuild and sees it', async (t) => {
    const w = world();
    const first = await w.send();
    w.bump('metrics');
    const next = await w.send();
    t.not(next.body, first.body);
    t.same(next.body, { version: '0.1.0.0.0.0/' }, 'built from the new generations');
  });

  await t.test('requests meeting the running rebuild get the previous entry at once', async (t) => {
    const w = world();
    const first = await w.send();
    w.manualBuilds();
    w.bump('metrics');
    const waiting = w.started(w.send());
    await w.ticks();
    t.equal(w.pending.length, 1, 'one rebuild runs');
    t.notOk(waiting.done, 'the request that started it waits');
    const meanwhile = await w.send();
    t.same(meanwhile.body, first.body, 'the next request is answered from the previous entry');
    t.ok(await w.rendered.fresh(w.request()), 'fresh answers it too while the rebuild runs');
    t.equal(w.pending.length, 1, 'no second rebuild');
    w.pending[0]!.release();
    await w.ticks();
    t.same(waiting.done?.body, { version: '0.1.0.0.0.0/' });
    t.same((await w.send()).body, { version: '0.1.0.0.0.0/' }, 'then the new entry is answered');
  });

  await t.test('so are changes of the live parts', async (t) => {
    const w = world();
    const first = await w.send('a');
    w.manualBuilds();
    const waiting = w.started(w.send('b'));
    await w.ticks();
    t.same((await w.send('b')).body, first.body);
    w.pending[0]!.release();
    await w.ticks();
    t.same(waiting.done?.body, { version: '0.0.0.0.0.0/b' });
  });

  await t.test('fresh answers nothing when no rebuild runs', async (t) => {
    const w = world();
    await w.send();
    t.ok(await w.rendered.fresh(w.request()), 'current');
    w.bump('findings');
    t.equal(await w.rendered.fresh(w.request()), undefined, 'fresh never starts a rebuild, so it leaves the request to send');
  });

  await t.test('the previous entry is not answered once it is past maxAgeMs + staleMs', async (t) => {
    const w = world();
    await w.send();
    w.manualBuilds();
    w.bump('costs');
    const waiting = w.started(w.send());
    await w.ticks();
    w.clock.now += 5_000;
    const late = w.started(w.send());
    await w.ticks();
    t.notOk(late.done, 'waits for the rebuild');
    w.pending[0]!.release();
    await w.ticks();
    await w.ticks();
    t.ok(waiting.done && late.done);
  });

  await t.test('never an older body after a newer one', async (t) => {
    const w = world();
    await w.send();
    w.manualBuilds();
    w.bump('metrics');
    const older = w.started(w.send());
    await w.ticks();
    w.bump('metrics');
    const newer = w.started(w.send());
    await w.ticks();
    t.equal(w.pending.length, 2, 'a rebuild per version');
    w.pending[1]!.release();
    await w.ticks();
    t.same(newer.done?.body, { version: '0.2.0.0.0.0/' });
    w.pending[0]!.release();
    await w.ticks();
    t.same(older.done?.body, { version: '0.1.0.0.0.0/' }, 'the request that asked at the older version gets it');
    w.bump('metrics');
    const meanwhile = w.started(w.send());
    await w.ticks();
    t.same((await w.send()).body, { version: '0.2.0.0.0.0/' }, 'but the kept entry stayed the newer one');
    w.pending[2]!.release();
    await w.ticks();
    t.ok(meanwhile.done);
  });
});

t.test("a change a user's write makes is always waited for", async (t) => {
  for (const kind of ['tenant', 'recommendations'] as const) {
    await t.test(kind, async (t) => {
      const w = world();
      await w.send();
      w.manualBuilds();
      w.bump(kind);
      w.bump('findings'); // a user's write drops every kind
      const first = w.started(w.send());
      const second = w.started(w.send());
      await w.ticks();
      t.notOk(first.done ?? second.done, 'nobody is answered from the previous entry');
      t.equal(await w.rendered.fresh(w.request()), undefined);
      t.equal(w.pending.length, 1, 'both wait for one rebuild');
      w.pending[0]!.release();
      await w.ticks();
      t.same(first.done?.body, second.done?.body);
      t.match(first.done?.body, { version: /^[01]\.0\.0\.0\.1\.[01]\/$/ });
    });
  }
});
