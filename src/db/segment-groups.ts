import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { foldName } from "./name-search";
import { segmentGroups } from "./schema";
import { groupHasVersion, insertMembers, insertSubgroups, missingMembers, type SubgroupRows } from "./segment-group-writes";

export interface NewSegmentGroup {
  id: string;
  organizationId: number;
  name: string;
  type: "CONTEXTUAL" | "AUDIENCE";
  status: boolean;
  subgroups: SubgroupRows;
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
  const missing = missingMembers(db, group.subgroups, group.organizationId);
  const inserted = groupHasVersion(group.id, group.etag);

  const [, , , missingRows] = await db.batch([
    db.insert(segmentGroups).select(sql`
      SELECT ${group.id}, ${group.organizationId}, ${group.name}, ${group.type}, ${group.status ? 1 : 0}, ${group.now}, ${group.now},
        ${foldName(group.name)}, ${group.etag}
      WHERE NOT EXISTS ${missing}`),
    insertSubgroups(db, group.id, group.subgroups, inserted),
    insertMembers(db, group.id, group.subgroups, inserted),
    missing,
  ]);
  return missingRows.length === 0 ? { inserted: true } : { inserted: false, missingMembers: missingRows.map((r) => r.memberIndex) };
}
