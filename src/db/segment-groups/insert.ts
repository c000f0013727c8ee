import type { GroupType, SegmentOperator } from "../enums";
import { namedParams, type Database } from "../database";
import { keyTakenSql, priorAnswerOutcome, scopeParam, priorAnswerStatement, storeAnswerStatement, type IdempotencyClaim, type PriorAnswerOutcome } from "../idempotency/keys";
import { foldName } from "../name-search";
import { groupQuotaAllowsSql } from "../quotas";
import { recordChangeSql } from "./changes";
import { missingMembersSql, type SubgroupsDocument } from "./document";
import { mergeWhenFullStatements, NEXT_INDEX_KEY } from "./member-index";
import { groupAtVersionSql, groupSnapshotSql, groupColumnsWithDocumentFrom, type SegmentGroupRow } from "./row";

export interface NewSegmentGroup {
  id: string;
  organizationId: number;
  name: string;
  type: GroupType;
  status: boolean;
  subgroupOperator: SegmentOperator;
  subgroups: SubgroupsDocument;
  now: string;
  /** The first version tag (ETag). */
  etag: string;
  /** The token's `sub`: `created_by` and `updated_by`. */
  createdBy: string | null;
  /** How many groups the organization may hold (QUOTA_GROUPS_PER_ORGANIZATION). */
  quota: number;
}

export type InsertOutcome =
  | { outcome: "created"; group: SegmentGroupRow }
  /** Indexes into the member keys (subgroup by subgroup) that no visible catalog segment matches. */
  | { outcome: "segments_not_found"; missingMembers: number[] }
  /** The organization already holds its quota of groups (nothing written). */
  | { outcome: "quota_exceeded"; limit: number }
  /** The Idempotency-Key was used before: its answer's rows, or a different request under it (nothing written). */
  | PriorAnswerOutcome<SegmentGroupRow>;

// The row, only if its idempotency key (if any) is new and the organization is under its
// quota of groups, checked on its counter in this same transaction. A BEFORE INSERT trigger
// (migrations/0006) skips it unless every member names a catalog segment visible to the
// organization: the write's one catalog check, made by the database for every writer. The
// insert trigger then queues the group for the reverse index (member-index.ts).
const P = namedParams(
  "id", "organizationId", "name", "nameFolded", "type", "status", "subgroups", "memberCount",
  "now", "etag", "idempotencyScope", "subgroupOperator", "createdBy", "quota",
);
// Each column with the value it is given: the column list and the values list are both read from here.
const STORED = {
  id: P.sql.id,
  organization_id: P.sql.organizationId,
  name: P.sql.name,
  name_folded: P.sql.nameFolded,
  type: P.sql.type,
  status: P.sql.status,
  subgroups: P.sql.subgroups,
  member_count: P.sql.memberCount,
  created_at: P.sql.now,
  updated_at: P.sql.now,
  etag: P.sql.etag,
  subgroup_operator: P.sql.subgroupOperator,
  created_by: P.sql.createdBy,
  updated_by: P.sql.createdBy,
  index_key: NEXT_INDEX_KEY,
};
const INSERT = `INSERT INTO segment_groups (${Object.keys(STORED).join(", ")})
  SELECT ${Object.values(STORED).join(", ")}
  WHERE NOT ${keyTakenSql(P.sql.idempotencyScope)} AND ${groupQuotaAllowsSql(P.sql.organizationId, P.sql.quota)}
  RETURNING ${groupColumnsWithDocumentFrom(P.sql.subgroups)}`;

// Which members are missing, evaluated only when the insert did not happen, not for its key
// and not over the quota (SQLite checks a constant condition once, before reading any member).
const MISSING = `SELECT member_index FROM (${missingMembersSql("?2", "?3")})
  WHERE NOT EXISTS (SELECT 1 FROM segment_groups WHERE id = ?1) AND NOT ${keyTakenSql("?4")} AND ${groupQuotaAllowsSql("?3", "?5")}`;

// Whether the quota refused it: the quota comes before the catalog (403 before 404).
const OVER_QUOTA = `SELECT 1 AS over_quota WHERE NOT EXISTS (SELECT 1 FROM segment_groups WHERE id = ?1) AND NOT ${keyTakenSql("?3")}
  AND NOT ${groupQuotaAllowsSql("?2", "?4")}`;

// What the idempotency key stores: the row exactly as RETURNING gave it, as JSON, so a replay
// is answered by the same code (toSegmentGroup) from the same values.
const SNAPSHOT = `SELECT ${groupSnapshotSql("segment_groups")} AS snapshot FROM segment_groups WHERE id = ?5`;

const RECORD_CREATED = recordChangeSql("created");

// The insert happened (for the reverse index's merge).
const WRITTEN = groupAtVersionSql("?1", "?2");

/**
 * Writes a segment group in ONE D1 batch of ten statements, whatever its size: the answer
 * already stored under the idempotency key (if any), the guarded insert (returning the row as
 * stored), the missing members or the quota if it was refused, the key with this answer if it was not, its
 * "created" event in the change feed if it was not, and the reverse index's merge if it was
 * not and the index backlog is full. The batch is one transaction, so a refused create leaves
 * nothing behind, and a key never exists without its group or the reverse. Without a key the idempotency statements write nothing and read next to nothing
 * (one or two rows).
 */
export async function insertSegmentGroup(db: Database, group: NewSegmentGroup, claim: IdempotencyClaim | null = null): Promise<InsertOutcome> {
  const scope = scopeParam(claim);
  const [prior, inserted, missing, overQuota] = await db.batch([
    priorAnswerStatement(db, claim),
    db.statement(
      INSERT,
      ...P.values({
        id: group.id,
        organizationId: group.organizationId,
        name: group.name,
        nameFolded: foldName(group.name),
        type: group.type,
        status: group.status ? 1 : 0,
        subgroups: group.subgroups.json,
        memberCount: group.subgroups.memberCount,
        now: group.now,
        etag: group.etag,
        idempotencyScope: scope,
        subgroupOperator: group.subgroupOperator,
        createdBy: group.createdBy,
        quota: group.quota,
      }),
    ),
    db.statement(MISSING, group.id, group.subgroups.memberKeys, group.organizationId, scope, group.quota),
    db.statement(OVER_QUOTA, group.id, group.organizationId, scope, group.quota),
    storeAnswerStatement(db, claim, SNAPSHOT, group.id),
    db.statement(RECORD_CREATED, group.id, group.etag),
    ...mergeWhenFullStatements(db, WRITTEN, group.id, group.etag),
  ]);
  const replay = priorAnswerOutcome<SegmentGroupRow>(prior, claim);
  if (replay) return replay;
  const row = inserted![0] as SegmentGroupRow | undefined;
  if (row) return { outcome: "created", group: { ...row, subgroups: group.subgroups.json } };
  if (overQuota!.length > 0) return { outcome: "quota_exceeded", limit: group.quota };
  return { outcome: "segments_not_found", missingMembers: (missing as { member_index: number }[]).map((r) => r.member_index) };
}
