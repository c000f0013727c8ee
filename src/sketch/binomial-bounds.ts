import { DELTA_OF_TWO_STD_DEVS, LOWER_BOUND_STD_DEVS, UPPER_BOUND_STD_DEVS } from "./binomial-bounds-tables";

// The approximate binomial confidence bounds DataSketches reports for a Theta sketch, at two
// standard deviations (its `get_lower_bound(2)` / `get_upper_bound(2)`), computed step by step
// as its binomial_bounds.hpp does so the doubles agree: a Gaussian approximation with a
// continuity correction above 120 retained entries, tabulated equivalents or an exact
// Bayesian sum below it. The tables are generated from its source by
// scripts/sketch-vectors/make_vectors.cpp.

const STD_DEVS = 2;

/** The lower bound on the count a sketch with `retained` entries at sampling rate `theta` estimates. */
export function binomialLowerBound(retained: number, theta: number): number {
  checkTheta(theta);
  const estimate = retained / theta;
  return Math.min(estimate, Math.max(retained, approximateLowerBound(retained, theta)));
}

/** The upper bound on the count a sketch with `retained` entries at sampling rate `theta` estimates. */
export function binomialUpperBound(retained: number, theta: number): number {
  checkTheta(theta);
  const estimate = retained / theta;
  return Math.max(estimate, approximateUpperBound(retained, theta));
}

function approximateLowerBound(n: number, theta: number): number {
  if (theta === 1) return n;
  if (n === 0) return 0;
  if (n === 1) return Math.floor(Math.log(1 - DELTA_OF_TWO_STD_DEVS) / Math.log(1 - theta));
  if (n > 120) return gaussianLowerBound(n, theta, STD_DEVS) - 0.5;
  if (theta > 1 - 1e-5) return n;
  if (theta < n / 360) return gaussianLowerBound(n, theta, LOWER_BOUND_STD_DEVS[n]!) - 0.5;
  return smallestCountReaching(n, theta, DELTA_OF_TWO_STD_DEVS);
}

function approximateUpperBound(n: number, theta: number): number {
  if (theta === 1) return n;
  if (n === 0) return Math.ceil(Math.log(DELTA_OF_TWO_STD_DEVS) / Math.log(1 - theta));
  if (n > 120) return gaussianUpperBound(n, theta, STD_DEVS) + 0.5;
  if (theta > 1 - 1e-5) return n + 1;
  if (theta < n / 360) return gaussianUpperBound(n, theta, UPPER_BOUND_STD_DEVS[n]!) + 0.5;
  return countCoveringAllBut(n + 1, theta, DELTA_OF_TWO_STD_DEVS);
}

// The classic bounds with a continuity correction (half a sample each way). The expressions
// keep DataSketches' order of operations: a reordering changes the last bits of the result.
function gaussianLowerBound(n: number, theta: number, stdDevs: number): number {
  const nHat = (n - 0.5) / theta;
  const b = stdDevs * Math.sqrt((1.0 - theta) / theta);
  const d = 0.5 * b * Math.sqrt(b * b + 4.0 * nHat);
  const center = nHat + 0.5 * (b * b);
  return center - d;
}

function gaussianUpperBound(n: number, theta: number, stdDevs: number): number {
  const nHat = (n + 0.5) / theta;
  const b = stdDevs * Math.sqrt((1.0 - theta) / theta);
  const d = 0.5 * b * Math.sqrt(b * b + 4.0 * nHat);
  const center = nHat + 0.5 * (b * b);
  return center + d;
}

// Summing the posterior P(count = m | n samples at rate p) from m = n upwards: the last m
// before the running total passes delta (DataSketches' special_n_star). Only reached with
// n <= 120 and n / p <= 360, where the terms stay inside a double's range.
function smallestCountReaching(n: number, p: number, delta: number): number {
  const q = 1.0 - p;
  let term = firstTerm(n, p);
  let total = term;
  let m = n;
  while (total <= delta) {
    term = (term * q * m) / (m + 1 - n);
    total += term;
    m += 1;
  }
  return m - 1;
}

// The first m at which the running total reaches 1 - delta (special_n_prime_b, called with n + 1).
function countCoveringAllBut(n: number, p: number, delta: number): number {
  const q = 1.0 - p;
  const oneMinusDelta = 1.0 - delta;
  let term = firstTerm(n, p);
  let total = term;
  let m = n;
  while (total < oneMinusDelta) {
    term = (term * q * m) / (m + 1 - n);
    total += term;
    m += 1;
  }
  return m;
}

function firstTerm(n: number, p: number): number {
  const term = p ** n;
  // Unreachable from the branches above; a guard, as in DataSketches, against a silent loop.
  if (term <= 1e-100) throw new RangeError("binomial bound out of range");
  return term;
}

function checkTheta(theta: number): void {
  if (!(theta > 0 && theta <= 1)) throw new RangeError("theta must be in (0, 1]");
}
