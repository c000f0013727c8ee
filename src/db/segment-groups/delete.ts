import { jsonParam, type Database } from "../database";
import { mergeWhenFullStatements } from "./member-index";
import { inOrganizationsSql, laterTimestampSql } from "./row";

export type DeleteOutcome = { outcome: "deleted" } | { outcome: "version_mismatch" } | { outcome: "not_found" };

// The caller's group, at an accepted version: the delete's condition, and its tombstone's.
const DELETABLE = `id = ?1 AND ${inOrganizationsSql("organization_id", "?2")} AND (?3 IS NULL OR etag IN (SELECT value FROM json_each(?3)))`;

// Written just before the delete, under the same condition in the same transaction, so it
// exists exactly when the delete happens. Its time never precedes the group's last write.
const TOMBSTONE = `INSERT INTO segment_group_changes (organization_id, group_id, change, version, changed_at, changed_by, data)
  SELECT organization_id, id, 'deleted', ?4,
    ${laterTimestampSql("updated_at", "?5")}, ?6, NULL
  FROM segment_groups WHERE ${DELETABLE}`;

// The delete trigger queues the group, so the reverse index drops its rows at the next merge.
const DELETE = `DELETE FROM segment_groups WHERE ${DELETABLE} RETURNING id`;
// The delete happened: its tombstone is there (for the reverse index's merge).
const WRITTEN = "EXISTS (SELECT 1 FROM segment_group_changes WHERE group_id = ?1 AND version = ?2 AND change = 'deleted')";
const STILL_THERE = `SELECT 1 AS present FROM segment_groups WHERE id = ?1 AND ${inOrganizationsSql("organization_id", "?2")}`;

/**
 * Deletes one of the caller's groups in ONE D1 batch of seven statements: its tombstone in the
 * change feed, the delete (only at an accepted version when `acceptedVersions` is given),
 * whether the group is still there, which tells a stale If-Match from a group that never was
 * the caller's, and the reverse index's merge if it was deleted and the index backlog is full.
 */
export async function deleteSegmentGroup(
  db: Database,
  target: {
    id: string;
    organizationIds: Iterable<number>;
    acceptedVersions: string[] | null;
    /** The tombstone's version tag, its time, and the token's `sub`. */
    version: string;
    now: string;
    deletedBy: string | null;
  },
): Promise<DeleteOutcome> {
  const organizations = jsonParam(target.organizationIds);
  const accepted = target.acceptedVersions === null ? null : jsonParam(target.acceptedVersions);
  const [, deleted, remaining] = await db.batch([
    db.statement(TOMBSTONE, target.id, organizations, accepted, target.version, target.now, target.deletedBy),
    db.statement(DELETE, target.id, organizations, accepted),
    db.statement(STILL_THERE, target.id, organizations),
    ...mergeWhenFullStatements(db, WRITTEN, target.id, target.version),
  ]);
  if (deleted!.length > 0) return { outcome: "deleted" };
  return remaining!.length > 0 ? { outcome: "version_mismatch" } : { outcome: "not_found" };
}
