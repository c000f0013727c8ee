import { isBelow } from "./theta-sketch";

/**
 * The entries of a serial version 4 sketch: `count` deltas of `bits` bits each, packed
 * most-significant bit first with no padding between them (DataSketches packs blocks of eight,
 * which is the same stream), each added to the entry before it. Returns (low, high) pairs, or
 * undefined when a delta is 0 or an entry reaches theta (the caller's error says so).
 */
export function unpackDeltas(
  packed: Uint8Array,
  count: number,
  bits: number,
  thetaHi: number,
  thetaLo: number,
): Uint32Array | undefined {
  const entries = new Uint32Array(count * 2);
  const highBits = bits > 32 ? bits - 32 : 0;
  const lowBits = bits - highBits;
  let position = 0; // in bits
  let hi = 0;
  let lo = 0;

  // Up to 32 bits from the stream as an unsigned number (built by multiplication: no sign bit).
  const read = (width: number): number => {
    let value = 0;
    while (width > 0) {
      const used = position & 7;
      const take = Math.min(8 - used, width);
      const chunk = (packed[position >>> 3]! >>> (8 - used - take)) & ((1 << take) - 1);
      value = value * (1 << take) + chunk;
      position += take;
      width -= take;
    }
    return value;
  };

  for (let i = 0; i < count; i++) {
    const deltaHi = highBits ? read(highBits) : 0;
    const deltaLo = read(lowBits);
    if (deltaHi === 0 && deltaLo === 0) return undefined;
    lo += deltaLo;
    hi += deltaHi;
    if (lo >= 0x1_0000_0000) {
      lo -= 0x1_0000_0000;
      hi += 1;
    }
    if (!isBelow(hi, lo, thetaHi, thetaLo)) return undefined;
    entries[2 * i] = lo;
    entries[2 * i + 1] = hi;
  }
  return entries;
}
