// The reach plan's cost for a group of 1,000 members with lg_k 12 sketches (about 32 KB each),
// in plain Node (V8, as in workerd): time, and the memory high-water mark while the members are
// loaded one at a time. Also times the same union written with BigInt hashes, the alternative
// src/sketch/ measured against its two 32-bit halves.
//   npm exec -- node scripts/sketch-vectors/union-bench.ts [members] [rounds]
// Run with --expose-gc for steadier memory figures: npm exec -- node --expose-gc scripts/sketch-vectors/union-bench.ts
import { importWorkerSource } from "../worker-sources.ts";

type Sketch = { empty: boolean; ordered: boolean; thetaHi: number; thetaLo: number; entries: Uint32Array };
type Summary = { estimate: number; lower_bound: number; upper_bound: number; retained_entries: number };
type Group = {
  subgroup_operator: "AND" | "OR";
  segment_subgroup: { segment_operator: "AND" | "OR"; exclude: boolean; segment_members: { segment_type: "3P"; segment_id: number }[] }[];
};
type SketchModule = {
  decodeCompactThetaSketch(bytes: Uint8Array): Sketch;
  ThetaUnion: new () => { update(sketch: Sketch): void; result(): Sketch };
  summarizeSketch(sketch: Sketch): Summary;
  estimateGroupReach(
    group: Group,
    loader: { member(segment: { segment_id: number }): Promise<Sketch>; universe(): Promise<Sketch | undefined> },
  ): Promise<{ group: Summary }>;
};
const sketches = (await importWorkerSource("sketch/index")) as SketchModule;

const MEMBERS = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 5);
const K = 4096;
const SEED_HASH_9001 = 0x93cc;

// A member's audience: 50,000 to 5,000,000 users, independent of the others; its sketch holds the
// 4,096 smallest of its hashes (uniform below theta = 4,096 / audience), as DataSketches would.
function memberBytes(index: number): Uint8Array {
  let state = BigInt(index + 1) * 0x9e3779b97f4a7c15n;
  const next = () => {
    state = (state + 0x9e3779b97f4a7c15n) & 0xffff_ffff_ffff_ffffn;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffff_ffff_ffff_ffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffff_ffff_ffff_ffffn;
    return z ^ (z >> 31n);
  };
  const audience = 50_000 + Number(next() % 4_950_000n);
  const theta = ((1n << 63n) - 1n) * BigInt(K) / BigInt(audience);
  const hashes = new BigUint64Array(K);
  for (let i = 0; i < K; i++) hashes[i] = 1n + (next() % (theta - 1n));
  hashes.sort();
  const bytes = new Uint8Array(24 + 8 * K);
  const view = new DataView(bytes.buffer);
  bytes.set([3, 3, 3, 0, 0, 2 | 8 | 16]);
  view.setUint16(6, SEED_HASH_9001, true);
  view.setUint32(8, K, true);
  view.setBigUint64(16, theta, true);
  for (let i = 0; i < K; i++) view.setBigUint64(24 + 8 * i, hashes[i]!, true);
  return bytes;
}

// Made once, outside the timings: they stand for the bytes a loader reads from storage.
const stored = Array.from({ length: MEMBERS }, (_, i) => memberBytes(i));

// The same decoding checks and union as src/sketch/, with each hash a BigInt.
function decodeAsBigInts(bytes: Uint8Array): { theta: bigint; entries: BigUint64Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  const theta = view.getBigUint64(16, true);
  const entries = new BigUint64Array(bytes.buffer, bytes.byteOffset + 24, count);
  let previous = 0n;
  for (let i = 0; i < count; i++) {
    const hash = entries[i]!;
    if (hash === 0n || hash >= theta || hash <= previous) throw new Error("invalid sketch");
    previous = hash;
  }
  return { theta, entries };
}

