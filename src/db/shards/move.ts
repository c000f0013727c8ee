import type { Database } from "../database";
import { mergeBacklog } from "../segment-groups/member-index";
import { PLACEMENT_CACHE_MS } from "./directory";

/**
 * Moving one organization to another shard (docs/storage.md, "Moving an organization"), one
 * step per call, each safe to repeat (`npm run shards:move` calls it until it is done):
 *
 * 1. drain: the directory marks it 'moving'; its writes answer 503 from then on, in every isolate
 *    once its cached placement has expired (PLACEMENT_CACHE_MS: an isolate never caches 'moving').
 * 2. copy, once the drain has waited that long: its rows are copied to the new shard (after
 *    clearing any left by an interrupted copy) and counted there; then the directory names the
 *    new shard. Its reads went to the old shard until then (frozen), to the new one after.
 * 3. clean, once requests that began before the switch have ended: its rows leave the old shard.
 *
 * The new shard numbers its events anew, so feed cursors from before the move answer 410
 * (they are bound to where the organizations live: src/routes/segment-groups/sharded-feed.ts).
 */
export type MoveStep =
  | { phase: "draining"; retryAfterSeconds: number }
  /** `copied`: the rows the copy step moved, by table. */
  | { phase: "cleaning"; retryAfterSeconds: number; copied?: Record<string, number> }
  | { phase: "done"; shard: string }
  | { phase: "refused"; message: string };

interface DirectoryRow {
  shard: string;
  state: "active" | "moving";
  moving_to: string | null;
  previous_shard: string | null;
  changed_at: string;
}

export interface MoveShards {
  directory: Database;
  shard(name: string): Database;
  names: readonly string[];
}

const READ = "SELECT shard, state, moving_to, previous_shard, changed_at FROM organization_shards WHERE organization_id = ?1";

export async function advanceMove(shards: MoveShards, organizationId: number, to: string, now = new Date(), waitMs = PLACEMENT_CACHE_MS): Promise<MoveStep> {
  if (!shards.names.includes(to)) return { phase: "refused", message: `${to} is not a shard of this deployment (${shards.names.join(", ")})` };
  const { directory } = shards;
  const at = now.toISOString();
  const row = await directory.first<DirectoryRow>(directory.statement(READ, organizationId));
  const waited = (since: string) => now.getTime() - Date.parse(since);
  const remaining = (since: string) => Math.max(1, Math.ceil((waitMs - waited(since)) / 1000));

  if (row === undefined) {
    // It has written nothing: placing it is the whole move.
    await directory.batch([
      directory.statement(
        "INSERT INTO organization_shards (organization_id, shard, state, placed_at, changed_at) VALUES (?1, ?2, 'active', ?3, ?3) ON CONFLICT DO NOTHING",
        organizationId,
        to,
        at,
      ),
    ]);
    return advanceMove(shards, organizationId, to, now, waitMs).then((step) => (step.phase === "draining" ? step : { phase: "done", shard: to }));
  }
  if (row.state === "moving" && row.moving_to !== to) return { phase: "refused", message: `it is already moving to ${row.moving_to}; finish that move first` };
  if (row.state === "active" && row.previous_shard !== null) {
    if (row.shard !== to) return { phase: "refused", message: `its move to ${row.shard} is still cleaning ${row.previous_shard}; finish that move first` };
    if (waited(row.changed_at) < waitMs) return { phase: "cleaning", retryAfterSeconds: remaining(row.changed_at) };
    await deleteOrganizationRows(shards.shard(row.previous_shard), organizationId);
    await directory.batch([directory.statement("UPDATE organization_shards SET previous_shard = NULL, changed_at = ?2 WHERE organization_id = ?1", organizationId, at)]);
    return { phase: "done", shard: to };
  }
  if (row.state === "active") {
    if (row.shard === to) return { phase: "done", shard: to };
    await directory.batch([
      directory.statement("UPDATE organization_shards SET state = 'moving', moving_to = ?2, changed_at = ?3 WHERE organization_id = ?1 AND state = 'active'", organizationId, to, at),
    ]);
    return { phase: "draining", retryAfterSeconds: Math.ceil(waitMs / 1000) };
  }
  if (waited(row.changed_at) < waitMs) return { phase: "draining", retryAfterSeconds: remaining(row.changed_at) };
  const target = shards.shard(to);
  await deleteOrganizationRows(target, organizationId);
  const copied = await copyOrganizationRows(shards.shard(row.shard), target, organizationId);
  await directory.batch([
    directory.statement(
      "UPDATE organization_shards SET shard = ?2, state = 'active', moving_to = NULL, previous_shard = ?3, changed_at = ?4, moves = moves + 1 WHERE organization_id = ?1 AND state = 'moving'",
      organizationId,
      to,
      row.shard,
      at,
    ),
  ]);
  return { phase: "cleaning", retryAfterSeconds: Math.ceil(waitMs / 1000), copied };
}

