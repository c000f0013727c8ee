import { jsonParam, type Database } from "../database";
import { groupQuotaAllowsSql } from "../quotas";
import { missingMembersSql } from "./document";
import type { InsertOutcome, NewSegmentGroup } from "./insert";
import { GROUP_COLUMNS, inOrganizationsSql, laterTimestampSql, type SegmentGroupRow } from "./row";
import { refusalOf, type SegmentGroupChange, type UpdateOutcome } from "./update";

// Dry runs (`?dry_run=true`) read what the write's own statements would check and decide with
// the same rules, writing nothing; the row they answer is built from the same values the
// write would store (the route tests compare the two).

const MISSING = `SELECT member_index FROM (${missingMembersSql("?1", "?2")})`;

const QUOTA_ALLOWS = `SELECT ${groupQuotaAllowsSql("?1", "?2")} AS allows`;

/** What `insertSegmentGroup` would do: ONE batch of reads (the quota, the catalog check), no write. */
export async function dryRunInsertSegmentGroup(db: Database, group: NewSegmentGroup): Promise<Extract<InsertOutcome, { outcome: "created" | "segments_not_found" | "quota_exceeded" }>> {
  const [quota, missingRows] = await db.batch([
    db.statement(QUOTA_ALLOWS, group.organizationId, group.quota),
    db.statement(MISSING, group.subgroups.memberKeys, group.organizationId),
  ]);
  if (!(quota![0] as { allows: number }).allows) return { outcome: "quota_exceeded", limit: group.quota };
  const missing = missingRows as { member_index: number }[];
  if (missing.length > 0) return { outcome: "segments_not_found", missingMembers: missing.map((r) => r.member_index) };
  const row: SegmentGroupRow = {
    id: group.id,
    name: group.name,
    type: group.type,
    organization_id: group.organizationId,
    status: group.status ? 1 : 0,
    subgroup_operator: group.subgroupOperator,
    subgroups: group.subgroups.json,
    member_count: group.subgroups.memberCount,
    created_at: group.now,
    updated_at: group.now,
    etag: group.etag,
    created_by: group.createdBy,
    updated_by: group.createdBy,
  };
  return { outcome: "created", group: row };
}

// The row as it stands, the `updated_at` the UPDATE would give it (the same rule, in SQL), and the new members the catalog lacks.
const CURRENT = `SELECT ${GROUP_COLUMNS}, ${laterTimestampSql("g.updated_at", "?4")} AS next_updated_at,
    (SELECT json_group_array(x.member_index ORDER BY x.member_index) FROM (${missingMembersSql("?3", "g.organization_id")}) AS x) AS missing
  FROM segment_groups AS g WHERE g.id = ?1 AND ${inOrganizationsSql("g.organization_id", "?2")}`;

/**
 * What `updateSegmentGroup` would do: ONE read (the group and the new members the catalog
 * lacks), the same refusals in the same order, and otherwise the row as the UPDATE would leave
 * it (its version unchanged: nothing was stored).
 */
export async function dryRunUpdateSegmentGroup(db: Database, change: SegmentGroupChange): Promise<UpdateOutcome> {
  const found = await db.first<SegmentGroupRow & { next_updated_at: string; missing: string }>(
    db.statement(CURRENT, change.id, jsonParam(change.organizationIds), change.subgroups?.memberKeys ?? null, change.now),
  );
  const refusal = refusalOf(change, found && { ...found, missing: JSON.parse(found.missing) as number[] });
  if (refusal) return refusal;
  const { missing: _, next_updated_at, ...current } = found!;
  const group: SegmentGroupRow = {
    ...current,
    name: change.name ?? current.name,
    type: change.type ?? current.type,
    status: change.status === undefined ? current.status : change.status ? 1 : 0,
    subgroup_operator: change.subgroupOperator ?? current.subgroup_operator,
    subgroups: change.subgroups?.json ?? current.subgroups,
    member_count: change.subgroups?.memberCount ?? current.member_count,
    updated_at: next_updated_at,
    updated_by: change.updatedBy,
  };
  return { outcome: "updated", group };
}
