import { allRows, shardOf } from "./shards";

/**
 * Adds `count` copies of a group's first event to the feed, as `organization`'s, in one
 * statement: a long feed (or history) of events as large as that group's copy, without a write
 * per event. The copies are `updated` events of the same group.
 */
export async function copyEvents(groupId: string, count: number, organization: number): Promise<void> {
  // The group's events are on its organization's shard (all of them under npm run test:shards).
  const [template] = await allRows<Record<string, string>>(
    "SELECT group_id, version, changed_at, changed_by, data FROM segment_group_changes WHERE position = (SELECT min(position) FROM segment_group_changes WHERE group_id = ?1)",
    groupId,
  );
  if (!template) throw new Error(`no event of group ${groupId}`);
  await (await shardOf(organization)).prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
     INSERT INTO segment_group_changes (organization_id, group_id, change, version, changed_at, changed_by, data)
     SELECT ?2, ?3, 'updated', ?4, ?5, ?6, ?7 FROM n`,
  )
    .bind(count, organization, template.group_id, template.version, template.changed_at, template.changed_by, template.data)
    .run();
}

/** The statement of a counted request (test/helpers/counting-d1.ts) whose SQL contains `marker`: what D1 sent back for it. */
export function statementResult(calls: { sql: string[]; results?: { rows: number; rowsRead: number; bytes: number }[] }[], marker: string) {
  for (const call of calls) {
    const index = call.sql.findIndex((sql) => sql.includes(marker));
    if (index >= 0 && call.results) return call.results[index]!;
  }
  throw new Error(`no answered statement containing ${marker}`);
}
