import { HashSet64 } from "./hash-set";
import { toOrdered } from "./sort-hashes";
import { isBelow, MAX_THETA_HI, MAX_THETA_LO, retainedEntries, type ThetaSketch } from "./theta-sketch";

/**
 * The hashes of `a` not in `b`, below the smaller theta: DataSketches' theta_a_not_b, ordered.
 * An empty `a` is the answer as it is, whatever `b`'s theta.
 *
 * @example const onlyA = aNotB(a, b)
 */
export function aNotB(a: ThetaSketch, b: ThetaSketch): ThetaSketch {
  if (a.empty) return toOrdered(a);
  let thetaHi = a.thetaHi;
  let thetaLo = a.thetaLo;
  if (isBelow(b.thetaHi, b.thetaLo, thetaHi, thetaLo)) {
    thetaHi = b.thetaHi;
    thetaLo = b.thetaLo;
  }
  const inB = new HashSet64(retainedEntries(b));
  for (let i = 0; i < b.entries.length; i += 2) {
    const lo = b.entries[i]!;
    const hi = b.entries[i + 1]!;
    if (isBelow(hi, lo, thetaHi, thetaLo)) inB.add(lo, hi);
    else if (b.ordered) break;
  }
  const kept = new Uint32Array(a.entries.length);
  let n = 0;
  for (let i = 0; i < a.entries.length; i += 2) {
    const lo = a.entries[i]!;
    const hi = a.entries[i + 1]!;
    if (isBelow(hi, lo, thetaHi, thetaLo)) {
      if (!inB.has(lo, hi)) {
        kept[n++] = lo;
        kept[n++] = hi;
      }
    } else if (a.ordered) {
      break;
    }
  }
  const empty = n === 0 && thetaHi === MAX_THETA_HI && thetaLo === MAX_THETA_LO;
  return toOrdered({ empty, ordered: a.ordered, thetaHi, thetaLo, entries: kept.slice(0, n) });
}
