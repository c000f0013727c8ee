import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "./client";
import { nameContains } from "./name-search";
import { inOrganizations } from "./organizations";
import { segmentGroups, segmentSubgroupMembers } from "./schema";
import { segmentGroupSelection, type SegmentGroupRow } from "./segment-group-reads";

export interface SegmentGroupFilters {
  /** The one the request names (already checked against the token) or all of the token's; none gives no rows. */
  organizationIds: readonly number[];
  type?: "CONTEXTUAL" | "AUDIENCE";
  status?: boolean;
  /** Case-insensitive substring of the name. */
  nameQuery?: string;
  /** Only groups with this catalog segment in any subgroup. */
  segment?: { segmentType: "CONTEXTUAL" | "3P"; segmentId: number };
}

/** The listing's sort key, newest first: `created_at`, then `id` to order groups created in the same millisecond. */
export type SegmentGroupKey = [createdAt: string, id: string];

export function segmentGroupKey(row: SegmentGroupRow): SegmentGroupKey {
  return [row.createdAt, row.id];
}

/**
 * One page of whole segment groups (subgroups and members included) in ONE query, newest
 * first, starting strictly after `after`. Returns up to `limit + 1` rows: the extra row only
 * tells the caller that another page follows (see `pageOf`).
 *
 * Keyset rather than OFFSET, so groups created or deleted while a client pages never make it
 * skip or repeat one; with one organization the index (organization_id, created_at, id) both
 * finds the rows and gives their order, so a page stops reading after `limit + 1` of them.
 */
export async function listSegmentGroupRows(
  db: Database,
  filters: SegmentGroupFilters,
  page: { limit: number; after?: SegmentGroupKey },
): Promise<SegmentGroupRow[]> {
  const conditions: (SQL | undefined)[] = [
    organizationCondition(filters.organizationIds),
    filters.type === undefined ? undefined : eq(segmentGroups.type, filters.type),
    filters.status === undefined ? undefined : eq(segmentGroups.status, filters.status),
    filters.nameQuery === undefined ? undefined : nameContains(segmentGroups.nameFolded, filters.nameQuery),
    filters.segment === undefined ? undefined : usesSegment(db, filters.segment),
    page.after === undefined ? undefined : sql`(${segmentGroups.createdAt}, ${segmentGroups.id}) < (${page.after[0]}, ${page.after[1]})`,
  ];
  return db
    .select(segmentGroupSelection)
    .from(segmentGroups)
    .where(and(...conditions))
    .orderBy(desc(segmentGroups.createdAt), desc(segmentGroups.id))
    .limit(page.limit + 1);
}

// A single organization is an equality, which lets SQLite read the index in sort order; a set
// goes through json_each as one bound parameter (D1 allows 100 per statement).
function organizationCondition(organizationIds: readonly number[]): SQL {
  return organizationIds.length === 1
    ? eq(segmentGroups.organizationId, organizationIds[0]!)
    : inOrganizations(segmentGroups.organizationId, organizationIds);
}

// Answered from the index (segment_type, segment_id, group_id) alone; a group using the
// segment in several subgroups still counts once.
function usesSegment(db: Database, segment: NonNullable<SegmentGroupFilters["segment"]>): SQL {
  return inArray(
    segmentGroups.id,
    db
      .select({ groupId: segmentSubgroupMembers.groupId })
      .from(segmentSubgroupMembers)
      .where(and(eq(segmentSubgroupMembers.segmentType, segment.segmentType), eq(segmentSubgroupMembers.segmentId, segment.segmentId))),
  );
}
