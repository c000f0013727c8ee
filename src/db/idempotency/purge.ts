import type { Database } from "../database";

/** Rows deleted per statement: small enough for one D1 statement's time limit, whatever the backlog. */
export const PURGE_CHUNK = 1000;
const MAX_CHUNKS = 100;

// Through the expires_at index: reads only the expired keys.
const PURGE = `DELETE FROM idempotency_keys WHERE (subject, route, key) IN
  (SELECT subject, route, key FROM idempotency_keys WHERE expires_at <= ?1 LIMIT ?2)
  RETURNING 1 AS deleted`;

/**
 * Deletes the idempotency keys that expired by `now`, a chunk at a time; returns how many.
 * A backlog beyond MAX_CHUNKS chunks waits for the next run.
 */
export async function purgeExpiredIdempotencyKeys(db: Database, now: Date): Promise<number> {
  let deleted = 0;
  for (let chunk = 0; chunk < MAX_CHUNKS; chunk++) {
    const rows = await db.all(db.statement(PURGE, now.toISOString(), PURGE_CHUNK));
    deleted += rows.length;
    if (rows.length < PURGE_CHUNK) break;
  }
  return deleted;
}
