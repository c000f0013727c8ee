import { HashSet64 } from "./hash-set";
import { sortHashes } from "./sort-hashes";
import { isBelow, MAX_THETA_HI, MAX_THETA_LO, retainedEntries, type ThetaSketch } from "./theta-sketch";

/**
 * The intersection of Theta sketches, added one at a time, with DataSketches'
 * theta_intersection result: the hashes every sketch retains below the smallest theta. An empty
 * sketch makes the result empty; a result with no hash left and theta still 1 is empty too.
 *
 * @example const both = new ThetaIntersection(); both.update(a); both.update(b); both.result()
 */
export class ThetaIntersection {
  private started = false;
  private empty = false;
  private thetaHi = MAX_THETA_HI;
  private thetaLo = MAX_THETA_LO;
  private entries: Uint32Array = new Uint32Array(0);

  update(sketch: ThetaSketch): void {
    if (this.empty) return;
    this.empty = sketch.empty;
    if (this.empty) {
      this.thetaHi = MAX_THETA_HI;
      this.thetaLo = MAX_THETA_LO;
    } else if (isBelow(sketch.thetaHi, sketch.thetaLo, this.thetaHi, this.thetaLo)) {
      this.thetaHi = sketch.thetaHi;
      this.thetaLo = sketch.thetaLo;
    }
    if (this.started && this.entries.length === 0) return;
    if (retainedEntries(sketch) === 0) {
      this.started = true;
      this.entries = new Uint32Array(0);
      return;
    }
    if (!this.started) {
      this.started = true;
      this.entries = sketch.entries;
      return;
    }
    this.entries = this.matching(sketch);
    if (this.entries.length === 0 && this.thetaHi === MAX_THETA_HI && this.thetaLo === MAX_THETA_LO) this.empty = true;
  }

  /** The intersection so far, ordered. Call update at least once first. */
  result(): ThetaSketch {
    if (!this.started) throw new Error("the intersection of no sketch is undefined");
    const { empty, thetaHi, thetaLo } = this;
    return { empty, ordered: true, thetaHi, thetaLo, entries: sortHashes(this.entries.slice()) };
  }

  // The sketch's hashes below theta that are already held, in the sketch's order.
  private matching(sketch: ThetaSketch): Uint32Array {
    const held = new HashSet64(this.entries.length >>> 1);
    for (let i = 0; i < this.entries.length; i += 2) held.add(this.entries[i]!, this.entries[i + 1]!);
    const incoming = sketch.entries;
    const matched = new Uint32Array(Math.min(this.entries.length, incoming.length));
    let n = 0;
    for (let i = 0; i < incoming.length && n < matched.length; i += 2) {
      const lo = incoming[i]!;
      const hi = incoming[i + 1]!;
      if (isBelow(hi, lo, this.thetaHi, this.thetaLo)) {
        if (held.has(lo, hi)) {
          matched[n++] = lo;
          matched[n++] = hi;
        }
      } else if (sketch.ordered) {
        break;
      }
    }
    return matched.slice(0, n);
  }
}
