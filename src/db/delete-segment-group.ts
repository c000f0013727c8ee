import { and, eq } from "drizzle-orm";
import type { Database } from "./client";
import { inOrganizations } from "./organizations";
import { segmentGroups } from "./schema";
import { atAcceptedVersion } from "./segment-group-writes";

/** What a delete did: removed the group, found it at another version (If-Match), or found nothing. */
export type DeleteOutcome = "deleted" | "version_mismatch" | "not_found";

/**
 * Deletes one of the caller's groups in ONE D1 batch of two statements: the delete (only at an
 * accepted version when `acceptedVersions` is given; subgroups and members go with it through
 * ON DELETE CASCADE), then a read of whether the group is still there, which separates a
 * stale If-Match from a group that never was the caller's.
 */
export async function deleteStoredSegmentGroup(
  db: Database,
  target: { id: string; organizationIds: Iterable<number>; acceptedVersions: string[] | null },
): Promise<DeleteOutcome> {
  const callersGroup = and(eq(segmentGroups.id, target.id), inOrganizations(segmentGroups.organizationId, target.organizationIds));
  const [deleted, remaining] = await db.batch([
    db
      .delete(segmentGroups)
      .where(and(callersGroup, atAcceptedVersion(target.acceptedVersions)))
      .returning({ id: segmentGroups.id }),
    db.select({ id: segmentGroups.id }).from(segmentGroups).where(callersGroup),
  ]);
  if (deleted.length > 0) return "deleted";
  return remaining.length > 0 ? "version_mismatch" : "not_found";
}
