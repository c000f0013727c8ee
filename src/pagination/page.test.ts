import { describe, expect, it } from "vitest";
import { pageWithinBudget } from "./page";

describe("pageWithinBudget", () => {
  const weight = (n: number) => n;

  it("keeps at most `limit` rows and says more follow", () => {
    expect(pageWithinBudget([1, 1, 1, 1], 3, 100, weight)).toEqual({ rows: [1, 1, 1], hasMore: true });
    expect(pageWithinBudget([1, 1, 1], 3, 100, weight)).toEqual({ rows: [1, 1, 1], hasMore: false });
  });

  it("stops before the row that would pass the budget; a row that lands on it exactly stays", () => {
    expect(pageWithinBudget([4, 6, 1, 1], 10, 10, weight)).toEqual({ rows: [4, 6], hasMore: true });
    expect(pageWithinBudget([4, 7, 1], 10, 10, weight)).toEqual({ rows: [4], hasMore: true });
  });

  it("always keeps the first row, even over the budget, so a page is never empty while rows remain", () => {
    expect(pageWithinBudget([50, 1], 10, 10, weight)).toEqual({ rows: [50], hasMore: true });
    expect(pageWithinBudget([], 10, 10, weight)).toEqual({ rows: [], hasMore: false });
  });
});
