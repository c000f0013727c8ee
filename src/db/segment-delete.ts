import { and, countDistinct, eq, notExists, sql } from "drizzle-orm";
import type { Database } from "./client";
import { segments, segmentSubgroupMembers } from "./schema";
import { isSegment, visibleTo, type SegmentKey } from "./segment-reads";

export type DeleteSegmentOutcome =
  | { outcome: "deleted" }
  /** Absent, or another organization's: the two look alike to the caller. */
  | { outcome: "not_found" }
  /** Still a member of `groupCount` segment groups (of any organization), so it was kept. */
  | { outcome: "in_use"; groupCount: number };

/**
 * Deletes a catalog segment the caller may see, unless a segment group still uses it, in ONE
 * D1 batch of two statements: the guarded delete, then, for a segment that is still there,
 * how many distinct groups reference it (segment_subgroup_members_segment_group_idx answers
 * that from the index alone). Groups of every organization count, since a segment cannot
 * disappear from under any of them; their ids are never returned.
 */
export async function deleteUnusedSegment(db: Database, key: SegmentKey, callerOrganizationIds: Iterable<number>): Promise<DeleteSegmentOutcome> {
  const membersOfSegment = and(eq(segmentSubgroupMembers.segmentType, key.segmentType), eq(segmentSubgroupMembers.segmentId, key.segmentId));
  const visibleSegment = and(isSegment(key), visibleTo(callerOrganizationIds));
  const groupCount = db.select({ n: countDistinct(segmentSubgroupMembers.groupId) }).from(segmentSubgroupMembers).where(membersOfSegment);

  const [deleted, kept] = await db.batch([
    db
      .delete(segments)
      .where(and(visibleSegment, notExists(db.select({ one: sql`1` }).from(segmentSubgroupMembers).where(membersOfSegment))))
      .returning({ segmentId: segments.segmentId }),
    db.select({ groupCount: sql<number>`${groupCount}` }).from(segments).where(visibleSegment),
  ]);

  if (deleted.length > 0) return { outcome: "deleted" };
  const [row] = kept;
  return row ? { outcome: "in_use", groupCount: row.groupCount } : { outcome: "not_found" };
}
