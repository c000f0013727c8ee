import { describe, expect, it } from "vitest";
import { DEFAULT_SEED_HASH, decodeCompactThetaSketch, InvalidSketchError, MAX_RETAINED_ENTRIES, summarizeSketch } from "../../src/sketch";
import type { ThetaSketch } from "../../src/sketch/theta-sketch";
import { manifest, relativeDifference, sketchBytes } from "./theta-fixtures";

const valid = manifest.sketches.filter((vector) => vector.name !== "wrong_seed");
const u64 = (entries: Uint32Array, i: number) => (BigInt(entries[2 * i + 1]!) << 32n) | BigInt(entries[2 * i]!);

function hashFacts(sketch: ThetaSketch) {
  const n = sketch.entries.length / 2;
  let sum = 0n;
  for (let i = 0; i < n; i++) sum = (sum + u64(sketch.entries, i)) & 0xffff_ffff_ffff_ffffn;
  return {
    first_hash: n ? String(u64(sketch.entries, 0)) : "0",
    last_hash: n ? String(u64(sketch.entries, n - 1)) : "0",
    hash_sum: String(sum),
    theta64: String((BigInt(sketch.thetaHi) << 32n) | BigInt(sketch.thetaLo)),
  };
}

describe("decodeCompactThetaSketch reads what DataSketches wrote", () => {
  it("covers every serial form the API accepts", () => {
    const forms = new Set(valid.map((vector) => vector.form.split(",")[0]));
    expect([...forms].sort()).toEqual(
      ["v3 empty", "v3 ordered", "v3 single item", "v3 unordered", "v3", "v4 compressed"].sort(),
    );
    expect(valid.some((vector) => vector.estimation_mode && vector.serial_version === 3)).toBe(true);
    expect(valid.some((vector) => !vector.estimation_mode && vector.serial_version === 4)).toBe(true);
    expect(new Set(valid.map((vector) => vector.lg_k))).toEqual(new Set([undefined, 10, 12, 14, 16]));
    expect(manifest.seed_hash).toBe(DEFAULT_SEED_HASH);
  });

  it.each(valid.map((vector) => [vector.name, vector] as const))("%s: flags, theta and every entry in order", (_, vector) => {
    const sketch = decodeCompactThetaSketch(sketchBytes(vector.name));
    expect(sketch.empty, "empty").toBe(vector.empty);
    expect(sketch.ordered, "ordered").toBe(vector.ordered);
    expect(sketch.entries.length / 2, "retained entries").toBe(vector.retained_entries);
    expect(hashFacts(sketch)).toEqual({
      first_hash: vector.first_hash,
      last_hash: vector.last_hash,
      hash_sum: vector.hash_sum,
      theta64: vector.theta64,
    });
  });

  it.each(valid.map((vector) => [vector.name, vector] as const))("%s: estimate and bounds as DataSketches' (relative difference <= 1e-9)", (_, vector) => {
    const summary = summarizeSketch(decodeCompactThetaSketch(sketchBytes(vector.name)));
    expect(summary.retained_entries).toBe(vector.retained_entries);
    expect(summary.theta).toBe(vector.theta);
    for (const key of ["estimate", "lower_bound", "upper_bound"] as const) {
      expect(relativeDifference(summary[key], vector[key]), `${key}: ${summary[key]} against ${vector[key]}`).toBeLessThanOrEqual(1e-9);
    }
  });

  it.each(valid.filter((vector) => vector.true_count !== undefined).map((vector) => [vector.name, vector] as const))(
    "%s: the true count of its synthetic users lies within the bounds",
    (_, vector) => {
      const summary = summarizeSketch(decodeCompactThetaSketch(sketchBytes(vector.name)));
      expect(summary.lower_bound).toBeLessThanOrEqual(vector.true_count!);
      expect(summary.upper_bound).toBeGreaterThanOrEqual(vector.true_count!);
    },
  );
});

