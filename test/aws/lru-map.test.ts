import t from 'tap';
import { LruMap } from '../../src/aws/lru-map.js';

t.test('evicts the least recently used entry', async (t) => {
  const evicted: string[] = [];
  const lru = new LruMap<string, number>(2, (key) => evicted.push(key));
  lru.set('a', 1);
  lru.set('b', 2);
  lru.get('a');
  lru.set('c', 3);
  t.same(evicted, ['b']);
  t.equal(lru.get('a'), 1);
  t.equal(lru.get('b'), undefined);
  t.equal(lru.size, 2);
  t.throws(() => new LruMap(0));
});
