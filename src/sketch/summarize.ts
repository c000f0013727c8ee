import { binomialLowerBound, binomialUpperBound } from "./binomial-bounds";
import { isEstimationMode, retainedEntries, type ThetaSketch, thetaFraction } from "./theta-sketch";

/** What a sketch estimates, named as the API answers it. */
export interface SketchSummary {
  /** Retained entries / theta: DataSketches' `get_estimate()`. */
  estimate: number;
  /** Two standard deviations below (about 97.7% one-sided): `get_lower_bound(2)`. */
  lower_bound: number;
  /** Two standard deviations above: `get_upper_bound(2)`. */
  upper_bound: number;
  retained_entries: number;
  /** Theta as a fraction of the hash space; 1 in exact mode. */
  theta: number;
}

export function summarizeSketch(sketch: ThetaSketch): SketchSummary {
  const retained = retainedEntries(sketch);
  const theta = thetaFraction(sketch);
  // In exact mode (or empty) every hash is retained, so the count is known: bounds = estimate.
  const exact = !isEstimationMode(sketch);
  return {
    estimate: retained / theta,
    lower_bound: exact ? retained : binomialLowerBound(retained, theta),
    upper_bound: exact ? retained : binomialUpperBound(retained, theta),
    retained_entries: retained,
    theta,
  };
}
