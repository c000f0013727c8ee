import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { Database } from "./client";
import { foldName } from "./name-search";
import { segmentGroups, segments, segmentSubgroupMembers, segmentSubgroups } from "./schema";

export interface NewSegmentGroup {
  id: string;
  organizationId: number;
  name: string;
  type: "CONTEXTUAL" | "AUDIENCE";
  status: boolean;
  subgroups: { operator: "AND" | "OR"; members: { segmentType: "CONTEXTUAL" | "3P"; segmentId: number }[] }[];
  now: string;
  /** The first version tag (ETag). */
  etag: string;
}

export type InsertOutcome =
  | { inserted: true }
  /** Indexes into the flattened member list (subgroup by subgroup) that no visible catalog segment matches. */
  | { inserted: false; missingMembers: number[] };

/**
 * Writes a segment group with its subgroups and members in ONE D1 batch of four statements,
 * however many subgroups and members it has: they travel as JSON parameters read with
 * `json_each`, which keeps every statement far under D1's 100-bound-parameter limit.
 *
 * The batch is one transaction. The group row is only inserted when every member names a
 * catalog segment visible to the organization; the later inserts are keyed on that row, so a
 * missing segment leaves nothing behind, and the last statement reports which ones are
 * missing. The members' foreign key to the catalog holds the same line inside the database.
 */
export async function insertSegmentGroup(db: Database, group: NewSegmentGroup): Promise<InsertOutcome> {
  // One row per member: [subgroup position, member position, segment_type, segment_id].
  const memberRows = sql`json_each(${JSON.stringify(
    group.subgroups.flatMap((s, sp) => s.members.map((m, mp) => [sp, mp, m.segmentType, m.segmentId])),
  )}) AS m`;
  const operatorRows = sql`json_each(${JSON.stringify(group.subgroups.map((s) => s.operator))}) AS o`;
  const visibleToOrganization = and(
    eq(segments.segmentType, sql`m.value ->> 2`),
    eq(segments.segmentId, sql`m.value ->> 3`),
    or(isNull(segments.organizationId), eq(segments.organizationId, group.organizationId)),
  );
  const missingMembers = db
    .select({ memberIndex: sql<number>`m.key` })
    .from(memberRows)
    .leftJoin(segments, visibleToOrganization)
    .where(isNull(segments.segmentId))
    .orderBy(sql`m.key`);
  const groupWasInserted = sql`EXISTS (SELECT 1 FROM ${segmentGroups} WHERE ${segmentGroups.id} = ${group.id})`;

  const [, , , missing] = await db.batch([
    db.insert(segmentGroups).select(sql`
      SELECT ${group.id}, ${group.organizationId}, ${group.name}, ${group.type}, ${group.status ? 1 : 0}, ${group.now}, ${group.now},
        ${foldName(group.name)}, ${group.etag}
      WHERE NOT EXISTS ${missingMembers}`),
    db.insert(segmentSubgroups).select(sql`
      SELECT ${group.id}, o.key, o.value FROM ${operatorRows} WHERE ${groupWasInserted}`),
    db.insert(segmentSubgroupMembers).select(sql`
      SELECT ${group.id}, m.value ->> 0, m.value ->> 1, m.value ->> 2, m.value ->> 3 FROM ${memberRows}
      WHERE ${groupWasInserted}`),
    missingMembers,
  ]);
  return missing.length === 0 ? { inserted: true } : { inserted: false, missingMembers: missing.map((r) => r.memberIndex) };
}
