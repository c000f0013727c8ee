import type { ThetaSketch } from "./theta-sketch";

// The (low, high) pairs of a Uint32Array are uint64s in memory on a little-endian machine, which
// every Workers and Node platform is; checked once, so a big-endian port fails loudly.
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("src/sketch needs a little-endian platform");
}

/** Sorts (low, high) hash pairs ascending in place, as uint64s: the engine's native sort, no BigInt per entry. */
export function sortHashes(pairs: Uint32Array): Uint32Array {
  new BigUint64Array(pairs.buffer, pairs.byteOffset, pairs.length >>> 1).sort();
  return pairs;
}

/** The sketch with its entries ascending (a copy when they were not). */
export function toOrdered(sketch: ThetaSketch): ThetaSketch {
  if (sketch.ordered) return sketch;
  return { ...sketch, ordered: true, entries: sortHashes(sketch.entries.slice()) };
}
