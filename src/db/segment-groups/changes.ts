import { pageWithinBudget } from "../../pagination/page";
import { jsonParam, type Database } from "../database";
import { PURGE_MARK_SQL, purgedSinceSql } from "./purge-log";
import { groupSnapshotSql, inOrganizationsSql } from "./row";

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

const CHANGE_COLUMNS = "position, change, group_id, version, changed_at, changed_by, data";

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

/** A page stops before the event whose copy would take its copies past this many characters (a group's copy can be ~300 KB). */
export const MAX_DATA_PER_PAGE = 2_000_000;

/** A page of events: at most `limit`, stopping before the one whose copy would pass MAX_DATA_PER_PAGE. */
export function pageOfChanges(rows: ChangeRow[], limit: number): { rows: ChangeRow[]; hasMore: boolean } {
  return pageWithinBudget(rows, limit, MAX_DATA_PER_PAGE, (row) => row.data?.length ?? 0);
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

// Per organization, its index gives the events in order; past this many organizations one
// scan of the feed in position order (filtering them) keeps the statement small.
const MAX_MERGED_ORGANIZATIONS = 50;

/**
 * Up to `limit` events of `organizationIds` after `after`, in commit order, and the feed's state,
 * in ONE batch (one snapshot, one round trip). With one or a few organizations each reads at
 * most `limit + 1` index entries and rows.
 */
export async function readChanges(
  db: Database,
  filter: { organizationIds: readonly number[]; after: number; limit: number; issuedMark: number | null },
): Promise<{ rows: ChangeRow[]; hasMore: boolean; state: FeedState }> {
  const state = feedStateStatement(db, filter.issuedMark);
  if (filter.organizationIds.length === 0) {
    const [stateRows] = await db.batch([state]);
    return { rows: [], hasMore: false, state: feedStateOf(stateRows) };
  }
  const order = "ORDER BY position";
  const ids = filter.organizationIds;
  // Organization ids are safe integers from the verified token, so they can be written inline.
  const ofOrganization = (id: number) => `SELECT ${CHANGE_COLUMNS} FROM segment_group_changes WHERE organization_id = ${Number(id)} AND position > ?1 ${order} LIMIT ?2`;
  let candidates: string;
  if (ids.length === 1) candidates = ofOrganization(ids[0]!);
  else if (ids.length <= MAX_MERGED_ORGANIZATIONS) candidates = `${ids.map((id) => `SELECT * FROM (${ofOrganization(id)})`).join(" UNION ALL ")} ${order} LIMIT ?2`;
  else candidates = `SELECT ${CHANGE_COLUMNS} FROM segment_group_changes WHERE position > ?1 AND ${inOrganizationsSql("+organization_id", "?3")} ${order} LIMIT ?2`;
  const params: unknown[] = [filter.after, filter.limit + 1];
  if (ids.length > MAX_MERGED_ORGANIZATIONS) params.push(jsonParam(ids));
  const [changes, stateRows] = await db.batch([db.statement(candidates, ...params), state]);
  return { ...pageOfChanges(changes as ChangeRow[], filter.limit), state: feedStateOf(stateRows) };
}
