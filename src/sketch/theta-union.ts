import { HashSet64 } from "./hash-set";
import { sortHashes } from "./sort-hashes";
import { isBelow, MAX_THETA_HI, MAX_THETA_LO, type ThetaSketch } from "./theta-sketch";

/** The union's nominal entries as the API computes it: 4,096 (lg_k 12). */
export const UNION_LG_K = 12;

/**
 * The union of Theta sketches, added one at a time, with the result DataSketches' theta_union
 * gives for the same sketches, entry for entry: the 2^lg_k smallest hashes below the smallest
 * theta, theta lowered to the next hash when there are more. Like its hash table, this one
 * keeps every hash below both thresholds until it holds more than 15/16 of 2^(lg_k + 1), then
 * keeps the 2^lg_k smallest and lowers its own theta to the next one: that bounds memory, and
 * since a rebuild only drops hashes the final cut would drop anyway, neither when it happens
 * nor the order of the sketches changes the result (the vectors check both).
 *
 * @example const union = new ThetaUnion(); for (const s of sketches) union.update(s); union.result()
 */
export class ThetaUnion {
  private readonly nominal: number;
  private readonly rebuildAt: number;
  private readonly table: HashSet64;
  private empty = true;
  // theta_union keeps two thresholds: the smallest theta of the sketches added (unionTheta)
  // and its table's own, lowered by each rebuild (tableTheta).
  private unionThetaHi = MAX_THETA_HI;
  private unionThetaLo = MAX_THETA_LO;
  private tableThetaHi = MAX_THETA_HI;
  private tableThetaLo = MAX_THETA_LO;

  constructor(lgK = UNION_LG_K) {
    this.nominal = 2 ** lgK;
    this.rebuildAt = Math.floor((15 / 16) * 2 ** (lgK + 1));
    this.table = new HashSet64(this.rebuildAt + 1);
  }

  update(sketch: ThetaSketch): void {
    if (sketch.empty) return;
    this.empty = false;
    if (isBelow(sketch.thetaHi, sketch.thetaLo, this.unionThetaHi, this.unionThetaLo)) {
      this.unionThetaHi = sketch.thetaHi;
      this.unionThetaLo = sketch.thetaLo;
    }
    const entries = sketch.entries;
    for (let i = 0; i < entries.length; i += 2) {
      const lo = entries[i]!;
      const hi = entries[i + 1]!;
      if (isBelow(hi, lo, this.unionThetaHi, this.unionThetaLo) && isBelow(hi, lo, this.tableThetaHi, this.tableThetaLo)) {
        if (this.table.add(lo, hi) && this.table.size > this.rebuildAt) this.rebuild();
      } else if (sketch.ordered) {
        break; // every later entry is larger
      }
    }
    if (isBelow(this.tableThetaHi, this.tableThetaLo, this.unionThetaHi, this.unionThetaLo)) {
      this.unionThetaHi = this.tableThetaHi;
      this.unionThetaLo = this.tableThetaLo;
    }
  }

  /** The union so far, ordered. */
  result(): ThetaSketch {
    if (this.empty) {
      return { empty: true, ordered: true, thetaHi: this.unionThetaHi, thetaLo: this.unionThetaLo, entries: new Uint32Array(0) };
    }
    let thetaHi = this.unionThetaHi;
    let thetaLo = this.unionThetaLo;
    if (isBelow(this.tableThetaHi, this.tableThetaLo, thetaHi, thetaLo)) {
      thetaHi = this.tableThetaHi;
      thetaLo = this.tableThetaLo;
    }
    let entries = sortHashes(this.table.toPairs());
    // The table may hold hashes added before a later sketch lowered unionTheta.
    let count = 0;
    while (count * 2 < entries.length && isBelow(entries[2 * count + 1]!, entries[2 * count]!, thetaHi, thetaLo)) count++;
    if (count > this.nominal) {
      thetaLo = entries[2 * this.nominal]!;
      thetaHi = entries[2 * this.nominal + 1]!;
      count = this.nominal;
    }
    entries = entries.slice(0, count * 2);
    return { empty: false, ordered: true, thetaHi, thetaLo, entries };
  }

  // Keep the nominal number of smallest hashes; theta becomes the smallest one dropped.
  private rebuild(): void {
    const sorted = sortHashes(this.table.toPairs());
    this.tableThetaLo = sorted[2 * this.nominal]!;
    this.tableThetaHi = sorted[2 * this.nominal + 1]!;
    this.table.clear();
    for (let i = 0; i < 2 * this.nominal; i += 2) this.table.add(sorted[i]!, sorted[i + 1]!);
  }
}
