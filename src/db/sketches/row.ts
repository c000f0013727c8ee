import type { SketchSummary } from "../../sketch";

/** The summary columns every read of a stored sketch selects (never the bytes), in `SketchRow`'s shape. */
export const SKETCH_COLUMNS = "estimate, lower_bound, upper_bound, retained_entries, theta, lg_k, byte_length, version, updated_at";

export interface SketchRow {
  estimate: number;
  lower_bound: number;
  upper_bound: number;
  retained_entries: number;
  theta: number;
  lg_k: number | null;
  byte_length: number;
  version: number;
  updated_at: string;
}

/** What a write stores beside the bytes: the sketch's figures, as summarizeSketch gave them, and the uploader's lg_k. */
export interface NewSketch {
  bytes: Uint8Array;
  summary: SketchSummary;
  lgK: number | null;
  now: string;
}

/** The values of a write's summary columns, in SKETCH_WRITE_COLUMNS' order. */
export function sketchValues(sketch: NewSketch): unknown[] {
  const { summary } = sketch;
  return [summary.estimate, summary.lower_bound, summary.upper_bound, summary.retained_entries, summary.theta, sketch.lgK, sketch.bytes.byteLength, sketch.now, sketch.bytes];
}

/** The columns `sketchValues` fills, then `version` (from the counter). */
export const SKETCH_WRITE_COLUMNS = "estimate, lower_bound, upper_bound, retained_entries, theta, lg_k, byte_length, updated_at, sketch, version";

/** What an upsert's ON CONFLICT sets: every written column, and one more revision. */
export const SKETCH_REPLACE = `${SKETCH_WRITE_COLUMNS.split(", ")
  .map((column) => `${column} = excluded.${column}`)
  .join(", ")}, revision = revision + 1`;

/** Hands out the next sketch version: run in the write's batch, before the write that reads it. */
export const NEXT_VERSION = "UPDATE sketch_counter SET last_version = last_version + 1 WHERE id = 1";
export const CURRENT_VERSION = "(SELECT last_version FROM sketch_counter WHERE id = 1)";

/** A stored sketch's metadata as the API answers it. */
export function toSketchMetadata(row: SketchRow) {
  return {
    estimate: row.estimate,
    lower_bound: row.lower_bound,
    upper_bound: row.upper_bound,
    retained_entries: row.retained_entries,
    theta: row.theta,
    lg_k: row.lg_k,
    size_bytes: row.byte_length,
    updated_at: row.updated_at,
  };
}

// D1 hands a BLOB back as an array of numbers, one per byte (about 30 times slower to read than
// the same bytes as hex text: docs/storage.md, "Sketches"): reads select hex(sketch) instead.
const HEX_VALUES = new Uint8Array(128);
for (let i = 0; i < 16; i++) HEX_VALUES["0123456789ABCDEF".charCodeAt(i)] = i;

/** The bytes of `hex(sketch)`: upper-case hex, as SQLite writes it. */
export function bytesFromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >>> 1);
  for (let i = 0, j = 0; i < bytes.length; i++, j += 2) {
    bytes[i] = (HEX_VALUES[hex.charCodeAt(j)]! << 4) | HEX_VALUES[hex.charCodeAt(j + 1)]!;
  }
  return bytes;
}
