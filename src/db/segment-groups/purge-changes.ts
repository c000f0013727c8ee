import type { Database } from "../database";
import { recordPurgeStatements } from "./purge-log";

/** How long a deleted group's tombstone (and its history) stays in the feed, at least. */
export const TOMBSTONE_RETENTION_DAYS = 30;

// Tombstones purged per round, and rounds per run: a run's work stays bounded; the next
// run (cron) continues where it stopped.
const TOMBSTONES_PER_ROUND = 500;
const MAX_ROUNDS = 20;

// The longest run of the oldest unpurged tombstones that are all older than the cutoff (?1),
// in position order, so that purged_through only ever moves over expired tombstones. Read
// through the partial index on tombstones. Never the newest row: SQLite gives a new row the
// largest rowid + 1, so keeping it keeps positions from ever being reused.
const EXPIRED_THROUGH = `WITH next AS (
    SELECT position, changed_at FROM segment_group_changes
    WHERE change = 'deleted' AND position > (SELECT purged_through FROM change_feed_retention)
      AND position < (SELECT max(position) FROM segment_group_changes)
    ORDER BY position LIMIT ?2
  )
  SELECT max(position) AS through, count(*) AS tombstones, (SELECT purged_through FROM change_feed_retention) AS purgedThrough FROM next
  WHERE position < coalesce((SELECT min(position) FROM next WHERE changed_at >= ?1), 9223372036854775807)`;

// Every row of the groups whose tombstones lie in (?1, ?2]: their ids are never reused, so
// all their events precede their tombstone.
const DELETE_EXPIRED = `DELETE FROM segment_group_changes WHERE group_id IN (
  SELECT group_id FROM segment_group_changes WHERE change = 'deleted' AND position > ?1 AND position <= ?2)`;
const MOVE_WATERMARK = "UPDATE change_feed_retention SET purged_through = ?2 WHERE purged_through = ?1";

export interface PurgeResult {
  groups: number;
  purgedThrough: number;
}

/**
 * Removes deleted groups whose tombstone is older than the retention, with their whole
 * history, oldest tombstone first, records how far it went (change_feed_retention) and logs
 * the purge (purge-log.ts), so a feed cursor below that point, issued before, answers 410.
 * Live groups' history is purge-history.ts's.
 */
export async function purgeExpiredChanges(db: Database, now: Date): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - TOMBSTONE_RETENTION_DAYS * 86_400_000).toISOString();
  let groups = 0;
  let purgedThrough = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const expired = await db.first<{ through: number | null; tombstones: number; purgedThrough: number }>(
      db.statement(EXPIRED_THROUGH, cutoff, TOMBSTONES_PER_ROUND),
    );
    purgedThrough = expired?.purgedThrough ?? purgedThrough;
    if (!expired || expired.through === null) break;
    await db.batch([
      db.statement(DELETE_EXPIRED, expired.purgedThrough, expired.through),
      db.statement(MOVE_WATERMARK, expired.purgedThrough, expired.through),
      // The tombstone at `through` is the largest position this purge deleted.
      ...recordPurgeStatements(db, expired.through),
    ]);
    groups += expired.tombstones;
    purgedThrough = expired.through;
    if (expired.tombstones < TOMBSTONES_PER_ROUND) break;
  }
  return { groups, purgedThrough };
}
