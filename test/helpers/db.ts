import { env } from "cloudflare:workers";
import { Database } from "../../src/db/database";
import { mergeBacklog } from "../../src/db/segment-groups/member-index";
import { otherKeySpaceSql } from "../../src/db/segments/integrity";

const TABLES = ["segments", "segment_groups", "segment_group_members", "segment_group_index_backlog", "idempotency_keys", "segment_group_changes", "organization_usage", "segment_sketches", "universe_sketch", "group_reach_cache"] as const;

/** Every row of every table, to assert that a rejected request changed nothing. */
export async function snapshotTables(): Promise<Record<string, unknown[]>> {
  const results = await env.DB.batch(TABLES.map((table) => // Ordered by the first three columns: every table's key starts there (the reverse index has no rowid).
    env.DB.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`)));
  return Object.fromEntries(TABLES.map((table, i) => [table, results[i]!.results]));
}

export interface SeedSegment {
  segment_type: "CONTEXTUAL" | "3P";
  segment_id: number;
  organization_id?: number | null;
  name?: string;
}

/**
 * Puts segments straight into the catalog (tests of the catalog route go through the API); a
 * segment whose key is taken in its key space, or exists in the other one, is skipped.
 */
export async function seedSegments(segments: SeedSegment[]): Promise<void> {
  const now = new Date().toISOString();
  await env.DB.batch(
    segments.map((s) =>
      env.DB.prepare(
        `INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at) SELECT ?1, ?2, ?3, lower(?3), ?4, ?5, ?6
         WHERE NOT EXISTS (SELECT 1 FROM segments AS c WHERE ${otherKeySpaceSql("c", "?1", "?2", "?4")}) ON CONFLICT DO NOTHING`,
      ).bind(s.segment_type, s.segment_id, s.name ?? `Segment ${s.segment_type} ${s.segment_id}`, s.organization_id ?? null, now, now),
    ),
  );
}

export async function countRows(table: (typeof TABLES)[number]): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
  return row!.n;
}

/** Merges the reverse index's whole backlog, as the Cron Trigger does; how many queued groups it merged. */
export async function mergeIndexBacklog(): Promise<number> {
  return mergeBacklog(new Database(env.DB));
}
