/**
 * Deterministic pseudo-randomness for the simulator: every generated value is a pure function of
 * (seed, keys), so the same seed and account always give the same data, whatever the call order.
 */

/** 53-bit string hash (cyrb53); fast, well mixed, not cryptographic. */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Mix a 53-bit hash with an integer (e.g. a timestamp bucket) into a 32-bit value. */
export function mix(hash: number, value: number): number {
  // Split both into 32-bit halves so large integers (ms timestamps) keep all their bits.
  let h = (hash % 4294967296) ^ Math.imul(Math.floor(hash / 4294967296), 0x9e3779b1);
  h = Math.imul(h ^ (value >>> 0), 0x85ebca6b);
  h = Math.imul(h ^ Math.floor(value / 4294967296), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A value in [0, 1) from a 32- or 53-bit hash. */
export function unit(hash: number): number {
  return (hash % 4294967296) / 4294967296;
}

/** A value in [0, 1) determined by the seed and the parts. */
export function chance(seed: number, ...parts: (string | number)[]): number {
  return unit(hashString(parts.join('|'), seed));
}

/** A value in [min, max) determined by the seed and the parts. */
export function between(min: number, max: number, seed: number, ...parts: (string | number)[]): number {
  return min + (max - min) * chance(seed, ...parts);
}

/** Pick one element of a non-empty list, determined by the seed and the parts. */
export function pick<T>(items: readonly T[], seed: number, ...parts: (string | number)[]): T {
  const item = items[Math.floor(chance(seed, ...parts) * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const HEX_DIGITS = '0123456789abcdef';

/** Lower-case hex of the given length, determined by the seed and the parts. */
export function hex(length: number, seed: number, ...parts: (string | number)[]): string {
  const base = parts.join('|');
  let out = '';
  // Eight hex digits (the low 32 bits) per hash, by table: Number#toString(16) is slow on doubles.
  for (let i = 0; out.length < length; i++) {
    const h = hashString(`${base}|${i}`, seed) >>> 0;
    for (let shift = 28; shift >= 0; shift -= 4) out += HEX_DIGITS[(h >>> shift) & 15];
  }
  return out.slice(0, length);
}

/** A sequential generator (mulberry32), for decisions that follow a stream of events. */
export function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
