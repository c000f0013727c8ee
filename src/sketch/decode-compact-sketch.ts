import { InvalidSketchError } from "./invalid-sketch-error";
import { sortHashes } from "./sort-hashes";
import { MAX_THETA_HI, MAX_THETA_LO, type ThetaSketch } from "./theta-sketch";
import { unpackDeltas } from "./unpack-deltas";

/** DataSketches' seed hash of the default seed 9001 (its `compute_seed_hash(9001)`). */
export const DEFAULT_SEED_HASH = 0x93cc;

/**
 * The most retained entries a sketch may hold: 2^17. An lg_k 16 update sketch compacted
 * without trimming holds at most 15/16 of 2^17 (122,880), so every lg_k up to 16 fits.
 */
export const MAX_RETAINED_ENTRIES = 131_072;

/** The largest valid body: serial version 3 with theta and MAX_RETAINED_ENTRIES entries (1,048,600 bytes). */
export const MAX_SKETCH_BYTES = 24 + 8 * MAX_RETAINED_ENTRIES;

const COMPACT_THETA_FAMILY = 3;
const FLAG_BIG_ENDIAN = 1;
const FLAG_READ_ONLY = 2;
const FLAG_EMPTY = 4;
const FLAG_COMPACT = 8;
const FLAG_ORDERED = 16;
// Older Java releases marked single-item sketches with this bit; it changes nothing here.
const FLAG_SINGLE_ITEM = 32;
const KNOWN_FLAGS = FLAG_BIG_ENDIAN | FLAG_READ_ONLY | FLAG_EMPTY | FLAG_COMPACT | FLAG_ORDERED | FLAG_SINGLE_ITEM;

/**
 * Reads a compact Theta sketch serialized by Apache DataSketches (Java, C++, Python, and the
 * engines built on them): serial version 3 (ordered or not, empty and single-item forms) or 4
 * (compressed), default seed. Stricter than DataSketches' own reader: the length must be exact,
 * entries must be nonzero, below theta, unique, and ascending when the sketch says it is
 * ordered. Anything else throws InvalidSketchError. The sketch may share the bytes' buffer:
 * leave them unchanged while it is in use.
 *
 * @example const sketch = decodeCompactThetaSketch(new Uint8Array(await request.arrayBuffer()))
 */
