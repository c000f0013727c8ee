import type { Database } from "../database";

// Written only while the group still has the version the reach was computed for.
const WRITE = `INSERT INTO group_reach_cache (group_id, etag, fingerprint, reach, computed_at)
  SELECT id, etag, ?3, ?4, ?5 FROM segment_groups WHERE id = ?1 AND etag = ?2
  ON CONFLICT (group_id) DO UPDATE SET etag = excluded.etag, fingerprint = excluded.fingerprint, reach = excluded.reach, computed_at = excluded.computed_at`;

/** Keeps a group's computed reach (`reach`: the answer's data) for its version and sketch fingerprint. */
export async function cacheGroupReach(db: Database, group: { id: string; etag: string }, fingerprint: string, reach: unknown, now: string): Promise<void> {
  await db.all(db.statement(WRITE, group.id, group.etag, fingerprint, JSON.stringify(reach), now));
}
