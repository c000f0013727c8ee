import { describe, expect, it } from "vitest";
import { binomialLowerBound, binomialUpperBound } from "../../src/sketch/binomial-bounds";
import { manifest, relativeDifference } from "./theta-fixtures";

// DataSketches' binomial_bounds over a grid that reaches every branch: theta 1, no sample, one
// sample, the Gaussian approximation above 120 samples, theta above 1 - 1e-5, the tabulated
// equivalents (theta < n / 360) and the exact sums in between.
describe("binomialLowerBound / binomialUpperBound", () => {
  it.each(manifest.bounds.map((row) => [row.n, row.theta, row] as const))(
    "%d samples at theta %d: DataSketches' bounds (relative difference <= 1e-9)",
    (n, theta, row) => {
      const lower = binomialLowerBound(n, theta);
      const upper = binomialUpperBound(n, theta);
      expect(relativeDifference(lower, row.lower_bound), `lower ${lower} against ${row.lower_bound}`).toBeLessThanOrEqual(1e-9);
      expect(relativeDifference(upper, row.upper_bound), `upper ${upper} against ${row.upper_bound}`).toBeLessThanOrEqual(1e-9);
    },
  );

  it("refuses a theta outside (0, 1]", () => {
    for (const theta of [0, -0.5, 1.5, Number.NaN]) {
      expect(() => binomialLowerBound(10, theta)).toThrow(RangeError);
      expect(() => binomialUpperBound(10, theta)).toThrow(RangeError);
    }
  });
});
