import type { Database } from "../database";

/**
 * The reverse index (segment_group_members, rows naming groups by `index_key` under their
 * organization) and its backlog (segment_group_index_backlog, migrations/0006 and 0008). A
 * write queues its group in the backlog (one row, by trigger) instead of writing one index row
 * per member into a different leaf page each; the index catches up in merges, which insert
 * every queued group's members at once, sorted, so a page is written once per merge rather
 * than once per member. Readers never see the lag: for a queued group they read its document,
 * for any other group the index.
 *
 * docs/storage.md ("The reverse index, off the write path") has the measurements behind these numbers.
 */
export const BACKLOG_LIMITS = {
  /** A write that leaves this many groups queued merges them, in its own batch. */
  groups: 64,
  /** ... or this many members (what a reader may have to look through in documents). */
  members: 50_000,
  /**
   * The most groups and members one merge takes (always at least one group), so a merge stays
   * a bounded statement even if the backlog ever grew past its limits; the cron's merge
   * repeats until the backlog is empty.
   */
  groupsPerMerge: 256,
  membersPerMerge: 60_000,
} as const;

const BACKLOG = "segment_group_index_backlog";

// The queue's oldest row, and the running total of members before it.
const OLDEST_SEQ = `(SELECT min(seq) FROM ${BACKLOG})`;
const MEMBERS_BEFORE_OLDEST = `(SELECT members_through - members FROM ${BACKLOG} ORDER BY seq LIMIT 1)`;

// The running total of members through the newest queued row (NULL when the queue is empty).
const MEMBERS_THROUGH_NEWEST = "(SELECT `members_through` FROM `segment_group_index_backlog` ORDER BY `seq` DESC LIMIT 1)";

/**
 * `members_through` of a row queued now with `members` members (SQL): the running total the
 * backlog's size is read from. The backlog triggers (backlog-triggers.ts) write it.
 */
export function membersThroughSql(members: string): string {
  return `${members} + coalesce(${MEMBERS_THROUGH_NEWEST}, 0)`;
}

// The backlog's size from its two ends (seq is the rowid; members_through a running total),
// so deciding reads two or three rows however long the queue is.
const FULL = `(SELECT max(seq) FROM ${BACKLOG}) - ${OLDEST_SEQ} + 1 >= ${BACKLOG_LIMITS.groups}
  OR ${MEMBERS_THROUGH_NEWEST} - ${MEMBERS_BEFORE_OLDEST} >= ${BACKLOG_LIMITS.members}`;

// 1. A merge holds the rows it takes (`merging` = 1): the oldest ones, within the per-merge
// limits, and only when `due` (SQL) holds. `due` is a one-row table joined first, so when it
// does not hold no queue row is read; the other statements then find no held row through the
// partial index on `merging` and read nothing either.
const HOLD = (due: string) => `WITH due AS (SELECT 1 WHERE ${due})
  UPDATE ${BACKLOG} SET merging = 1 WHERE seq IN (
    SELECT b.seq FROM due CROSS JOIN ${BACKLOG} AS b
    WHERE b.seq < ${OLDEST_SEQ} + ${BACKLOG_LIMITS.groupsPerMerge}
      AND (b.members_through <= ${MEMBERS_BEFORE_OLDEST} + ${BACKLOG_LIMITS.membersPerMerge} OR b.seq = ${OLDEST_SEQ}))`;

const MERGING = `WITH merging AS (SELECT seq, group_key, indexed_subgroups, indexed_organization_id FROM ${BACKLOG} WHERE merging = 1)`;

// (segment_type, segment_id) of every member of the documents in `subgroups` (an SQL column).
const membersOf = (subgroups: string) =>
  `json_each(${subgroups}) AS s, json_each(s.value, '$.segment_members') AS m`;
const MEMBER_KEY = "m.value ->> '$.segment_type', m.value ->> '$.segment_id'";
// A queued group (backlog row `b`) that still exists, as `g`. CROSS JOIN keeps SQLite from
// scanning every group to find the few queued ones.
const QUEUED_GROUP = "segment_groups AS g ON g.index_key = b.group_key";

/**
 * The `index_key` a new group gets: past every key in use, including those of deleted groups
 * whose index rows a merge has yet to remove. Both maxima are read from unique indexes. The
 * API's INSERT gives it; the backlog's insert trigger gives it to a raw writer's row.
 */
export const NEXT_INDEX_KEY_SQL = `max(
  coalesce((SELECT max(\`index_key\`) FROM \`segment_groups\`), 0),
  coalesce((SELECT max(\`group_key\`) FROM \`segment_group_index_backlog\`), 0)) + 1`;
export const NEXT_INDEX_KEY = `(${NEXT_INDEX_KEY_SQL})`;

// 2. Index rows the held groups' documents no longer hold under their organization (a deleted
// group holds none; a moved one none under its old organization). The difference is a named
// table so that SQLite looks each of its rows up by primary key.
const REMOVE_STALE = `${MERGING}, stale (segment_type, segment_id, organization_id, group_key) AS (
    SELECT ${MEMBER_KEY}, b.indexed_organization_id, b.group_key FROM merging AS b, ${membersOf("b.indexed_subgroups")}
    EXCEPT
    SELECT ${MEMBER_KEY}, g.organization_id, b.group_key FROM merging AS b CROSS JOIN ${QUEUED_GROUP}, ${membersOf("g.subgroups")}
    WHERE b.indexed_subgroups IS NOT NULL)
  DELETE FROM segment_group_members WHERE (segment_type, segment_id, organization_id, group_key) IN (SELECT * FROM stale)`;

