import { jsonParam, type Database } from "../database";
import { inOrganizationsSql } from "./row";

export type DeleteOutcome = { outcome: "deleted" } | { outcome: "version_mismatch" } | { outcome: "not_found" };

// The delete trigger removes the group's reverse-index rows, found through its document.
const DELETE = `DELETE FROM segment_groups
  WHERE id = ?1 AND ${inOrganizationsSql("organization_id", "?2")} AND (?3 IS NULL OR etag IN (SELECT value FROM json_each(?3)))
  RETURNING id`;
const STILL_THERE = `SELECT 1 AS present FROM segment_groups WHERE id = ?1 AND ${inOrganizationsSql("organization_id", "?2")}`;

/**
 * Deletes one of the caller's groups in ONE D1 batch of two statements: the delete (only at an
 * accepted version when `acceptedVersions` is given), then whether the group is still there,
 * which tells a stale If-Match from a group that never was the caller's.
 */
export async function deleteSegmentGroup(
  db: Database,
  target: { id: string; organizationIds: Iterable<number>; acceptedVersions: string[] | null },
): Promise<DeleteOutcome> {
  const organizations = jsonParam(target.organizationIds);
  const accepted = target.acceptedVersions === null ? null : jsonParam(target.acceptedVersions);
  const [deleted, remaining] = await db.batch([
    db.statement(DELETE, target.id, organizations, accepted),
    db.statement(STILL_THERE, target.id, organizations),
  ]);
  if (deleted!.length > 0) return { outcome: "deleted" };
  return remaining!.length > 0 ? { outcome: "version_mismatch" } : { outcome: "not_found" };
}
