import t from 'tap';
import { SmallMap } from '../../src/actors/small-map.js';

t.test('behaves as a Map for one key and for many', async (t) => {
  const small = new SmallMap<string, number | undefined>();
  const map = new Map<string, number | undefined>();
  const ops: [string, number | undefined][] = [['a', 1], ['a', 2], ['b', undefined], ['c', 3], ['b', 4], ['a', 5]];
  t.equal(small.size, 0);
  t.notOk(small.has('a'), 'empty: nothing');
  t.equal(small.get('a'), undefined);
  for (const [key, value] of ops) {
    small.set(key, value);
    map.set(key, value);
    for (const probe of ['a', 'b', 'c', 'd']) {
      t.equal(small.has(probe), map.has(probe), `has ${probe} after set ${key}`);
      t.equal(small.get(probe), map.get(probe), `get ${probe} after set ${key}`);
    }
    t.equal(small.size, map.size);
  }
});

t.test('a key stored with undefined is present', async (t) => {
  const small = new SmallMap<string, undefined>().set('x', undefined);
  t.ok(small.has('x'));
  t.notOk(small.has('y'));
});

t.test('NaN and -0 as keys, as a Map treats them', async (t) => {
  const small = new SmallMap<number, string>().set(NaN, 'nan').set(-0, 'zero');
  t.equal(small.get(NaN), 'nan');
  t.equal(small.get(0), 'zero');
  t.equal(small.size, 2);
});
