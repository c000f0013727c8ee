// The vectors DataSketches wrote (scripts/sketch-vectors/make_vectors.cpp): the manifest of what
// it read back from each sketch and of its results for each plan, and the sketches' bytes.
import manifestText from "../fixtures/theta/manifest.json?raw";
import { SKETCH_BASE64 } from "../fixtures/theta/sketches";

export interface ExpectedSummary {
  empty: boolean;
  ordered: boolean;
  estimation_mode: boolean;
  retained_entries: number;
  theta64: string;
  theta: number;
  estimate: number;
  lower_bound: number;
  upper_bound: number;
  first_hash: string;
  last_hash: string;
  hash_sum: string;
  /** The true count of the synthetic users; null for plans over the format vectors. */
  true_count?: number | null;
}

export interface SketchVector extends ExpectedSummary {
  name: string;
  file: string;
  form: string;
  bytes: number;
  serial_version: number;
  lg_k?: number;
  seed?: number;
}

export interface PlanVector {
  name: string;
  subgroup_operator: "AND" | "OR";
  segment_subgroup: { segment_operator: "AND" | "OR"; exclude: boolean; members: string[]; expected: ExpectedSummary }[];
  expected: ExpectedSummary;
}

export interface Manifest {
  seed_hash: number;
  population: number;
  sketches: SketchVector[];
  plans: PlanVector[];
  bounds: { n: number; theta: number; lower_bound: number; upper_bound: number }[];
}

export const manifest = JSON.parse(manifestText) as Manifest;

export function sketchBytes(name: string): Uint8Array {
  const base64 = SKETCH_BASE64[name];
  if (base64 === undefined) throw new Error(`no test vector named ${name}`);
  return Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
}

/** |actual - expected| / |expected| (or the absolute difference when expected is 0). */
export function relativeDifference(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}
