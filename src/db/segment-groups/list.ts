import type { GroupType } from "../enums";
import { budgetedPageSql, keptWithinBudget } from "../../pagination/page-budget";
import { jsonParam, sqlParams, type Database } from "../database";
import { feedStateOf, feedStateStatement, type FeedState } from "./changes";
import { groupAttributeFiltersSql } from "./list-filters";
import { SUMMARY_COLUMNS, type SegmentGroupRow } from "./row";

export interface SegmentGroupFilters {
  /** The one the request names (already checked against the token) or all of the token's; none gives no rows. */
  organizationIds: readonly number[];
  type?: GroupType;
  status?: boolean;
  /** Case-insensitive substring of the name. */
  nameQuery?: string;
}

/** The listing's sort key, newest first: `created_at`, then `id` to order groups created in the same millisecond. */
export type SegmentGroupKey = [createdAt: string, id: string];

export function segmentGroupKey(row: { created_at: string; id: string }): SegmentGroupKey {
  return [row.created_at, row.id];
}

/** A full page stops before the group that would take its members past this (a group holds at most 5,000). */
export const MAX_MEMBERS_PER_PAGE = 10_000;

/** `full`: whole groups, members included. `summary`: every field but `segment_subgroup`. */
export type ListView = "full" | "summary";

export type SummaryRow = Omit<SegmentGroupRow, "subgroups">;


/**
 * One page of the caller's groups, newest first, strictly after `after`, whether another page
 * follows, and the change feed's state at the same snapshot (where to follow the feed from),
 * in ONE batch of two statements.
 *
 * Keyset rather than OFFSET, so groups created or deleted while a client pages never make it
 * skip or repeat one. With one organization, the index (organization_id, created_at, id) both
 * finds the rows and gives their order, so a page reads about `limit + 1` rows; with several,
 * their runs of that index are merged (mergedKeysSql), about eleven rows a group. A full page
 * also stops before the group that would take its members past MAX_MEMBERS_PER_PAGE (the
 * first group always fits: a group holds at most 5,000).
 */
export async function listSegmentGroups(
  db: Database,
  filters: SegmentGroupFilters,
  page: { limit: number; after?: SegmentGroupKey; view: ListView },
): Promise<{ rows: (SegmentGroupRow | SummaryRow)[]; hasMore: boolean; feed: FeedState }> {
  const where: string[] = [];
  const { values: params, bind: param } = sqlParams();
  let merged = "";
  if (filters.organizationIds.length === 1) {
    where.push(`organization_id = ${param(filters.organizationIds[0])}`);
    where.push(...groupAttributeFiltersSql(filters, param));
    if (page.after !== undefined) where.push(`(created_at, id) < (${param(page.after[0])}, ${param(page.after[1])})`);
  } else {
    merged = mergedKeysSql(filters, page, param);
    where.push("id IN (SELECT id FROM merged)");
  }
  const order = "ORDER BY created_at DESC, id DESC";
  if (page.view === "summary") {
    const summary = `${merged} SELECT ${SUMMARY_COLUMNS} FROM segment_groups WHERE ${where.join(" AND ")} ${order} LIMIT ${param(page.limit + 1)}`;
    const [rows, feed] = (await db.batch([db.statement(summary, ...params), feedStateStatement(db)])) as [SummaryRow[], unknown[]];
    return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit, feed: feedStateOf(feed) };
  }
  // The member budget is applied by D1 (budgetedPageSql): only the documents of the groups the
  // page keeps leave the database, not those of all `limit + 1` candidates.
  const full = merged + budgetedPageSql({
    columns: SUMMARY_COLUMNS,
    document: { sql: "subgroups", as: "subgroups" },
    weight: "member_count",
    from: `segment_groups WHERE ${where.join(" AND ")}`,
    order: "created_at DESC, id DESC",
    limit: param(page.limit),
    budget: String(MAX_MEMBERS_PER_PAGE),
  });
  const [rows, feed] = (await db.batch([db.statement(full, ...params), feedStateStatement(db)])) as [(SegmentGroupRow & { fits: number })[], unknown[]];
  return { ...keptWithinBudget(rows), feed: feedStateOf(feed) };
}

/**
 * The keys of the next `limit + 1` groups of several organizations, newest first, as a
 * recursive CTE `merged(organization_id, id, created_at)`: a merge of each organization's run
 * of the index (organization_id, created_at, id), as the change feed merges its runs
 * (changes.ts). The CTE's ORDER BY makes its queue a priority queue holding each organization's
 * next group; each step hands out the newest and replaces it with that organization's next (one
 * index seek, the filters checked along the run). So a page reads a few rows per organization
 * and per group it shows, never every group of the organizations (`organization_id IN (...)`
 * finds the rows but cannot give their order: it reads them all and sorts them).
 */
function mergedKeysSql(filters: SegmentGroupFilters, page: { limit: number; after?: SegmentGroupKey }, param: (value: unknown) => string): string {
  const attributes = groupAttributeFiltersSql(filters, param, "g");
  const next = (organization: string, below: string | undefined) =>
    `(SELECT g.id FROM segment_groups AS g WHERE ${[`g.organization_id = ${organization}`, ...attributes, ...(below ? [`(g.created_at, g.id) < ${below}`] : [])].join(" AND ")}
      ORDER BY g.created_at DESC, g.id DESC LIMIT 1)`;
  const after = page.after === undefined ? undefined : `(${param(page.after[0])}, ${param(page.after[1])})`;
  return `WITH RECURSIVE merged(organization_id, id, created_at) AS (
    SELECT o.value, first.id, first.created_at FROM json_each(${param(jsonParam(filters.organizationIds))}) AS o
      JOIN segment_groups AS first ON first.id = ${next("o.value", after)}
    UNION ALL
    SELECT m.organization_id, following.id, following.created_at FROM merged AS m
      JOIN segment_groups AS following ON following.id = ${next("m.organization_id", "(m.created_at, m.id)")}
    ORDER BY 3 DESC, 2 DESC LIMIT ${param(page.limit + 1)}
  )`;
}
