import { LeastRecentlyUsedMap } from "../../least-recently-used-map";
import { ApiError } from "../../errors";
import { jsonParam, type Database } from "../database";
import { PRIMARY_SHARD } from "./bindings";

/**
 * Where each organization lives: one row per organization in `organization_shards`, in the
 * `DB` shard only (migrations/0012). docs/storage.md ("Shards") has the rules:
 * - an organization is placed on its first write: on `DB` if it already has rows there (it
 *   wrote before shards were added), else on the shard with the fewest organizations (ties:
 *   binding order); a move (src/db/shards/move.ts) places it anew;
 * - an organization without a row has written nothing: its reads go to `DB`, which holds nothing of it;
 * - `state` 'moving' answers its writes 503 until the move ends.
 */
export interface Placement {
  shard: string;
  state: "active" | "moving";
  /** How many moves it made: a cursor over its rows is bound to it (route.ts, movesDigest). */
  moves: number;
}

/** How long an isolate trusts a placement it read; a move waits this long between its steps. */
export const PLACEMENT_CACHE_MS = 60_000;
export const PLACEMENT_CACHE_ENTRIES = 10_000;

const cache = new LeastRecentlyUsedMap<number, { placement: Placement; until: number }>(PLACEMENT_CACHE_ENTRIES);

const READ = "SELECT shard, state, moves FROM organization_shards WHERE organization_id = ?1";
// ?1 organization, ?2 the shard names (JSON, binding order), ?3 now. Idempotent: a placement
// made meanwhile by another request stands (ON CONFLICT), and the batch reads back the one that did.
const PLACE = `INSERT INTO organization_shards (organization_id, shard, state, placed_at, changed_at)
  SELECT ?1, CASE WHEN EXISTS (SELECT 1 FROM organization_usage WHERE organization_id = ?1) THEN '${PRIMARY_SHARD}' ELSE
      (SELECT s.value FROM json_each(?2) AS s
        LEFT JOIN (SELECT shard, count(*) AS n FROM organization_shards GROUP BY shard) AS d ON d.shard = s.value
        ORDER BY coalesce(d.n, 0), s.key LIMIT 1) END, 'active', ?3, ?3
  WHERE true
  ON CONFLICT (organization_id) DO NOTHING`;

function remembered(organizationId: number, now: number): Placement | undefined {
  const entry = cache.get(organizationId);
  if (entry === undefined) return undefined;
  if (entry.until > now) return entry.placement;
  cache.delete(organizationId);
  return undefined;
}

function remember(organizationId: number, placement: Placement, now: number): Placement {
  // A move in progress is read again on every request: its end must show at once.
  if (placement.state === "active") cache.set(organizationId, { placement, until: now + PLACEMENT_CACHE_MS });
  return placement;
}

/** The organization's placement, or undefined when it has none yet (it has written nothing). */
export async function findPlacement(directory: Database, organizationId: number, now = Date.now()): Promise<Placement | undefined> {
  const known = remembered(organizationId, now);
  if (known) return known;
  const row = await directory.first<Placement>(directory.statement(READ, organizationId));
  return row === undefined ? undefined : remember(organizationId, row, now);
}

/** The organization's placement, placing it first if it has none. One round trip when new. */
export async function placeOrganization(directory: Database, organizationId: number, shards: readonly string[], now = new Date()): Promise<Placement> {
  const known = await findPlacement(directory, organizationId, now.getTime());
  if (known) return known;
  const [, rows] = await directory.batch([
    directory.statement(PLACE, organizationId, jsonParam(shards), now.toISOString()),
    directory.statement(READ, organizationId),
  ]);
  return remember(organizationId, (rows as Placement[])[0]!, now.getTime());
}

/** Forgets every remembered placement (a move's own isolate, and tests). */
export function forgetPlacements(): void {
  cache.clear();
}

/** 503 for a write to an organization being moved: the move ends within minutes. */
export function organizationMoving(): ApiError {
  return new ApiError(
    { code: "database_unavailable", message: "This organization's data is being moved to another database; writes resume shortly. Retry after the delay Retry-After gives." },
    { "Retry-After": "5" },
  );
}

const READ_MANY = "SELECT organization_id, shard, state, moves FROM organization_shards WHERE organization_id IN (SELECT value FROM json_each(?1))";

/** The placements of `organizationIds` that have one: ONE query for those not remembered, none when all are. */
export async function findPlacements(directory: Database, organizationIds: readonly number[], now = Date.now()): Promise<Map<number, Placement>> {
  const found = new Map<number, Placement>();
  const unknown: number[] = [];
  for (const id of organizationIds) {
    const known = remembered(id, now);
    if (known) found.set(id, known);
    else unknown.push(id);
  }
  if (unknown.length === 0) return found;
  const rows = await directory.all<Placement & { organization_id: number }>(directory.statement(READ_MANY, jsonParam(unknown)));
  for (const { organization_id, shard, state, moves } of rows) found.set(organization_id, remember(organization_id, { shard, state, moves }, now));
  return found;
}
