/**
 * One page from the pages several shards read (src/db/shards/), each already in its own order,
 * which the merge keeps: it takes the next row of the page whose row `comesFirst` (ties: the
 * earlier page) while `fits` accepts it, `limit` rows at most. `taken[i]`: how many rows of page
 * `i` the merged page holds; `rows`: them with their page, in merged order.
 */
export function mergePages<Row>(
  pages: readonly (readonly Row[])[],
  comesFirst: (a: Row, b: Row) => boolean,
  limit: number,
  fits: (row: Row, merged: readonly Row[]) => boolean = () => true,
): { taken: number[]; rows: { row: Row; page: number }[] } {
  const taken = pages.map(() => 0);
  const rows: { row: Row; page: number }[] = [];
  while (rows.length < limit) {
    let pick = -1;
    for (const [i, page] of pages.entries()) {
      const row = page[taken[i]!];
      if (row !== undefined && (pick < 0 || comesFirst(row, pages[pick]![taken[pick]!]!))) pick = i;
    }
    if (pick < 0) break;
    const row = pages[pick]![taken[pick]!]!;
    if (!fits(row, rows.map((r) => r.row))) break;
    taken[pick]! += 1;
    rows.push({ row, page: pick });
  }
  return { taken, rows };
}

/** A page's budget as `fits`: the first row always, then while the rows' total `weight` stays within `budget`. */
export function withinBudget<Row>(weight: (row: Row) => number, budget: number): (row: Row, merged: readonly Row[]) => boolean {
  return (row, merged) => merged.length === 0 || merged.reduce((sum, r) => sum + weight(r), 0) + weight(row) <= budget;
}
