import type { Database } from "../database";
import { recordPurgeStatements } from "./purge-log";

// Rows looked at per round, and rounds per run: a run's work stays bounded (D1 limits a
// statement's time and size); the next run (cron) continues where this one stopped.
const ROWS_PER_ROUND = 1000;
const MAX_ROUNDS = 20;

// The next ROWS_PER_ROUND rows after where the scan stopped (history_scanned_through), cut
// before the first one younger than the cutoff (?1), and of those the purgeable: not a
// tombstone (purge-changes.ts keeps them 30 days), and followed by at least ?3 rows of its
// group (so each group keeps its newest ?3, and the feed's newest row is never deleted: no
// position is reused). Columns before `data` only: the copies' pages are not read.
const SCAN = `WITH scan AS MATERIALIZED (
    SELECT position, group_id, change, changed_at FROM segment_group_changes
    WHERE position > (SELECT history_scanned_through FROM change_feed_retention) ORDER BY position LIMIT ?2
  ), old AS MATERIALIZED (
    SELECT * FROM scan WHERE position < coalesce((SELECT min(position) FROM scan WHERE changed_at >= ?1), 9223372036854775807)
  )
  SELECT (SELECT history_scanned_through FROM change_feed_retention) AS scannedFrom,
    (SELECT max(position) FROM old) AS through, (SELECT count(*) FROM old) AS scanned,
    (SELECT json_group_array(position) FROM old WHERE change <> 'deleted' AND (
      SELECT count(*) FROM (SELECT 1 FROM segment_group_changes AS n WHERE n.group_id = old.group_id AND n.position > old.position LIMIT ?3)
    ) >= ?3) AS purgeable`;

// A row found purgeable stays so: its group only gains newer rows, and losing any takes all of
// it (the tombstone purge) or leaves ?3 newer (this purge). So the delete needs no recheck.
const DELETE = "DELETE FROM segment_group_changes WHERE position IN (SELECT value FROM json_each(?1))";
// Guarded on where this round started, so two overlapping runs cannot move the scan backwards.
const MOVE_SCAN = "UPDATE change_feed_retention SET history_scanned_through = ?2 WHERE history_scanned_through = ?1";

export interface HistoryRetention {
  /** Rows older than this many days may go… */
  retentionDays: number;
  /** …unless they are among their group's newest this many. */
  keepVersions: number;
}

/**
 * Deletes versions (rows of segment_group_changes) older than the retention, except each
 * group's newest `keepVersions` and every tombstone, scanning in position order from where the
 * last run stopped and starting over from the oldest row once it reaches the cutoff. Each round
 * deletes, moves the scan and logs the purge (purge-log.ts: a feed cursor before a deleted row,
 * issued before, answers 410) in one batch. Returns how many rows went.
 */
export async function purgeExpiredHistory(db: Database, now: Date, retention: HistoryRetention): Promise<number> {
  const cutoff = new Date(now.getTime() - retention.retentionDays * 86_400_000).toISOString();
  let deleted = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const scan = await db.first<{ scannedFrom: number; through: number | null; scanned: number; purgeable: string }>(
      db.statement(SCAN, cutoff, ROWS_PER_ROUND, retention.keepVersions),
    );
    if (!scan) break;
    const purgeable = JSON.parse(scan.purgeable) as number[];
    // Short of a full round: the scan met the cutoff (or the end); the next one starts over.
    const reachedCutoff = scan.scanned < ROWS_PER_ROUND;
    const next = reachedCutoff ? 0 : scan.through!;
    if (purgeable.length === 0 && next === scan.scannedFrom) break;
    await db.batch([
      db.statement(DELETE, JSON.stringify(purgeable)),
      db.statement(MOVE_SCAN, scan.scannedFrom, next),
      ...recordPurgeStatements(db, purgeable.length > 0 ? Math.max(...purgeable) : null),
    ]);
    deleted += purgeable.length;
    if (reachedCutoff) break;
  }
  return deleted;
}
