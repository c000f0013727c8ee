import { jsonParam, type Database } from "../database";
import { groupKeysUsingSegmentSql } from "../segment-groups/member-index";
import { visibleToSql, type SegmentKey } from "./row";

export type DeleteSegmentOutcome =
  | { outcome: "deleted" }
  /** Absent, or another organization's: the two look alike to the caller. */
  | { outcome: "not_found" }
  /** Still a member of `groupCount` segment groups (of any organization), so it was kept. */
  | { outcome: "in_use"; groupCount: number };

// The groups using the segment: the reverse index (its primary key starts with the segment)
// for every group not queued in the index backlog, the documents of the queued ones. The
// triggers on `segments` (migrations/0006) refuse the same delete to any other writer.
const USING = groupKeysUsingSegmentSql("?1", "?2");
const DELETE = `DELETE FROM segments WHERE segment_type = ?1 AND segment_id = ?2 AND ${visibleToSql("?3")} AND NOT EXISTS (${USING})
  RETURNING segment_id`;
const KEPT = `SELECT (SELECT count(*) FROM (${USING})) AS group_count
  FROM segments WHERE segment_type = ?1 AND segment_id = ?2 AND ${visibleToSql("?3")}`;

/**
 * Deletes a catalog segment the caller may see, unless a segment group still uses it, in ONE
 * D1 batch of two statements: the guarded delete, then, for a segment that is still there, how
 * many groups reference it. Groups of every organization count, since a segment cannot
 * disappear from under any of them (the triggers would refuse it too); their ids are never
 * returned.
 */
export async function deleteUnusedSegment(db: Database, key: SegmentKey, callerOrganizationIds: Iterable<number>): Promise<DeleteSegmentOutcome> {
  const organizations = jsonParam(callerOrganizationIds);
  const [deleted, kept] = await db.batch([
    db.statement(DELETE, key.segmentType, key.segmentId, organizations),
    db.statement(KEPT, key.segmentType, key.segmentId, organizations),
  ]);
  if (deleted!.length > 0) return { outcome: "deleted" };
  const row = kept![0] as { group_count: number } | undefined;
  return row ? { outcome: "in_use", groupCount: row.group_count } : { outcome: "not_found" };
}