class BigIntUnion {
  private table = new BigUint64Array(16384);
  private size = 0;
  private unionTheta = (1n << 63n) - 1n;
  private tableTheta = (1n << 63n) - 1n;
  update({ theta, entries }: { theta: bigint; entries: BigUint64Array }): void {
    if (theta < this.unionTheta) this.unionTheta = theta;
    for (let i = 0; i < entries.length; i++) {
      const hash = entries[i]!;
      if (hash >= this.unionTheta || hash >= this.tableTheta) break; // ordered
      if (this.add(hash) && this.size > 7680) this.rebuild();
    }
    if (this.tableTheta < this.unionTheta) this.unionTheta = this.tableTheta;
  }
  private add(hash: bigint): boolean {
    const mask = this.table.length - 1;
    for (let i = Number(hash & BigInt(mask)); ; i = (i + 1) & mask) {
      const slot = this.table[i]!;
      if (slot === hash) return false;
      if (slot === 0n) {
        this.table[i] = hash;
        this.size++;
        return true;
      }
    }
  }
  private rebuild(): void {
    const all = this.table.filter((hash) => hash !== 0n).sort();
    this.tableTheta = all[K]!;
    this.table.fill(0n);
    this.size = 0;
    for (let i = 0; i < K; i++) this.add(all[i]!);
  }
  estimate(): number {
    let theta = this.unionTheta; // Math.min takes no BigInt
    if (this.tableTheta < theta) theta = this.tableTheta;
    const kept = this.table.filter((hash) => hash !== 0n && hash < theta).sort();
    const retained = Math.min(kept.length, K);
    const cut = kept.length > K ? kept[K]! : theta;
    return retained / (Number(cut) / 2 ** 63);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

const timings = { halvesDecode: [] as number[], halvesUnion: [] as number[], bigintDecode: [] as number[], bigintUnion: [] as number[] };
let halvesEstimate = 0;
let bigintEstimate = 0;
for (let round = 0; round < ROUNDS; round++) {
  const decoded = time(() => stored.map((bytes) => sketches.decodeCompactThetaSketch(bytes)));
  const union = time(() => {
    const union = new sketches.ThetaUnion();
    for (const sketch of decoded.value) union.update(sketch);
    return sketches.summarizeSketch(union.result()).estimate;
  });
  const bigDecoded = time(() => stored.map(decodeAsBigInts));
  const bigUnion = time(() => {
    const union = new BigIntUnion();
    for (const sketch of bigDecoded.value) union.update(sketch);
    return union.estimate();
  });
  timings.halvesDecode.push(decoded.ms);
  timings.halvesUnion.push(union.ms);
  timings.bigintDecode.push(bigDecoded.ms);
  timings.bigintUnion.push(bigUnion.ms);
  halvesEstimate = union.value;
  bigintEstimate = bigUnion.value;
}

// The whole plan through estimateGroupReach: one OR subgroup of every member, loaded one at a
// time (each load copies the stored bytes, as a read from storage would). Run twice: timed, then
// sampling memory every 25 members, after a full collection when --expose-gc allows one (the
// live high-water mark: what the isolate must hold) and without (what it held, garbage included).
const group: Group = {
  subgroup_operator: "AND",
  segment_subgroup: [{ segment_operator: "OR", exclude: false, segment_members: stored.map((_, i) => ({ segment_type: "3P", segment_id: i })) }],
};
const load = async ({ segment_id }: { segment_id: number }) => sketches.decodeCompactThetaSketch(stored[segment_id]!.slice());
const planStart = performance.now();
const reach = await sketches.estimateGroupReach(group, { member: load, universe: async () => undefined });
const planMs = performance.now() - planStart;

const gc = (globalThis as { gc?: () => void }).gc;
// The most memory above `baseline` seen before each member's load; with `collect`, after a full
// collection every 25 members (the live figure) instead of as found (garbage included).
async function planMemory(collect: boolean) {
  gc?.();
  const baseline = process.memoryUsage();
  const peak = { heap: 0, buffers: 0 };
  await sketches.estimateGroupReach(group, {
    member: async (segment) => {
      if (!collect || segment.segment_id % 25 === 0) {
        if (collect) gc!();
        const usage = process.memoryUsage();
        peak.heap = Math.max(peak.heap, usage.heapUsed - baseline.heapUsed);
        peak.buffers = Math.max(peak.buffers, usage.arrayBuffers - baseline.arrayBuffers);
      }
      return load(segment);
    },
    universe: async () => undefined,
  });
  return peak;
}
const asFound = await planMemory(false);
const live = gc ? await planMemory(true) : undefined;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(`${MEMBERS} members, lg_k 12 sketches of ${stored[0]!.length} bytes (${mb(MEMBERS * stored[0]!.length)} in all), ${ROUNDS} rounds, Node ${process.version}`);
const ms = (values: number[]) => `${median(values).toFixed(1)} ms`.padStart(9);
console.log(`hashes as two 32-bit halves: decode + check ${ms(timings.halvesDecode)}, union ${ms(timings.halvesUnion)} (median), estimate ${halvesEstimate.toFixed(0)}`);
console.log(`hashes as BigInt:            decode + check ${ms(timings.bigintDecode)}, union ${ms(timings.bigintUnion)} (median), estimate ${bigintEstimate.toFixed(0)}`);
console.log(`plan (estimateGroupReach, one OR subgroup, members loaded one at a time): ${planMs.toFixed(1)} ms, estimate ${reach.group.estimate.toFixed(0)}`);
console.log(`memory above the baseline during the plan: heap ${mb(asFound.heap)}, array buffers ${mb(asFound.buffers)} at most, garbage included`);
console.log(live ? `  live (after a full collection): heap ${mb(live.heap)}, array buffers ${mb(live.buffers)} at most` : "  run with --expose-gc for the live figures");
