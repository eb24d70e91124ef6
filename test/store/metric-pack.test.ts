import t from 'tap';
import { decodePoints, encodePoints } from '../../src/store/metric-pack.js';

const base = Date.parse('2026-03-10T00:00:00Z') / 1000;
const at = (minutes: number) => new Date((base + minutes * 60) * 1000).toISOString();

t.test('a regular series: 4 bytes a point, values back at their precision', async (t) => {
  const points = Array.from({ length: 12 }, (_, i) => ({ t: at(i * 5), v: Math.round(i * 7.123 * 1000) / 1000 }));
  const bytes = encodePoints(points, base);
  t.ok(bytes.length <= 11 + 2 + 12 * 4, `${bytes.length} bytes for 12 points`);
  t.same(decodePoints(bytes, base), points);
});

t.test('holes, one point, off-grid times, unsorted input, empty', async (t) => {
  const holes = [0, 5, 25, 30].map((m) => ({ t: at(m), v: m }));
  t.same(decodePoints(encodePoints([...holes].reverse(), base), base), holes, 'holes and order');
  t.same(decodePoints(encodePoints([{ t: at(3), v: 1.5 }], base), base), [{ t: at(3), v: 1.5 }], 'one point');
  const odd = [{ t: at(0), v: 1 }, { t: new Date((base + 61) * 1000).toISOString(), v: 2 }, { t: at(600), v: 3 }];
  t.same(decodePoints(encodePoints(odd, base), base), odd, 'any timestamps');
  t.same(decodePoints(encodePoints([], base), base), []);
  t.same(decodePoints(encodePoints([{ t: at(0), v: Number.NaN }], base), base), [], 'no NaN');
});

t.test('large values keep 7 significant digits', async (t) => {
  const [p] = decodePoints(encodePoints([{ t: at(0), v: 123_456_789_012 }], base), base);
  t.ok(Math.abs((p?.v ?? 0) - 123_456_789_012) / 123_456_789_012 < 1e-6);
});