describe("decodeCompactThetaSketch refuses anything else with an InvalidSketchError", () => {
  const ordered = () => sketchBytes("estimation_ordered_lg10"); // v3, preamble 3
  const exact = () => sketchBytes("exact_ordered"); // v3, preamble 2
  const compressed = () => sketchBytes("compressed_estimation_lg10"); // v4, preamble 2
  // compressed_bits_8: v4, preamble 2, entry count in byte 16, then one 8-bit delta per byte.
  const edit = (bytes: Uint8Array, change: (bytes: Uint8Array, view: DataView) => void) => {
    change(bytes, new DataView(bytes.buffer));
    return bytes;
  };
  const concat = (bytes: Uint8Array, extra: number[]) => Uint8Array.from([...bytes, ...extra]);
  // Entry i of a v3 sketch with `preamble` longs, as a little-endian u64 at its offset.
  const setEntry = (bytes: Uint8Array, preamble: number, i: number, value: bigint) =>
    edit(bytes, (_, view) => view.setBigUint64(8 * preamble + 8 * i, value, true));
  const entry = (bytes: Uint8Array, preamble: number, i: number) =>
    new DataView(bytes.buffer).getBigUint64(8 * preamble + 8 * i, true);

  it.each([
    ["shorter than a preamble", () => new Uint8Array(7), /at least 8/],
    ["of another family (an update sketch, 2)", () => edit(ordered(), (b) => (b[2] = 2)), /family id 2/],
    ["of serial version 1", () => edit(ordered(), (b) => (b[1] = 1)), /serial version 1/],
    ["of serial version 2", () => edit(ordered(), (b) => (b[1] = 2)), /serial version 2/],
    ["not compact", () => edit(ordered(), (b) => (b[5]! &= ~8)), /not compact/],
    ["big-endian", () => edit(ordered(), (b) => (b[5]! |= 1)), /big-endian/],
    ["with unknown flag bits", () => edit(ordered(), (b) => (b[5]! |= 64)), /unknown flag/],
    ["of another seed (DataSketches' own, seed 12345)", () => sketchBytes("wrong_seed"), /seed hash/],
    ["with a seed hash changed", () => edit(ordered(), (b) => (b[6]! ^= 1)), /seed hash/],
    ["with 4 preamble longs", () => edit(ordered(), (b) => (b[0] = 4)), /4 preamble longs/],
    ["with a preamble that claims fewer longs (entries misread as theta)", () => edit(exact(), (b) => (b[0] = 3)), /theta|truncated|trailing/],
    ["truncated by one byte", () => ordered().slice(0, -1), /truncated/],
    ["truncated inside its preamble", () => ordered().slice(0, 12), /truncated/],
    ["followed by a trailing byte", () => concat(ordered(), [0]), /1 trailing bytes/],
    ["claiming one entry more than it holds", () => edit(ordered(), (_, v) => v.setUint32(8, v.getUint32(8, true) + 1, true)), /truncated/],
    ["claiming more entries than the limit", () => edit(ordered(), (_, v) => v.setUint32(8, MAX_RETAINED_ENTRIES + 1, true)), /limit is 131072/],
    ["longer than the limit", () => new Uint8Array(24 + 8 * MAX_RETAINED_ENTRIES + 1), /limit is 1048600/],
    ["with theta 0", () => edit(ordered(), (_, v) => v.setBigUint64(16, 0n, true)), /theta outside/],
    ["with theta above 2^63 - 1", () => edit(ordered(), (_, v) => v.setBigUint64(16, 1n << 63n, true)), /theta outside/],
    ["with an entry at theta", () => { const b = ordered(); return setEntry(b, 3, 5, new DataView(b.buffer).getBigUint64(16, true)); }, /at or above theta/],
    ["with the hash 0", () => setEntry(exact(), 2, 0, 0n), /hash 0/],
    ["ordered, with two entries swapped", () => { const b = ordered(); const [x, y] = [entry(b, 3, 3), entry(b, 3, 4)]; setEntry(b, 3, 3, y); return setEntry(b, 3, 4, x); }, /not above the one before/],
    ["ordered, with an entry repeated", () => { const b = ordered(); return setEntry(b, 3, 4, entry(b, 3, 3)); }, /not above the one before/],
    ["unordered, with an entry repeated", () => { const b = sketchBytes("exact_unordered"); return setEntry(b, 2, 7, entry(b, 2, 100)); }, /same hash twice/],
    ["empty but with 2 preamble longs", () => edit(sketchBytes("empty"), (b) => (b[0] = 2)), /empty with 2 preamble longs/],
    ["empty, with a trailing byte", () => concat(sketchBytes("empty"), [0]), /trailing/],
    ["a single item, truncated", () => sketchBytes("single_item").slice(0, 15), /truncated/],
    ["compressed with 3 preamble longs", () => edit(compressed(), (b) => (b[0] = 3)), /3 preamble longs/],
    ["compressed and marked empty", () => edit(compressed(), (b) => (b[5]! |= 4)), /compressed and empty/],
    ["compressed but not ordered", () => edit(compressed(), (b) => (b[5]! &= ~16)), /not ordered/],
    ["compressed with 64-bit entries", () => edit(compressed(), (b) => (b[3] = 64)), /64-bit entries/],
    ["compressed with 0-bit entries", () => edit(compressed(), (b) => (b[3] = 0)), /0-bit entries/],
    ["compressed with a 5-byte entry count", () => edit(compressed(), (b) => (b[4] = 5)), /5 bytes/],
    ["compressed, truncated", () => compressed().slice(0, -1), /truncated/],
    ["compressed, with a trailing byte", () => concat(compressed(), [0]), /trailing/],
    ["compressed, claiming no entries", () => edit(sketchBytes("compressed_bits_8"), (b) => (b[16] = 0)), /no entries/],
    ["compressed, with a zero delta (a repeated entry)", () => edit(sketchBytes("compressed_bits_8"), (b) => (b[17] = 0)), /not above the one before it, or not below theta/],
    ["compressed, with entries past theta", () => edit(compressed(), (_, v) => v.setBigUint64(8, 1000n, true)), /not below theta/],
  ])("refuses bytes %s", (_, make, message) => {
    expect(() => decodeCompactThetaSketch(make())).toThrow(InvalidSketchError);
    expect(() => decodeCompactThetaSketch(make())).toThrow(message);
  });

  it("accepts the edits' starting points, so each refusal is the edit's doing", () => {
    for (const bytes of [ordered(), exact(), compressed(), sketchBytes("exact_unordered"), sketchBytes("compressed_bits_8")]) {
      expect(() => decodeCompactThetaSketch(bytes)).not.toThrow();
    }
  });
});

describe("decodeCompactThetaSketch wherever the bytes sit", () => {
  it.each(["estimation_ordered_lg10", "exact_unordered", "single_item", "compressed_estimation_lg10"])(
    "%s: the same sketch from bytes at an offset of 0, 3 and 8 in their buffer",
    (name) => {
      const bytes = sketchBytes(name);
      const at = (offset: number) => {
        const buffer = new Uint8Array(bytes.length + offset);
        buffer.set(bytes, offset);
        return decodeCompactThetaSketch(buffer.subarray(offset));
      };
      const [aligned, unaligned, shifted] = [at(0), at(3), at(8)];
      expect(unaligned).toEqual(aligned);
      expect(shifted).toEqual(aligned);
    },
  );
});
