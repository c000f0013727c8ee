import { Database } from "../../src/db/database";
import { mergeBacklog } from "../../src/db/segment-groups/member-index";
import { otherKeySpaceSql } from "../../src/db/segments/integrity";
import { shardOf, testShards } from "./shards";

const TABLES = ["segments", "segment_groups", "segment_group_members", "segment_group_index_backlog", "idempotency_keys", "segment_group_changes", "organization_usage", "segment_sketches", "universe_sketch", "group_reach_cache"] as const;

/** Every row of every table on every shard, to assert that a rejected request changed nothing. */
export async function snapshotTables(): Promise<Record<string, unknown[]>> {
  const shards = await Promise.all(
    testShards().map((db) =>
      // Ordered by the first three columns: every table's key starts there (the reverse index has no rowid).
      db.batch(TABLES.map((table) => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`))),
    ),
  );
  return Object.fromEntries(TABLES.map((table, i) => [table, shards.flatMap((results) => results[i]!.results)]));
}

export interface SeedSegment {
  segment_type: "CONTEXTUAL" | "3P";
  segment_id: number;
  organization_id?: number | null;
  name?: string;
}

/**
 * Puts segments straight into the catalog (tests of the catalog route go through the API); a
 * segment whose key is taken in its key space, or exists in the other one, is skipped. A global
 * segment goes to every shard, a private one to its owner's.
 */
export async function seedSegments(segments: SeedSegment[]): Promise<void> {
  const shards = testShards();
  const owners = new Map<number, D1Database>();
  for (const s of segments) if (s.organization_id != null && !owners.has(s.organization_id)) owners.set(s.organization_id, await shardOf(s.organization_id));
  for (const db of shards) {
    const mine = segments.filter((s) => (s.organization_id == null ? true : owners.get(s.organization_id) === db));
    if (mine.length > 0) await seedSegmentsOn(db, mine);
  }
}

async function seedSegmentsOn(db: D1Database, segments: SeedSegment[]): Promise<void> {
  const now = new Date().toISOString();
  await db.batch(
    segments.map((s) =>
      db.prepare(
        `INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at) SELECT ?1, ?2, ?3, lower(?3), ?4, ?5, ?6
         WHERE NOT EXISTS (SELECT 1 FROM segments AS c WHERE ${otherKeySpaceSql("c", "?1", "?2", "?4")}) ON CONFLICT DO NOTHING`,
      ).bind(s.segment_type, s.segment_id, s.name ?? `Segment ${s.segment_type} ${s.segment_id}`, s.organization_id ?? null, now, now),
    ),
  );
}

/** The rows of `table` over every shard. */
export async function countRows(table: (typeof TABLES)[number]): Promise<number> {
  const counts = await Promise.all(testShards().map((db) => db.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>()));
  return counts.reduce((sum, row) => sum + row!.n, 0);
}

/** Merges the reverse index's whole backlog on every shard, as the Cron Trigger does; how many queued groups it merged. */
export async function mergeIndexBacklog(): Promise<number> {
  let merged = 0;
  for (const db of testShards()) merged += await mergeBacklog(new Database(db));
  return merged;
}
