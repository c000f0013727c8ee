// A compact Theta sketch as this code holds it: no BigInt on the hot paths. Every hash (and
// theta) is a 63-bit unsigned integer kept as two 32-bit halves: faster than BigInt both to read
// and check 1,000 sketches and to unite them (`npm exec -- node scripts/sketch-vectors/union-bench.ts`;
// docs/reach.md gives the numbers).

/** Theta of a sketch that has seen everything: 2^63 - 1, as DataSketches (signed max, for Java). */
export const MAX_THETA_HI = 0x7fffffff;
export const MAX_THETA_LO = 0xffffffff;

export interface ThetaSketch {
  /** Saw no item at all (not the same as a result that retained no hash). */
  readonly empty: boolean;
  /** Entries ascending; set operations rely on it only to stop early, as DataSketches does. */
  readonly ordered: boolean;
  /** Theta, the sampling threshold: high 31 bits and low 32 bits. */
  readonly thetaHi: number;
  readonly thetaLo: number;
  /**
   * The retained hashes in the sketch's own order, each as a pair (low 32 bits, high 32 bits):
   * the little-endian layout of a uint64, so `sortHashes` can sort them as BigUint64Array.
   * Never written to: it may be a view of the serialized bytes.
   */
  readonly entries: Uint32Array;
}

export function retainedEntries(sketch: ThetaSketch): number {
  return sketch.entries.length >>> 1;
}

/** Theta as a fraction of the hash space: DataSketches' `get_theta()`, rounded the same way. */
export function thetaFraction(sketch: ThetaSketch): number {
  // hi * 2^32 is exact, so the one rounding is that of the 63-bit integer to a double, as in C++;
  // MAX_THETA as a double is 2^63.
  return (sketch.thetaHi * 0x1_0000_0000 + sketch.thetaLo) / 2 ** 63;
}

export function isEstimationMode(sketch: ThetaSketch): boolean {
  return !sketch.empty && (sketch.thetaHi !== MAX_THETA_HI || sketch.thetaLo !== MAX_THETA_LO);
}

/** Whether the hash (hi, lo) is below the threshold (thetaHi, thetaLo). */
export function isBelow(hi: number, lo: number, thetaHi: number, thetaLo: number): boolean {
  return hi < thetaHi || (hi === thetaHi && lo < thetaLo);
}

export function emptySketch(): ThetaSketch {
  return { empty: true, ordered: true, thetaHi: MAX_THETA_HI, thetaLo: MAX_THETA_LO, entries: new Uint32Array(0) };
}
