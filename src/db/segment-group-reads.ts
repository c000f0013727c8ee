import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { inOrganizations } from "./organizations";
import { segmentGroups, segmentSubgroupMembers, segmentSubgroups } from "./schema";

/**
 * A group's subgroups and members as one JSON text, built by SQLite inside the same query that
 * reads the group: a page of 100 groups with all their members is still ONE round trip (no
 * N+1). Ordered by position, since subgroup and member order are part of the data.
 *
 * Written with explicit aliases: drizzle prints columns unqualified in a single-table select,
 * which would make the correlated subqueries compare each table with itself.
 */
const subgroupsJson = sql<string>`(
  SELECT json_group_array(json_object(
    'segment_operator', s.segment_operator,
    'segment_members', json((
      SELECT json_group_array(json_object('segment_id', m.segment_id, 'segment_type', m.segment_type) ORDER BY m.position)
      FROM ${segmentSubgroupMembers} AS m WHERE m.group_id = s.group_id AND m.subgroup_position = s.position
    ))
  ) ORDER BY s.position)
  FROM ${segmentSubgroups} AS s WHERE s.group_id = ${sql.raw('"segment_groups"."id"')}
)`;

/** What to select to return whole segment groups; map each row with `toSegmentGroup`. */
export const segmentGroupSelection = {
  id: segmentGroups.id,
  name: segmentGroups.name,
  type: segmentGroups.type,
  organizationId: segmentGroups.organizationId,
  status: segmentGroups.status,
  subgroups: subgroupsJson,
  createdAt: segmentGroups.createdAt,
  updatedAt: segmentGroups.updatedAt,
  etag: segmentGroups.etag,
};

export interface SegmentGroupRow {
  id: string;
  name: string;
  type: "CONTEXTUAL" | "AUDIENCE";
  organizationId: number;
  status: boolean;
  subgroups: string;
  createdAt: string;
  updatedAt: string;
  etag: string;
}

/** The API's shape of a segment group: the 201's `data`, and every read's. */
export function toSegmentGroup(row: SegmentGroupRow) {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    organization_id: row.organizationId,
    status: row.status,
    segment_subgroup: JSON.parse(row.subgroups) as {
      segment_operator: "AND" | "OR";
      segment_members: { segment_id: number; segment_type: "CONTEXTUAL" | "3P" }[];
    }[],
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export type SegmentGroup = ReturnType<typeof toSegmentGroup>;

/** One segment group of one of `organizationIds`, whole, in ONE query; undefined if none. */
export async function findSegmentGroup(db: Database, id: string, organizationIds: Iterable<number>): Promise<SegmentGroupRow | undefined> {
  return db
    .select(segmentGroupSelection)
    .from(segmentGroups)
    .where(and(eq(segmentGroups.id, id), inOrganizations(segmentGroups.organizationId, organizationIds)))
    .get();
}
