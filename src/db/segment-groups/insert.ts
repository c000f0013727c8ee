import type { GroupType } from "../enums";
import type { Database } from "../database";
import { foldName } from "../name-search";
import { recordChangeSql } from "./changes";
import { missingMembersSql, type SubgroupsDocument } from "./document";
import { GROUP_COLUMNS, type SegmentGroupRow } from "./row";

export interface NewSegmentGroup {
  id: string;
  organizationId: number;
  name: string;
  type: GroupType;
  status: boolean;
  subgroups: SubgroupsDocument;
  now: string;
  /** The first version tag (ETag). */
  etag: string;
  /** The token's `sub`: `created_by` and `updated_by`. */
  createdBy: string | null;
}

export type InsertOutcome =
  | { outcome: "created"; group: SegmentGroupRow }
  /** Indexes into the member keys (subgroup by subgroup) that no visible catalog segment matches. */
  | { outcome: "segments_not_found"; missingMembers: number[] };

// The row, only if every member names a catalog segment visible to the organization; the
// insert trigger then writes the reverse index, whose foreign key holds the same line.
const INSERT = `INSERT INTO segment_groups
    (id, organization_id, name, name_folded, type, status, subgroups, member_count, created_at, updated_at, etag, created_by, updated_by)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?12, ?12
  WHERE NOT EXISTS (${missingMembersSql("?11", "?2")})
  RETURNING ${GROUP_COLUMNS}`;

// Which members are missing, evaluated only when the insert did not happen (SQLite checks a
// constant condition once, before reading any member).
const MISSING = `SELECT member_index FROM (${missingMembersSql("?2", "?3")})
  WHERE NOT EXISTS (SELECT 1 FROM segment_groups WHERE id = ?1)`;

const RECORD_CREATED = recordChangeSql("created");

/**
 * Writes a segment group in ONE D1 batch of three statements, whatever its size: the guarded
 * insert (returning the row as stored), the missing members if it was refused, and its
 * "created" event if it was not. The batch is one transaction, so a refused create leaves
 * nothing behind.
 */
export async function insertSegmentGroup(db: Database, group: NewSegmentGroup): Promise<InsertOutcome> {
  const [inserted, missing] = await db.batch([
    db.statement(
      INSERT,
      group.id,
      group.organizationId,
      group.name,
      foldName(group.name),
      group.type,
      group.status ? 1 : 0,
      group.subgroups.json,
      group.subgroups.memberCount,
      group.now,
      group.etag,
      group.subgroups.memberKeys,
      group.createdBy,
    ),
    db.statement(MISSING, group.id, group.subgroups.memberKeys, group.organizationId),
    db.statement(RECORD_CREATED, group.id, group.etag),
  ]);
  const row = inserted![0] as SegmentGroupRow | undefined;
  if (row) return { outcome: "created", group: row };
  return { outcome: "segments_not_found", missingMembers: (missing as { member_index: number }[]).map((r) => r.member_index) };
}
