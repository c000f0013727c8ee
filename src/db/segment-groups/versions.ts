import { jsonParam, type Database } from "../database";
import { EVENT_COLUMNS, pageOfEvents, pageOfEventsSql, type ChangeRow } from "./changes";
import { inOrganizationsSql } from "./row";

// A group's history is its rows in segment_group_changes (index group_id, position).
const OF_GROUP = `group_id = ?1 AND ${inOrganizationsSql("organization_id", "?2")}`;
const PAGE = pageOfEventsSql({ from: `segment_group_changes WHERE ${OF_GROUP} AND (?3 IS NULL OR position < ?3)`, order: "position DESC", limit: "?4" });
const ONE = `SELECT ${EVENT_COLUMNS}, data FROM segment_group_changes WHERE ${OF_GROUP} AND version = ?3`;
// Whether the caller may see any history of the group: live, or deleted with its tombstone kept.
const KNOWN = `SELECT EXISTS (SELECT 1 FROM segment_group_changes WHERE ${OF_GROUP}) AS known`;

export type VersionsOutcome = { outcome: "found"; rows: ChangeRow[]; hasMore: boolean } | { outcome: "not_found" };

/** One page of a group's versions, newest first, before position `before`: ONE batch of two statements. */
export async function listVersions(
  db: Database,
  target: { groupId: string; organizationIds: Iterable<number>; before?: number; limit: number },
): Promise<VersionsOutcome> {
  const organizations = jsonParam(target.organizationIds);
  const [page, known] = await db.batch([
    db.statement(PAGE, target.groupId, organizations, target.before ?? null, target.limit),
    db.statement(KNOWN, target.groupId, organizations),
  ]);
  if (!(known![0] as { known: number }).known) return { outcome: "not_found" };
  return { outcome: "found", ...pageOfEvents(page) };
}

export type VersionOutcome = { outcome: "found"; row: ChangeRow } | { outcome: "version_not_found" } | { outcome: "not_found" };

/** One version of a group: ONE batch of two statements (reads the group's history rows until it meets it). */
export async function findVersion(db: Database, target: { groupId: string; organizationIds: Iterable<number>; version: string }): Promise<VersionOutcome> {
  const organizations = jsonParam(target.organizationIds);
  const [found, known] = await db.batch([
    db.statement(ONE, target.groupId, organizations, target.version),
    db.statement(KNOWN, target.groupId, organizations),
  ]);
  const row = found![0] as ChangeRow | undefined;
  if (row) return { outcome: "found", row };
  return (known![0] as { known: number }).known ? { outcome: "version_not_found" } : { outcome: "not_found" };
}
