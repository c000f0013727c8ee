import { describe, expect, it } from "vitest";
import { mergePages, withinBudget } from "./merge-pages";

describe("mergePages", () => {
  const smaller = (a: number, b: number) => a < b;

  it("merges in order, keeping each page's own order and counting what it took of each", () => {
    expect(mergePages([[1, 4, 9], [2, 3], [5]], smaller, 10)).toEqual({
      taken: [3, 2, 1],
      rows: [1, 2, 3, 4, 5, 9].map((row) => ({ row, page: row === 2 || row === 3 ? 1 : row === 5 ? 2 : 0 })),
    });
  });

  it("never reorders a page, even when its own rows are not in the merge's order", () => {
    // Page 0 commits 7 before 3 (clocks of two isolates): the merge may not show 3 first.
    expect(mergePages([[7, 3], [5]], smaller, 10).rows.map((r) => r.row)).toEqual([5, 7, 3]);
  });

  it("stops at the limit and at the budget (the first row always fits), ties going to the earlier page", () => {
    expect(mergePages([[1, 2], [1, 2]], smaller, 3).rows).toEqual([{ row: 1, page: 0 }, { row: 1, page: 1 }, { row: 2, page: 0 }]);
    const fits = withinBudget((row: number) => row, 10);
    expect(mergePages([[8, 9], [20]], smaller, 10, fits).taken).toEqual([1, 0]);
    expect(mergePages([[20], [30]], smaller, 10, fits).taken).toEqual([1, 0]);
  });
});
