import type { Database } from "../database";

// change_feed_purges (migrations/0008): one row per purge that deleted feed rows. Its id grows
// by one per purge; a feed cursor carries the newest id it was issued under. A cursor at
// position p issued under id k missed a purged event exactly when a purge with id > k deleted
// a row after p: its `through` (the largest position it deleted) is then > p. Purges do not go
// in position order (the history purge deletes old rows below newer tombstone purges), so one
// high-water mark could not tell the two apart.

/** Purges kept one by one; older ones are folded into the oldest kept (see FOLD). */
export const PURGES_KEPT = 720;

// ?1: the largest position the purge deleted. Runs in the purge's own batch, after its delete.
const RECORD = `INSERT INTO change_feed_purges (id, through)
  SELECT (SELECT coalesce(max(id), 0) + 1 FROM change_feed_purges), ?1 WHERE ?1 IS NOT NULL`;

// Past PURGES_KEPT rows, the oldest kept takes the largest `through` of every older one, which
// then go. A cursor issued under a folded id compares with the fold: it may see a 410 it would
// not have had (an older purge deleted after its position), never miss one; a feed read stays
// bounded at PURGES_KEPT rows.
const OLDEST_KEPT = `(SELECT id FROM change_feed_purges ORDER BY id DESC LIMIT 1 OFFSET ${PURGES_KEPT - 1})`;
const FOLD = [
  `UPDATE change_feed_purges SET through = (SELECT max(through) FROM change_feed_purges WHERE id <= ${OLDEST_KEPT}) WHERE id = ${OLDEST_KEPT}`,
  `DELETE FROM change_feed_purges WHERE id < ${OLDEST_KEPT}`,
];

/** The statements that record a purge which deleted rows up to position `through` (none if it deleted nothing). */
export function recordPurgeStatements(db: Database, through: number | null): D1PreparedStatement[] {
  if (through === null) return [];
  return [db.statement(RECORD, through), ...FOLD.map((sql) => db.statement(sql))];
}

/** The newest purge's id: what a cursor issued now carries. */
export const PURGE_MARK_SQL = "coalesce((SELECT max(id) FROM change_feed_purges), 0)";

/** The largest position deleted by a purge newer than the mark `mark` (NULL: none). */
export function purgedSinceSql(mark: string): string {
  return `(SELECT max(through) FROM change_feed_purges WHERE id > ${mark})`;
}
