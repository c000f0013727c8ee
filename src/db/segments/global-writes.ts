import type { Database } from "../database";
import { groupKeysUsingSegmentSql } from "../segment-groups/member-index";
import type { DeleteSegmentOutcome } from "./delete";
import { otherKeySpaceSql } from "./integrity";
import type { CatalogSegment, SegmentKey } from "./row";
import { upsertSegment, type UpsertOutcome } from "./upsert";

/**
 * The catalog admin's writes of a global segment over several shards (src/db/shards/), each of
 * which keeps a copy for its own integrity rules. docs/storage.md ("Shards") states the protocol:
 *
 * - Create or replace: count private owners of the key on every shard (409 if any), then write
 *   shard by shard, DB first. A shard that refuses meanwhile (an organization claimed the key
 *   between the count and the write) makes the write undo the copies it created, and answer 409.
 *   Writing also lifts a retirement a failed delete left behind.
 * - Delete: retire the segment on every shard (from then on no shard lets a group take it as a
 *   member: visibleSegmentSql), count its users on every shard, then delete it everywhere if
 *   none uses it, or lift the retirements and answer 409 with the total. A create that commits
 *   before its shard's retirement is counted; one after it is refused as naming a missing
 *   segment. Either way the shards end agreeing.
 */
export interface ShardDatabase {
  shard: string;
  db: Database;
}

const PRIVATE_OWNERS = `SELECT count(*) AS n FROM segments AS c WHERE ${otherKeySpaceSql("c", "?1", "?2", "NULL")}`;
const UNRETIRE = "DELETE FROM segment_retirements WHERE segment_type = ?1 AND segment_id = ?2";
const UNDO_CREATE = `DELETE FROM segments WHERE segment_type = ?1 AND segment_id = ?2 AND organization_id IS NULL AND revision = 1 AND created_at = ?3
  AND NOT EXISTS (${groupKeysUsingSegmentSql("?1", "?2")})`;

async function count(db: Database, sql: string, ...params: unknown[]): Promise<number> {
  return (await db.first<{ n: number }>(db.statement(sql, ...params)))?.n ?? 0;
}

export async function upsertGlobalSegment(shards: readonly ShardDatabase[], segment: CatalogSegment & { organizationId: null }, now: string, quota: number): Promise<UpsertOutcome> {
  const key = [segment.segmentType, segment.segmentId] as const;
  const owners = await Promise.all(shards.map(({ db }) => count(db, PRIVATE_OWNERS, ...key)));
  const privateOwners = owners.reduce((a, b) => a + b, 0);
  if (privateOwners > 0) return { outcome: "key_space_conflict", privateOwners };
  let answer: UpsertOutcome | undefined;
  const created: Database[] = [];
  for (const { db } of shards) {
    await db.batch([db.statement(UNRETIRE, ...key)]);
    const outcome = await upsertSegment(db, segment, now, quota);
    if (outcome.outcome !== "stored") {
      for (const copy of created) await copy.batch([copy.statement(UNDO_CREATE, ...key, now)]);
      return outcome.outcome === "key_space_conflict" ? { outcome: "key_space_conflict", privateOwners: Math.max(1, outcome.privateOwners) } : outcome;
    }
    if (outcome.created) created.push(db);
    answer ??= outcome;
  }
  return answer!;
}

const EXISTS = "SELECT count(*) AS n FROM segments WHERE segment_type = ?1 AND segment_id = ?2 AND organization_id IS NULL";
const RETIRE = "INSERT INTO segment_retirements (segment_type, segment_id, retired_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";
const USERS = `SELECT count(*) AS n FROM (${groupKeysUsingSegmentSql("?1", "?2")})`;
const DELETE = `DELETE FROM segments WHERE segment_type = ?1 AND segment_id = ?2 AND organization_id IS NULL AND NOT EXISTS (${groupKeysUsingSegmentSql("?1", "?2")})`;

/** Test hooks: what happens between the protocol's steps (a create racing the delete). */
export interface DeleteSteps {
  afterRetire?: () => Promise<void>;
  afterCount?: () => Promise<void>;
}

export async function deleteGlobalSegment(shards: readonly ShardDatabase[], key: SegmentKey, now: string, steps: DeleteSteps = {}): Promise<DeleteSegmentOutcome> {
  const params = [key.segmentType, key.segmentId] as const;
  const primary = shards[0]!.db;
  if ((await count(primary, EXISTS, ...params)) === 0) return { outcome: "not_found" };
  for (const { db } of shards) await db.batch([db.statement(RETIRE, ...params, now)]);
  await steps.afterRetire?.();
  const users = await Promise.all(shards.map(({ db }) => count(db, USERS, ...params)));
  const groupCount = users.reduce((a, b) => a + b, 0);
  await steps.afterCount?.();
  if (groupCount > 0) {
    for (const { db } of shards) await db.batch([db.statement(UNRETIRE, ...params)]);
    return { outcome: "in_use", groupCount };
  }
  // Retired everywhere and used nowhere: no shard can gain a user now; the delete's own guard stays as the last word.
  for (const { db } of shards) await db.batch([db.statement(DELETE, ...params), db.statement(UNRETIRE, ...params)]);
  return { outcome: "deleted" };
}