export function decodeCompactThetaSketch(bytes: Uint8Array): ThetaSketch {
  if (bytes.length < 8) fail(`is ${bytes.length} bytes long; a compact Theta sketch has at least 8`);
  if (bytes.length > MAX_SKETCH_BYTES) fail(`is ${bytes.length} bytes long; the limit is ${MAX_SKETCH_BYTES}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = bytes[2]!;
  if (family !== COMPACT_THETA_FAMILY) {
    fail(`has family id ${family}; a compact Theta sketch has ${COMPACT_THETA_FAMILY}`);
  }
  const flags = bytes[5]!;
  if (flags & ~KNOWN_FLAGS) fail(`has unknown flag bits (flags byte ${flags})`);
  if (flags & FLAG_BIG_ENDIAN) fail("is big-endian; DataSketches writes little-endian");
  if (!(flags & FLAG_COMPACT)) fail("is not compact (flag bit 3 unset): serialize the compact form");
  const serialVersion = bytes[1]!;
  if (serialVersion === 3) return decodeVersion3(bytes, view, flags);
  if (serialVersion === 4) return decodeVersion4(bytes, view, flags);
  return fail(`has serial version ${serialVersion}; only 3 and 4 (compressed) are accepted`);
}

function decodeVersion3(bytes: Uint8Array, view: DataView, flags: number): ThetaSketch {
  const preambleLongs = bytes[0]!;
  if (flags & FLAG_EMPTY) {
    // The seed hash of an empty sketch is not checked, as DataSketches does not: it holds no hash.
    if (preambleLongs !== 1) fail(`is empty with ${preambleLongs} preamble longs; an empty sketch has 1`);
    expectLength(bytes, 8);
    return { empty: true, ordered: true, thetaHi: MAX_THETA_HI, thetaLo: MAX_THETA_LO, entries: new Uint32Array(0) };
  }
  checkSeedHash(view);
  let count: number;
  let entriesOffset: number;
  let thetaHi = MAX_THETA_HI;
  let thetaLo = MAX_THETA_LO;
  if (preambleLongs === 1) {
    count = 1; // the single-item form
    entriesOffset = 8;
  } else if (preambleLongs === 2 || preambleLongs === 3) {
    if (bytes.length < 8 * preambleLongs) fail(`is truncated: ${bytes.length} bytes, its preamble alone has ${8 * preambleLongs}`);
    count = view.getUint32(8, true);
    checkCount(count);
    entriesOffset = 8 * preambleLongs;
    if (preambleLongs === 3) {
      thetaLo = view.getUint32(16, true);
      thetaHi = view.getUint32(20, true);
      checkTheta(thetaHi, thetaLo);
    }
  } else {
    return fail(`has ${preambleLongs} preamble longs; serial version 3 has 1, 2 or 3`);
  }
  expectLength(bytes, entriesOffset + 8 * count);
  const entries = entriesOf(bytes, entriesOffset, count);
  const ordered = count <= 1 || (flags & FLAG_ORDERED) !== 0;
  checkEntries(entries, ordered, thetaHi, thetaLo);
  return { empty: false, ordered, thetaHi, thetaLo, entries };
}

function decodeVersion4(bytes: Uint8Array, view: DataView, flags: number): ThetaSketch {
  const preambleLongs = bytes[0]!;
  if (preambleLongs !== 1 && preambleLongs !== 2) fail(`has ${preambleLongs} preamble longs; serial version 4 has 1 or 2`);
  if (flags & FLAG_EMPTY) fail("is compressed and empty; DataSketches writes an empty sketch as serial version 3");
  if (!(flags & FLAG_ORDERED)) fail("is compressed but not ordered; serial version 4 is always ordered");
  const entryBits = bytes[3]!;
  if (entryBits < 1 || entryBits > 63) fail(`has ${entryBits}-bit entries; serial version 4 packs 1 to 63 bits`);
  const countBytes = bytes[4]!;
  if (countBytes < 1 || countBytes > 4) fail(`stores its entry count in ${countBytes} bytes; 1 to 4 expected`);
  checkSeedHash(view);
  let thetaHi = MAX_THETA_HI;
  let thetaLo = MAX_THETA_LO;
  const countOffset = 8 * preambleLongs;
  if (bytes.length < countOffset + countBytes) fail(`is truncated: ${bytes.length} bytes, its preamble alone has ${countOffset + countBytes}`);
  if (preambleLongs === 2) {
    thetaLo = view.getUint32(8, true);
    thetaHi = view.getUint32(12, true);
    checkTheta(thetaHi, thetaLo);
  }
  let count = 0;
  for (let i = countBytes - 1; i >= 0; i--) count = count * 256 + bytes[countOffset + i]!;
  if (count === 0) fail("is compressed with no entries; serial version 4 always has some");
  checkCount(count);
  const dataOffset = countOffset + countBytes;
  expectLength(bytes, dataOffset + Math.ceil((count * entryBits) / 8));
  const entries = unpackDeltas(bytes.subarray(dataOffset), count, entryBits, thetaHi, thetaLo);
  if (!entries) fail("has an entry that is not above the one before it, or not below theta");
  return { empty: false, ordered: true, thetaHi, thetaLo, entries };
}

// The entries as (low, high) pairs: a view of the bytes when they are aligned (no copy of a
// sketch read whole from storage; nothing here writes to a sketch's entries), else a copy.
function entriesOf(bytes: Uint8Array, offset: number, count: number): Uint32Array {
  const start = bytes.byteOffset + offset;
  if (start % 4 === 0) return new Uint32Array(bytes.buffer, start, count * 2);
  return new Uint32Array(bytes.slice(offset, offset + 8 * count).buffer);
}

function checkSeedHash(view: DataView): void {
  const seedHash = view.getUint16(6, true);
  if (seedHash !== DEFAULT_SEED_HASH) {
    fail(`has seed hash ${seedHash}, not ${DEFAULT_SEED_HASH}: build sketches with DataSketches' default seed 9001`);
  }
}

function checkCount(count: number): void {
  if (count > MAX_RETAINED_ENTRIES) fail(`retains ${count} entries; the limit is ${MAX_RETAINED_ENTRIES} (lg_k 16)`);
}

function checkTheta(hi: number, lo: number): void {
  if ((hi === 0 && lo === 0) || hi > MAX_THETA_HI) fail("has theta outside (0, 2^63 - 1]");
}

function expectLength(bytes: Uint8Array, expected: number): void {
  if (bytes.length < expected) fail(`is truncated: ${bytes.length} bytes, ${expected} expected`);
  if (bytes.length > expected) fail(`has ${bytes.length - expected} trailing bytes after its ${expected}`);
}

function checkEntries(entries: Uint32Array, ordered: boolean, thetaHi: number, thetaLo: number): void {
  // One pass, comparisons written out: this loop is most of the cost of reading a sketch.
  let previousHi = 0;
  let previousLo = 0;
  for (let i = 0; i < entries.length; i += 2) {
    const lo = entries[i]!;
    const hi = entries[i + 1]!;
    if (hi > thetaHi || (hi === thetaHi && lo >= thetaLo)) fail(`has entry ${i / 2} at or above theta`);
    if (ordered) {
      // Ascending from 0 also rules out the hash 0.
      if (hi < previousHi || (hi === previousHi && lo <= previousLo)) {
        fail(i === 0 ? "has the hash 0 at entry 0" : `says it is ordered but entry ${i / 2} is not above the one before it`);
      }
      previousHi = hi;
      previousLo = lo;
    } else if (hi === 0 && lo === 0) {
      fail(`has the hash 0 at entry ${i / 2}`);
    }
  }
  if (!ordered) {
    const sorted = sortHashes(entries.slice());
    for (let i = 2; i < sorted.length; i += 2) {
      if (sorted[i] === sorted[i - 2] && sorted[i + 1] === sorted[i - 1]) fail("retains the same hash twice");
    }
  }
}

function fail(reason: string): never {
  throw new InvalidSketchError(`The body ${reason}.`);
}
