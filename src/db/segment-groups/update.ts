import type { GroupType, SegmentOperator } from "../enums";
import { jsonParam, namedParams, type Database } from "../database";
import { foldName } from "../name-search";
import { recordChangeSql } from "./changes";
import { missingMembersSql, type SubgroupsDocument } from "./document";
import { mergeWhenFullStatements } from "./member-index";
import { groupAtVersionSql, groupColumnsWithDocumentFrom, inOrganizationsSql, laterTimestampSql, type SegmentGroupRow } from "./row";

export interface SegmentGroupChange {
  id: string;
  /** The caller's organizations: a group outside them is neither changed nor shown. */
  organizationIds: Iterable<number>;
  /** The versions If-Match accepts; null for an unconditional write. */
  acceptedVersions: string[] | null;
  /** `organization_id` as sent: the write only happens when it is the group's own. */
  organizationId?: number;
  name?: string;
  type?: GroupType;
  status?: boolean;
  subgroupOperator?: SegmentOperator;
  /** Replaces every subgroup and member when given. */
  subgroups?: SubgroupsDocument;
  now: string;
  /** The version tag the group gets if the write happens. */
  etag: string;
  /** The token's `sub`: the new `updated_by`. */
  updatedBy: string | null;
}

export type UpdateOutcome =
  | { outcome: "updated"; group: SegmentGroupRow }
  /** Absent, or another organization's: the two look alike to the caller. */
  | { outcome: "not_found" }
  /** `organization_id` was sent and is not the group's (`organizationId`). */
  | { outcome: "organization_mismatch"; organizationId: number }
  /** If-Match named none of the group's versions. */
  | { outcome: "version_mismatch" }
  /** Indexes into the new member keys that name no catalog segment visible to the group's organization. */
  | { outcome: "segments_not_found"; missingMembers: number[] };

// Every condition a change must meet, in the WHERE of one UPDATE: the caller's group, at an
// accepted version, not moved to another organization; and a BEFORE UPDATE trigger
// (migrations/0006) skips the row unless every new member is visible to the group's
// organization. Unsent fields (NULL) keep their value; `updated_at` only moves forward
// (laterTimestampSql). The update trigger queues the group for the reverse index only if the
// document changed.
const P = namedParams(
  "id", "organizations", "name", "nameFolded", "type", "status", "subgroups", "memberCount",
  "subgroupOperator", "now", "etag", "updatedBy", "acceptedVersions", "organizationId",
);
const UPDATE = `UPDATE segment_groups SET
    name = coalesce(${P.sql.name}, name), name_folded = coalesce(${P.sql.nameFolded}, name_folded), type = coalesce(${P.sql.type}, type),
    status = coalesce(${P.sql.status}, status), subgroups = coalesce(${P.sql.subgroups}, subgroups),
    member_count = coalesce(${P.sql.memberCount}, member_count), subgroup_operator = coalesce(${P.sql.subgroupOperator}, subgroup_operator),
    updated_at = ${laterTimestampSql("updated_at", P.sql.now)},
    etag = ${P.sql.etag}, updated_by = ${P.sql.updatedBy}
  WHERE id = ${P.sql.id} AND ${inOrganizationsSql("organization_id", P.sql.organizations)}
    AND (${P.sql.acceptedVersions} IS NULL OR etag IN (SELECT value FROM json_each(${P.sql.acceptedVersions})))
    AND (${P.sql.organizationId} IS NULL OR organization_id = ${P.sql.organizationId})
  RETURNING ${groupColumnsWithDocumentFrom(P.sql.subgroups)}`;

// Read after the UPDATE in the same transaction: when the group did not take the new version,
// why. The catalog check only runs in that case (CASE evaluates one branch).
const DIAGNOSE = `SELECT g.organization_id, g.etag,
    CASE WHEN g.etag = ?3 THEN '[]' ELSE (
      SELECT json_group_array(x.member_index ORDER BY x.member_index) FROM (${missingMembersSql("?4", "g.organization_id")}) AS x
    ) END AS missing
  FROM segment_groups AS g WHERE g.id = ?1 AND ${inOrganizationsSql("g.organization_id", "?2")}`;

const RECORD_UPDATED = recordChangeSql("updated");

// The update happened (for the reverse index's merge).
const WRITTEN = groupAtVersionSql("?1", "?2");

/**
 * Applies a PATCH in ONE D1 batch of seven statements, whatever is sent and however many
 * members: the guarded UPDATE (returning the row as stored), what the group looks like if it
 * was refused, its "updated" event if it was not, and the reverse index's merge if it was not
 * and the index backlog is full. The batch is one transaction, so two writers with the same
 * If-Match cannot both win, and the outcome is decided on exactly what the UPDATE saw.
 */
export async function updateSegmentGroup(db: Database, change: SegmentGroupChange): Promise<UpdateOutcome> {
  const organizations = jsonParam(change.organizationIds);
  const memberKeys = change.subgroups?.memberKeys ?? null;
  const [updated, diagnosed] = await db.batch([
    db.statement(
      UPDATE,
      ...P.values({
        id: change.id,
        organizations,
        name: change.name ?? null,
        nameFolded: change.name === undefined ? null : foldName(change.name),
        type: change.type ?? null,
        status: change.status === undefined ? null : change.status ? 1 : 0,
        subgroups: change.subgroups?.json ?? null,
        memberCount: change.subgroups?.memberCount ?? null,
        subgroupOperator: change.subgroupOperator ?? null,
        now: change.now,
        etag: change.etag,
        updatedBy: change.updatedBy,
        acceptedVersions: change.acceptedVersions === null ? null : jsonParam(change.acceptedVersions),
        organizationId: change.organizationId ?? null,
      }),
    ),
    db.statement(DIAGNOSE, change.id, organizations, change.etag, memberKeys),
    db.statement(RECORD_UPDATED, change.id, change.etag),
    ...mergeWhenFullStatements(db, WRITTEN, change.id, change.etag),
  ]);
  const group = updated![0] as SegmentGroupRow | undefined;
  if (group) return { outcome: "updated", group: { ...group, subgroups: change.subgroups?.json ?? group.subgroups } };

  const current = diagnosed![0] as { organization_id: number; etag: string; missing: string } | undefined;
  const refusal = refusalOf(change, current && { ...current, missing: JSON.parse(current.missing) as number[] });
  if (refusal) return refusal;
  throw new Error(`segment group ${change.id} was not updated for no known reason`);
}

export type Refusal = Exclude<UpdateOutcome, { outcome: "updated" }>;

/**
 * Why `change` is refused by the group as it stands (`current`: undefined when absent or not
 * the caller's; `missing`: new members the catalog lacks), in the documented order of checks;
 * undefined when nothing refuses it. The write and its dry run both decide here.
 */
export function refusalOf(
  change: Pick<SegmentGroupChange, "organizationId" | "acceptedVersions">,
  current: { organization_id: number; etag: string; missing: number[] } | undefined,
): Refusal | undefined {
  if (!current) return { outcome: "not_found" };
  if (change.organizationId !== undefined && change.organizationId !== current.organization_id) {
    return { outcome: "organization_mismatch", organizationId: current.organization_id };
  }
  if (change.acceptedVersions !== null && !change.acceptedVersions.includes(current.etag)) return { outcome: "version_mismatch" };
  if (current.missing.length > 0) return { outcome: "segments_not_found", missingMembers: current.missing };
  return undefined;
}
