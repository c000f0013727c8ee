import { budgetedPageSql, keptWithinBudget } from "../../pagination/page-budget";
import { jsonParam, type Database } from "../database";
import { PURGE_MARK_SQL, purgedSinceSql } from "./purge-log";
import { groupSnapshotSql } from "./row";

export type ChangeKind = "created" | "updated" | "deleted";

/** One row of segment_group_changes: one write of one group. */
export interface ChangeRow {
  /** Its place in commit order (the rowid, assigned inside the write's own batch). */
  position: number;
  change: ChangeKind;
  group_id: string;
  version: string;
  changed_at: string;
  changed_by: string | null;
  /** The group as stored by this write (groupSnapshotSql); null for a deletion. */
  data: string | null;
}

/** Every column of an event but its copy (`data`), which a page reads only for the events it keeps. */
export const EVENT_COLUMNS = "position, change, group_id, version, changed_at, changed_by";

/**
 * The event of a create or PATCH, as a statement of the write's own batch, placed after the
 * write: it copies the row only if the group now has the write's new version (?2), i.e. only
 * if the write happened. ?1 is the group's id.
 */
export function recordChangeSql(change: "created" | "updated"): string {
  return `INSERT INTO segment_group_changes (organization_id, group_id, change, version, changed_at, changed_by, data)
    SELECT organization_id, id, '${change}', etag, updated_at, updated_by, ${groupSnapshotSql("segment_groups")}
    FROM segment_groups WHERE id = ?1 AND etag = ?2`;
}

/** A page stops before the event whose copy would take its copies past this many bytes (a group's copy can be ~300 KB). */
export const MAX_DATA_PER_PAGE = 2_000_000;

/**
 * A page of events `from` (FROM ... WHERE ...) in `order`: at most `limit` (a placeholder),
 * stopping before the one whose copy would pass MAX_DATA_PER_PAGE. Only the kept events'
 * copies leave D1.
 */
export function pageOfEventsSql(events: { from: string; order: string; limit: string }): string {
  return budgetedPageSql({
    columns: EVENT_COLUMNS,
    document: { sql: "data", as: "data" },
    weight: "coalesce(octet_length(data), 0)",
    from: events.from,
    order: events.order,
    limit: events.limit,
    budget: String(MAX_DATA_PER_PAGE),
  });
}

/** The events a pageOfEventsSql statement returned: those the page keeps, and whether more follow. */
export function pageOfEvents(rows: unknown[] | undefined): { rows: ChangeRow[]; hasMore: boolean } {
  return keptWithinBudget((rows ?? []) as (ChangeRow & { fits: number })[]);
}

/**
 * Where the feed stands: its newest position; the newest purge's id (`purgedThrough`, what a
 * cursor issued now carries: src/db/segment-groups/purge-log.ts); and the largest position a
 * purge newer than the reader's cursor deleted (`purgedSince`, null: none, or no cursor).
 */
export interface FeedState {
  head: number;
  purgedThrough: number;
  purgedSince: number | null;
}

// max(position) and max(id) are one seek each at the end of their B-tree; purgedSince reads the
// purges newer than the cursor's (none for a cursor issued since the last purge).
const FEED_STATE = `SELECT coalesce((SELECT max(position) FROM segment_group_changes), 0) AS head,
  ${PURGE_MARK_SQL} AS purgedThrough, CASE WHEN ?1 IS NULL THEN NULL ELSE ${purgedSinceSql("?1")} END AS purgedSince`;

/** The feed's state as a statement, to read in the same batch (one snapshot) as what it describes; `issuedMark`: the cursor's, if any. */
export function feedStateStatement(db: Database, issuedMark: number | null = null): D1PreparedStatement {
  return db.statement(FEED_STATE, issuedMark);
}

export function feedStateOf(rows: unknown[] | undefined): FeedState {
  return (rows?.[0] as FeedState | undefined) ?? { head: 0, purgedThrough: 0, purgedSince: null };
}

/**
 * The positions of the next events of several organizations, in commit order: a merge of each
 * organization's run in its index (organization_id, position). The recursive CTE's ORDER BY
 * makes its queue a priority queue: it holds each organization's next event, hands out the
 * smallest, and replaces it with that organization's following one (one index seek). So a
 * page reads about two rows per organization (its id, one probe) and ten per event (the queue,
 * the event, the page budget's running sum), whatever the feed holds, for any number of
 * organizations (one JSON parameter; no compound SELECT, of which D1 allows 5 terms). An organization whose run ends leaves a NULL that sorts last and is never
 * handed out before the page is full.
 */
const MERGED_POSITIONS = `WITH RECURSIVE merged(organization_id, position) AS (
    SELECT value, (SELECT min(position) FROM segment_group_changes WHERE organization_id = value AND position > ?1) AS first
      FROM json_each(?3) WHERE first IS NOT NULL
    UNION ALL
    SELECT merged.organization_id, (SELECT min(next.position) FROM segment_group_changes AS next
        WHERE next.organization_id = merged.organization_id AND next.position > merged.position)
      FROM merged WHERE merged.position IS NOT NULL
    ORDER BY 2 NULLS LAST LIMIT ?2 + 1
  )`;

const OF_ORGANIZATIONS = `${MERGED_POSITIONS} ${pageOfEventsSql({
  from: "segment_group_changes WHERE position IN (SELECT position FROM merged WHERE position IS NOT NULL)",
  order: "position",
  limit: "?2",
})}`;
const OF_ORGANIZATION = pageOfEventsSql({ from: "segment_group_changes WHERE organization_id = ?3 AND position > ?1", order: "position", limit: "?2" });

/**
 * Up to `limit` events of `organizationIds` after `after`, in commit order, and the feed's state,
 * in ONE batch (one snapshot, one round trip). Rows read grow with the page and the number of
 * organizations, never with the feed's length or other organizations' events.
 */
export async function readChanges(
  db: Database,
  filter: { organizationIds: readonly number[]; after: number; limit: number; issuedMark: number | null },
): Promise<{ rows: ChangeRow[]; hasMore: boolean; state: FeedState }> {
  const state = feedStateStatement(db, filter.issuedMark);
  const ids = filter.organizationIds;
  if (ids.length === 0) {
    const [stateRows] = await db.batch([state]);
    return { rows: [], hasMore: false, state: feedStateOf(stateRows) };
  }
  const events = ids.length === 1 ? db.statement(OF_ORGANIZATION, filter.after, filter.limit, ids[0]) : db.statement(OF_ORGANIZATIONS, filter.after, filter.limit, jsonParam(ids));
  const [changes, stateRows] = await db.batch([events, state]);
  return { ...pageOfEvents(changes), state: feedStateOf(stateRows) };
}
