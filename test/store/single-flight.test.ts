/**
 * Simultaneous loads of a key are merged, and cancellation is shared: a caller's signal stops
 * only its own wait; the load's signal aborts when every caller that joined it has left, never
 * while a caller without a signal (a background refresh) or a live one still waits.
 */
import t from 'tap';
import { SingleFlight } from '../../src/store/cache/single-flight.js';

/** A load that records its signal and settles when told. */
function gate() {
  let release!: (value: string) => void;
  const seen: AbortSignal[] = [];
  const load = (signal: AbortSignal) => {
    seen.push(signal);
    return new Promise<string>((resolve, reject) => {
      release = resolve;
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  };
  return { load, seen, release: (value: string) => release(value) };
}

t.test('one caller leaving does not abort a load another waits for', async (t) => {
  const flights = new SingleFlight<string>();
  const g = gate();
  const first = new AbortController();
  const second = new AbortController();
  const a = flights.run('k', g.load, first.signal);
  const b = flights.run('k', g.load, second.signal);
  t.equal(g.seen.length, 1, 'one load');
  first.abort(new Error('first went away'));
  await t.rejects(a, /first went away/, 'the leaving caller stops waiting at once');
  t.equal(g.seen[0]!.aborted, false, 'the shared load goes on');
  g.release('value');
  t.equal(await b, 'value');
});

t.test('the load aborts when every caller has left, and the next caller starts afresh', async (t) => {
  const flights = new SingleFlight<string>();
  const g = gate();
  const first = new AbortController();
  const second = new AbortController();
  const a = flights.run('k', g.load, first.signal);
  const b = flights.run('k', g.load, second.signal);
  first.abort(new Error('gone'));
  second.abort(new Error('gone too'));
  await t.rejects(a);
  await t.rejects(b);
  t.equal(g.seen[0]!.aborted, true, 'nobody waits: the read is aborted');
  t.equal(flights.has('k'), false);
  const fresh = flights.run('k', g.load);
  t.equal(g.seen.length, 2, 'a new load, not the aborted one');
  g.release('again');
  t.equal(await fresh, 'again');
});

t.test('a caller without a signal keeps the load alive', async (t) => {
  const flights = new SingleFlight<string>();
  const g = gate();
  const request = new AbortController();
  const background = flights.run('k', g.load);
  const a = flights.run('k', g.load, request.signal);
  request.abort(new Error('gone'));
  await t.rejects(a);
  t.equal(g.seen[0]!.aborted, false);
  g.release('kept');
  t.equal(await background, 'kept');
  await t.rejects(flights.run('k', g.load, AbortSignal.abort(new Error('already'))), /already/, 'an aborted signal never starts a load');
});
