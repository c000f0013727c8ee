import { and, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "./client";
import { segmentGroups, segments, segmentSubgroupMembers, segmentSubgroups } from "./schema";

/** A group's subgroups and members as the writes take them, in request order. */
export type SubgroupRows = {
  operator: "AND" | "OR";
  members: { segmentType: "CONTEXTUAL" | "3P"; segmentId: number }[];
}[];

// Subgroups and members travel as ONE JSON parameter each, read with json_each, so a write's
// statements and bound parameters do not grow with the group (D1: 100 parameters a statement).

/** One row per member, aliased `m`: value = [subgroup position, member position, segment_type, segment_id]. */
function memberRows(subgroups: SubgroupRows) {
  const rows = subgroups.flatMap((s, sp) => s.members.map((m, mp) => [sp, mp, m.segmentType, m.segmentId]));
  return sql`json_each(${JSON.stringify(rows)}) AS m`;
}

/**
 * The members (indexes into the flattened list, in order, column `member_index`) that name no
 * catalog segment visible to `organizationId`: a global one or one the organization owns.
 */
export function missingMembers(db: Database, subgroups: SubgroupRows, organizationId: number | SQL) {
  const visibleToOrganization = and(
    eq(segments.segmentType, sql`m.value ->> 2`),
    eq(segments.segmentId, sql`m.value ->> 3`),
    or(isNull(segments.organizationId), eq(segments.organizationId, organizationId)),
  );
  return db
    .select({ memberIndex: sql<number>`m.key`.as("member_index") })
    .from(memberRows(subgroups))
    .leftJoin(segments, visibleToOrganization)
    .where(isNull(segments.segmentId))
    .orderBy(sql`m.key`);
}

/**
 * The group row's version is one If-Match accepts (`acceptedVersions` null: any version). One
 * JSON parameter however many tags were sent.
 */
export function atAcceptedVersion(acceptedVersions: string[] | null) {
  if (acceptedVersions === null) return undefined;
  return sql`${segmentGroups.etag} IN (SELECT value FROM json_each(${JSON.stringify(acceptedVersions)}))`;
}

/** True once group `id` carries version `etag`: what the statements after a group's write are keyed on. */
export function groupHasVersion(id: string, etag: string) {
  return sql`EXISTS (SELECT 1 FROM ${segmentGroups} AS g WHERE g.id = ${id} AND g.etag = ${etag})`;
}

/** Inserts the group's subgroups, positions from 0, when `condition` holds. */
export function insertSubgroups(db: Database, groupId: string, subgroups: SubgroupRows, condition: SQL) {
  const operators = sql`json_each(${JSON.stringify(subgroups.map((s) => s.operator))}) AS o`;
  return db.insert(segmentSubgroups).select(sql`SELECT ${groupId}, o.key, o.value FROM ${operators} WHERE ${condition}`);
}

/** Inserts the group's members, keyed by subgroup and member position, when `condition` holds. */
export function insertMembers(db: Database, groupId: string, subgroups: SubgroupRows, condition: SQL) {
  return db.insert(segmentSubgroupMembers).select(sql`
    SELECT ${groupId}, m.value ->> 0, m.value ->> 1, m.value ->> 2, m.value ->> 3 FROM ${memberRows(subgroups)}
    WHERE ${condition}`);
}