/** What belongs to one organization, table by table, in the order a copy inserts them (segments before the groups that use them). */
const OWN_ROWS = [
  { table: "segments", where: "organization_id = ?1", order: "segment_type, segment_id", skip: ["owner_scope"] },
  { table: "segment_sketches", where: "owner_scope = ?1", order: "segment_type, segment_id", skip: [], blob: "sketch" },
  // index_key left out: the new shard's trigger gives each group its next key and queues it for the index.
  { table: "segment_groups", where: "organization_id = ?1", order: "index_key", skip: ["index_key"] },
  { table: "group_reach_cache", where: "group_id IN (SELECT id FROM segment_groups WHERE organization_id = ?1)", order: "group_id", skip: [] },
  // position left out: the new shard numbers the events anew, in the same order.
  { table: "segment_group_changes", where: "organization_id = ?1", order: "position", skip: ["position"] },
  {
    table: "idempotency_keys",
    where: `(route = 'POST /segment_groups' AND snapshot ->> '$.organization_id' = ?1)
      OR (route = 'POST /segments/bulk' AND EXISTS (SELECT 1 FROM json_each(snapshot) AS s WHERE s.value ->> '$.organization_id' = ?1))`,
    order: "subject, route, key",
    skip: [],
  },
] as const;

// Rows per read, and JSON bytes per insert (D1 caps a statement's values near 2 MB).
const ROWS_PER_READ = 50;
const BYTES_PER_INSERT = 1_000_000;

async function copyOrganizationRows(from: Database, to: Database, organizationId: number): Promise<Record<string, number>> {
  const copied: Record<string, number> = {};
  for (const spec of OWN_ROWS) {
    const blob = "blob" in spec ? spec.blob : undefined;
    const columns = blob ? `*, hex(${blob}) AS ${blob}_hex` : "*";
    copied[spec.table] = 0;
    for (let offset = 0; ; offset += ROWS_PER_READ) {
      const rows = await from.all<Record<string, unknown>>(
        from.statement(`SELECT ${columns} FROM ${spec.table} WHERE ${spec.where} ORDER BY ${spec.order} LIMIT ${ROWS_PER_READ} OFFSET ${offset}`, organizationId),
      );
      if (rows.length === 0) break;
      const names = Object.keys(rows[0]!).filter((name) => !(spec.skip as readonly string[]).includes(name) && name !== blob && name !== `${blob}_hex`);
      const values = names.map((name) => `value ->> '$.${name}'`);
      if (blob) {
        names.push(blob);
        values.push(`unhex(value ->> '$.${blob}_hex')`);
      }
      const insert = `INSERT INTO ${spec.table} (${names.join(", ")}) SELECT ${values.join(", ")} FROM json_each(?1)`;
      for (const chunk of chunksOf(rows.map((row) => JSON.stringify(row)))) await to.batch([to.statement(insert, `[${chunk.join(",")}]`)]);
      copied[spec.table] = (copied[spec.table] ?? 0) + rows.length;
      if (rows.length < ROWS_PER_READ) break;
    }
  }
  // The copied sketches keep their versions: the new shard's counter must stay above them.
  await to.batch([to.statement("UPDATE sketch_counter SET last_version = max(last_version, coalesce((SELECT max(version) FROM segment_sketches), 0))")]);
  for (const spec of OWN_ROWS) {
    const there = await to.first<{ n: number }>(to.statement(`SELECT count(*) AS n FROM ${spec.table} WHERE ${spec.where}`, organizationId));
    if (there?.n !== copied[spec.table]) throw new Error(`move: ${spec.table} has ${there?.n} rows of organization ${organizationId} on the new shard, ${copied[spec.table]} were copied`);
  }
  await mergeBacklog(to);
  return copied;
}

function* chunksOf(rows: string[]): Generator<string[]> {
  let chunk: string[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (chunk.length > 0 && bytes + row.length > BYTES_PER_INSERT) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(row);
    bytes += row.length;
  }
  if (chunk.length > 0) yield chunk;
}

/** Deletes every row of the organization from one shard: groups first (their segments are then unused), then the rest. */
async function deleteOrganizationRows(db: Database, organizationId: number): Promise<void> {
  const specs = [...OWN_ROWS].reverse().filter((spec) => spec.table !== "group_reach_cache" && spec.table !== "segment_sketches");
  for (const spec of specs) {
    await db.batch([db.statement(`DELETE FROM ${spec.table} WHERE ${spec.where}`, organizationId)]);
    // The groups' index rows go with the backlog's merge (the delete queued them).
    if (spec.table === "segment_groups") await mergeBacklog(db);
  }
  await db.batch([db.statement("DELETE FROM organization_usage WHERE organization_id = ?1", organizationId)]);
}
