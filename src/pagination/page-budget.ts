/**
 * A page bounded in what it returns, cut by the database: at most `limit` rows, stopping
 * before the row whose `weight` (members, bytes of a copy) would take the page past `budget`;
 * the first row always stays, so a page is never empty while rows remain.
 *
 * The rule runs in SQL so that D1 sends only the documents the page keeps: the statement reads
 * `limit + 1` rows in the page's order, a running sum of their weights marks the ones that fit
 * (`fits`), and `document` is returned for those only (NULL for the others). One statement, so
 * the page is one snapshot and one round trip. D1 counts the window's buffer as rows read:
 * about three per row instead of one, against a document per row it no longer sends.
 */
export interface BudgetedPage {
  /** The columns the page returns besides the document. */
  columns: string;
  /** The column holding the document, and the name it is returned under. */
  document: { sql: string; as: string };
  /** The SQL expression of a row's weight. */
  weight: string;
  /** `FROM ... WHERE ...`: the rows the page is cut from. */
  from: string;
  /** The page's ORDER BY terms, e.g. `position` or `created_at DESC, id DESC`. */
  order: string;
  /** SQL placeholders (or literals) of the page size and the budget. */
  limit: string;
  budget: string;
}

export function budgetedPageSql(page: BudgetedPage): string {
  const fits = `(row_number() OVER running <= ${page.limit} AND (row_number() OVER running = 1 OR sum(${page.weight}) OVER running <= ${page.budget}))`;
  return `SELECT ${page.columns}, CASE WHEN ${fits} THEN ${page.document.sql} END AS ${page.document.as}, ${fits} AS fits
    FROM ${page.from} WINDOW running AS (ORDER BY ${page.order} ROWS UNBOUNDED PRECEDING) ORDER BY ${page.order} LIMIT ${page.limit} + 1`;
}

/** The rows of a budgetedPageSql result the page keeps (those that fit, a prefix), and whether any were left. */
export function keptWithinBudget<Row extends { fits: number }>(rows: Row[]): { rows: Row[]; hasMore: boolean } {
  let kept = 0;
  while (kept < rows.length && rows[kept]!.fits) kept++;
  return { rows: rows.slice(0, kept), hasMore: rows.length > kept };
}
