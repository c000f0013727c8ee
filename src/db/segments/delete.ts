import { jsonParam, type Database } from "../database";
import { groupKeysUsingSegmentSql } from "../segment-groups/member-index";
import { keySpacesSql, type SegmentKey } from "./row";

export type DeleteSegmentOutcome =
  | { outcome: "deleted" }
  /** Absent from every key space the caller may name: alike whether another organization owns it or nobody does. */
  | { outcome: "not_found" }
  /** Without an organization named, several of the caller's organizations own this key. */
  | { outcome: "ambiguous" }
  /** A global segment, and the caller may not write the global catalog. */
  | { outcome: "global_forbidden" }
  /** Still a member of `groupCount` segment groups: its owner's, or every organization's for a global one. */
  | { outcome: "in_use"; groupCount: number };

export interface DeleteSegmentTarget {
  callerOrganizationIds: Iterable<number>;
  /** The organization whose own segment to delete; null: the segment the key names for the caller (row.ts, keySpacesSql). */
  organizationId: number | null;
  /** Whether the caller holds `write:catalog`. */
  mayWriteGlobal: boolean;
}

// The segment the key names for the caller (?1 type, ?2 id, ?3 caller organizations, ?4 the
// organization named): at most two rows, two meaning "say which organization".
const TARGET = `target AS (SELECT rowid AS r, organization_id FROM segments
  WHERE segment_type = ?1 AND segment_id = ?2 AND ${keySpacesSql("?3", "?4")} LIMIT 2)`;
// The groups that use it: its owner's, or every organization's for a global one. The in-use
// trigger of migrations/0007 asks the same (src/db/segments/integrity.ts).
const DELETE = `WITH ${TARGET}
  DELETE FROM segments WHERE rowid = (SELECT r FROM target) AND (SELECT count(*) FROM target) = 1
    AND (organization_id IS NOT NULL OR ?5) AND NOT EXISTS (${groupKeysUsingSegmentSql("?1", "?2", "segments.organization_id")})
  RETURNING segment_id`;
const KEPT = `WITH ${TARGET}
  SELECT (SELECT count(*) FROM target) AS candidates, (SELECT organization_id FROM target) AS organization_id,
    CASE WHEN (SELECT count(*) FROM target) = 1
      THEN (SELECT count(*) FROM (${groupKeysUsingSegmentSql("?1", "?2", "(SELECT organization_id FROM target)")})) END AS group_count`;

/**
 * Deletes the catalog segment a key names for the caller, unless a segment group still uses
 * it, in ONE D1 batch of two statements: the guarded delete, then, when nothing was deleted,
 * why. A private segment's uses are counted among its owner's groups only (no other
 * organization can use it); a global one's among all, seen only by the catalog admin, the
 * only caller who may delete it.
 */
export async function deleteUnusedSegment(db: Database, key: SegmentKey, target: DeleteSegmentTarget): Promise<DeleteSegmentOutcome> {
  const params = [key.segmentType, key.segmentId, jsonParam(target.callerOrganizationIds), target.organizationId] as const;
  const [deleted, kept] = await db.batch([db.statement(DELETE, ...params, target.mayWriteGlobal ? 1 : 0), db.statement(KEPT, ...params)]);
  if (deleted!.length > 0) return { outcome: "deleted" };
  const row = kept![0] as { candidates: number; organization_id: number | null; group_count: number | null };
  if (row.candidates === 0) return { outcome: "not_found" };
  if (row.candidates > 1) return { outcome: "ambiguous" };
  if (row.organization_id === null && !target.mayWriteGlobal) return { outcome: "global_forbidden" };
  return { outcome: "in_use", groupCount: row.group_count ?? 0 };
}
