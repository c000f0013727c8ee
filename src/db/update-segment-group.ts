import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { foldName } from "./name-search";
import { inOrganizations } from "./organizations";
import { segmentGroups, segmentSubgroups } from "./schema";
import { segmentGroupSelection, type SegmentGroupRow } from "./segment-group-reads";
import { atAcceptedVersion, groupHasVersion, insertMembers, insertSubgroups, missingMembers, type SubgroupRows } from "./segment-group-writes";

export interface SegmentGroupChange {
  id: string;
  /** The caller's organizations: a group outside them is neither changed nor shown. */
  organizationIds: Iterable<number>;
  /** The versions If-Match accepts; null for an unconditional write. */
  acceptedVersions: string[] | null;
  /** `organization_id` as sent: the write only happens when it is the group's own. */
  organizationId?: number;
  name?: string;
  type?: "CONTEXTUAL" | "AUDIENCE";
  status?: boolean;
  /** Replaces every subgroup and member when given. */
  subgroups?: SubgroupRows;
  now: string;
  /** The version tag the group gets if the write happens. */
  etag: string;
}

export interface UpdateOutcome {
  /** The group as it is after the batch, if the caller may see it; changed iff its etag is the new one. */
  group: SegmentGroupRow | undefined;
  /** Indexes into the flattened new members that name no segment visible to the group's organization. */
  missingMembers: number[];
}

/**
 * Applies a PATCH in ONE D1 batch of five statements, whatever is sent and however many
 * members: (1) update the group row, only if it is the caller's, its version is accepted, the
 * organization is unchanged and every new member is visible; (2)–(4) when subgroups are sent,
 * replace them and their members, keyed on the group now carrying the new etag (so nothing
 * happens when (1) did not); (5) read the group back whole, with the missing members, which
 * tells the caller what happened. The batch is one transaction, so (5) sees exactly what (1)
 * decided on: two writers with the same If-Match cannot both win.
 */
export async function updateStoredSegmentGroup(db: Database, change: SegmentGroupChange): Promise<UpdateOutcome> {
  const subgroups = change.subgroups ?? [];
  // The group's organization, read inside each statement: members must be global or its own.
  const groupOrganization = sql`(SELECT g.organization_id FROM ${segmentGroups} AS g WHERE g.id = ${change.id})`;
  const missing = missingMembers(db, subgroups, groupOrganization);
  const changed = groupHasVersion(change.id, change.etag);
  const replacesSubgroups = change.subgroups === undefined ? sql`0` : changed;

  const [, , , , rows] = await db.batch([
    db
      .update(segmentGroups)
      .set({
        name: change.name,
        nameFolded: change.name === undefined ? undefined : foldName(change.name),
        type: change.type,
        status: change.status,
        updatedAt: advancedTimestamp(change.now),
        etag: change.etag,
      })
      .where(
        and(
          eq(segmentGroups.id, change.id),
          inOrganizations(segmentGroups.organizationId, change.organizationIds),
          atAcceptedVersion(change.acceptedVersions),
          change.organizationId === undefined ? undefined : eq(segmentGroups.organizationId, change.organizationId),
          sql`NOT EXISTS ${missing}`,
        ),
      ),
    // Members go with their subgroups (ON DELETE CASCADE).
    db.delete(segmentSubgroups).where(and(eq(segmentSubgroups.groupId, change.id), replacesSubgroups)),
    insertSubgroups(db, change.id, subgroups, changed),
    insertMembers(db, change.id, subgroups, changed),
    db
      .select({
        ...segmentGroupSelection,
        missingMembers: sql<string>`(SELECT json_group_array(x.member_index ORDER BY x.member_index) FROM ${missing} AS x)`,
      })
      .from(segmentGroups)
      .where(and(eq(segmentGroups.id, change.id), inOrganizations(segmentGroups.organizationId, change.organizationIds))),
  ]);
  const row = rows[0];
  if (!row) return { group: undefined, missingMembers: [] };
  const { missingMembers: missingJson, ...group } = row;
  return { group, missingMembers: JSON.parse(missingJson) as number[] };
}

/**
 * `now`, or one millisecond past the stored `updated_at` if that is not earlier (same
 * millisecond, or another isolate's clock ahead): every write moves `updated_at` forward.
 */
function advancedTimestamp(now: string) {
  return sql`CASE WHEN ${now} > ${segmentGroups.updatedAt} THEN ${now}
    ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ${segmentGroups.updatedAt}, '+0.001 seconds') END`;
}
