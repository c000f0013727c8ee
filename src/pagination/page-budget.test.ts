import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { budgetedPageSql, keptWithinBudget } from "./page-budget";

/** The page budgetedPageSql cuts from rows of these weights, run by D1 itself; each kept row with its document. */
async function pageOf(weights: number[], limit: number, budget: number) {
  const sql = budgetedPageSql({
    columns: "key AS n, value AS weight",
    document: { sql: "'document ' || key", as: "document" },
    weight: "value",
    from: "json_each(?1)",
    order: "key",
    limit: "?2",
    budget: "?3",
  });
  const { results } = await env.DB.prepare(sql).bind(JSON.stringify(weights), limit, budget).all<{ n: number; weight: number; document: string | null; fits: number }>();
  // Documents travel only for the rows the page keeps.
  expect(results.filter((row) => row.document !== null).map((row) => row.n)).toEqual(results.filter((row) => row.fits).map((row) => row.n));
  const page = keptWithinBudget(results);
  return { rows: page.rows.map((row) => row.weight), hasMore: page.hasMore };
}

describe("budgetedPageSql", () => {
  it("keeps at most `limit` rows and says more follow", async () => {
    expect(await pageOf([1, 1, 1, 1], 3, 100)).toEqual({ rows: [1, 1, 1], hasMore: true });
    expect(await pageOf([1, 1, 1], 3, 100)).toEqual({ rows: [1, 1, 1], hasMore: false });
  });

  it("stops before the row that would pass the budget; a row that lands on it exactly stays", async () => {
    expect(await pageOf([4, 6, 1, 1], 10, 10)).toEqual({ rows: [4, 6], hasMore: true });
    expect(await pageOf([4, 7, 1], 10, 10)).toEqual({ rows: [4], hasMore: true });
  });

  it("always keeps the first row, even over the budget, so a page is never empty while rows remain", async () => {
    expect(await pageOf([50, 1], 10, 10)).toEqual({ rows: [50], hasMore: true });
    expect(await pageOf([50], 10, 10)).toEqual({ rows: [50], hasMore: false });
    expect(await pageOf([], 10, 10)).toEqual({ rows: [], hasMore: false });
  });

  it("never resumes after the cut, even when a later row would fit", async () => {
    expect(await pageOf([6, 6, 1, 1], 10, 10)).toEqual({ rows: [6], hasMore: true });
  });
});