// 3. Every member of the held groups that still exist, in key order (each leaf page once);
// the ones already indexed are skipped.
const ADD_CURRENT = `${MERGING}
  INSERT OR IGNORE INTO segment_group_members (segment_type, segment_id, organization_id, group_key)
  SELECT ${MEMBER_KEY}, g.organization_id, b.group_key FROM merging AS b CROSS JOIN ${QUEUED_GROUP}, ${membersOf("g.subgroups")}
  ORDER BY 1, 2, 3, 4`;

// 4. The merged groups leave the backlog.
const DEQUEUE = `DELETE FROM ${BACKLOG} WHERE merging = 1`;

const mergeSql = (due: string) => [HOLD(due), REMOVE_STALE, ADD_CURRENT, DEQUEUE] as const;

/**
 * The four statements a write adds to its own batch, after its write: they merge the backlog
 * when the write happened (`happened`, SQL over the write's parameters `params`) and left the
 * backlog full (BACKLOG_LIMITS). Otherwise they read a few rows and write nothing, so a
 * refused write still writes nothing. The batch is one transaction: a merge is whole or absent.
 */
export function mergeWhenFullStatements(db: Database, happened: string, ...params: unknown[]): D1PreparedStatement[] {
  const [hold, ...rest] = mergeSql(`(${happened}) AND (${FULL})`);
  return [db.statement(hold, ...params), ...rest.map((sql) => db.statement(sql))];
}

/**
 * Merges the whole backlog, one bounded merge per batch (the Cron Trigger's job, so a quiet
 * database does not keep a backlog). Returns how many queued groups it merged.
 */
export async function mergeBacklog(db: Database): Promise<number> {
  const queued = () => db.statement(`SELECT count(*) AS queued FROM ${BACKLOG}`);
  let merged = 0;
  for (;;) {
    const results = await db.batch([queued(), ...mergeSql("1").map((sql) => db.statement(sql)), queued()]);
    const [before, after] = [results[0]!, results.at(-1)!].map((rows) => (rows[0] as { queued: number }).queued);
    merged += before! - after!;
    if (after === 0 || after === before) return merged;
  }
}

// NOT EXISTS rather than NOT IN: D1 counts a probe that finds nothing as no row read, and
// most keys are not queued.
const NOT_QUEUED = (groupKey: string) => `NOT EXISTS (SELECT 1 FROM ${BACKLOG} AS q WHERE q.group_key = ${groupKey})`;

/**
 * The `index_key`s of the groups whose document holds segment (`type`, `id`), of every
 * organization or only of `organization` (all SQL expressions; an `organization` that is NULL
 * at run time also means every organization: a global segment, which any organization's groups
 * may use): from the index for every group not queued, from the documents of the queued ones.
 * A member is the exact text `{"segment_id":N,"segment_type":"T"}` in a document
 * (src/db/segment-groups/document.ts writes it so, and migrations/0011's triggers refuse any
 * other form from every writer), so `instr` finds it without parsing JSON (json_each would count every member as a row read).
 * src/db/segments/integrity.ts builds the catalog's in-use trigger from this same function.
 */
export function groupKeysUsingSegmentSql(type: string, id: string, organization?: string): string {
  const of = (column: string) => (organization === undefined ? "" : ` AND (${organization} IS NULL OR ${column} = ${organization})`);
  return `SELECT x.group_key FROM segment_group_members AS x WHERE x.segment_type = ${type} AND x.segment_id = ${id}${of("x.organization_id")}
      AND ${NOT_QUEUED("x.group_key")}
    UNION ALL
    SELECT b.group_key FROM ${BACKLOG} AS b CROSS JOIN ${QUEUED_GROUP}
      WHERE instr(g.subgroups, ${memberTextSql(type, id)}) > 0${of("b.organization_id")}`;
}

/**
 * The candidate users of segment (`type`, `id`) below index key `before` (SQL placeholders) in
 * the organizations `inOrganizations` accepts (a condition on the column it is given), for a
 * reverse lookup page: their index rows in that range (`queued` 0) and their queued groups
 * (`queued` 1). For one organization each stream is read in `index_key` order, newest first, so
 * compounded with other organizations' and cut with ORDER BY group_key DESC LIMIT n, SQLite
 * merges the streams and stops after n rows: a page reads n candidates whatever the segment's
 * popularity. A candidate is not yet an answer: `liveCandidateSql` tells which are.
 * Columns: group_key, queued, organization_id.
 */
export function candidateUsersSql(type: string, id: string, inOrganizations: (column: string) => string, before: string): string {
  return `SELECT group_key, 0 AS queued, organization_id FROM segment_group_members
      WHERE segment_type = ${type} AND segment_id = ${id} AND ${inOrganizations("organization_id")} AND group_key < ${before}
    UNION ALL
    SELECT group_key, 1 AS queued, organization_id FROM ${BACKLOG} WHERE ${inOrganizations("organization_id")} AND group_key < ${before}`;
}

/**
 * For candidate `c` (a row of `candidateUsersSql`) and the group `g` it names: the key to join
 * the group on (NULL for an index row of a queued group, whose document decides instead, so
 * that group is not even read), and whether `g` then uses segment (`type`, `id`): an index row
 * of a group not queued always does; a queued group's document must hold it.
 */
export function liveCandidateSql(c: string, g: string, type: string, id: string): { joinKey: string; uses: string } {
  return {
    joinKey: `CASE WHEN ${c}.queued = 1 OR ${NOT_QUEUED(`${c}.group_key`)} THEN ${c}.group_key END`,
    uses: `(${c}.queued = 0 OR instr(${g}.subgroups, ${memberTextSql(type, id)}) > 0)`,
  };
}

/** The exact text of member (`type`, `id`) inside a stored document. */
function memberTextSql(type: string, id: string): string {
  return `'{"segment_id":' || CAST(${id} AS INTEGER) || ',"segment_type":"' || ${type} || '"}'`;
}
