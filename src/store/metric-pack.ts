/**
 * The compact encoding of metric points in packed items: one DynamoDB Binary per series.
 * CloudWatch answers on a regular grid (one point per period), so a series is stored as its
 * first point's offset, its step, a presence bitmap and float32 values: 4 bytes a point plus ~10
 * bytes a series, against ~20 bytes a point for a number attribute with its name. Values keep
 * float32 precision (~7 significant digits), finer than any chart or rule threshold reads.
 * Points off the grid fall back to (offset, value) pairs. Pure.
 */
import type { Point } from '../domain/records.js';

const GRID = 1;
const PAIRS = 2;

/** Encode points (any order; one value per timestamp) relative to `baseSec` (epoch seconds, <= every point). */
export function encodePoints(points: readonly Point[], baseSec: number): Uint8Array {
  const byTime = new Map<number, number>();
  for (const p of points) {
    const sec = Math.floor(Date.parse(p.t) / 1000);
    if (Number.isFinite(sec) && Number.isFinite(p.v) && sec >= baseSec) byTime.set(sec, p.v);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  if (times.length === 0) return new Uint8Array([GRID, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const first = times[0]!;
  let step = 0;
  for (let i = 1; i < times.length; i++) step = gcd(step, times[i]! - times[i - 1]!);
  const slots = step === 0 ? 1 : (times.at(-1)! - first) / step + 1;
  // A grid with many holes (or a huge one) is larger than pairs: use pairs then.
  if (slots <= 65_535 && 11 + Math.ceil(slots / 8) + 4 * times.length <= 1 + 8 * times.length) {
    const bitmapBytes = Math.ceil(slots / 8);
    const out = new Uint8Array(11 + bitmapBytes + 4 * times.length);
    const view = new DataView(out.buffer);
    out[0] = GRID;
    view.setUint32(1, first - baseSec);
    view.setUint32(5, step);
    view.setUint16(9, slots);
    let at = 11 + bitmapBytes;
    for (const sec of times) {
      const slot = step === 0 ? 0 : (sec - first) / step;
      out[11 + (slot >> 3)]! |= 1 << (slot & 7);
      view.setFloat32(at, byTime.get(sec)!);
      at += 4;
    }
    return out;
  }
  const out = new Uint8Array(1 + 8 * times.length);
  const view = new DataView(out.buffer);
  out[0] = PAIRS;
  times.forEach((sec, i) => {
    view.setUint32(1 + 8 * i, sec - baseSec);
    view.setFloat32(5 + 8 * i, byTime.get(sec)!);
  });
  return out;
}

/** Decode what `encodePoints` made, oldest point first. */
export function decodePoints(bytes: Uint8Array, baseSec: number): Point[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const points: Point[] = [];
  // Float32 holds ~7 significant digits: printing at that precision gives back what was stored
  // (12.345, not 12.345000267028809).
  const point = (sec: number, v: number) => points.push({ t: new Date(sec * 1000).toISOString(), v: Number(v.toPrecision(7)) });
  if (bytes[0] === GRID && bytes.length >= 11) {
    const first = baseSec + view.getUint32(1);
    const step = view.getUint32(5);
    const slots = view.getUint16(9);
    let at = 11 + Math.ceil(slots / 8);
    for (let slot = 0; slot < slots; slot++) {
      if (!((bytes[11 + (slot >> 3)]! >> (slot & 7)) & 1)) continue;
      point(first + slot * step, view.getFloat32(at));
      at += 4;
    }
  } else if (bytes[0] === PAIRS) {
    for (let at = 1; at + 8 <= bytes.length; at += 8) point(baseSec + view.getUint32(at), view.getFloat32(at + 4));
  }
  return points;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}
