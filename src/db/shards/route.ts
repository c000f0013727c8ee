import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { directoryDatabase as directory, shardDatabase } from "../context";
import type { Database } from "../database";
import { issuedForDigest } from "../../pagination";
import type { ReadAtLeast } from "../session";
import { isSharded, PRIMARY_SHARD, shardNames } from "./bindings";
import { findPlacements, organizationMoving, placeOrganization, type Placement } from "./directory";

// How a route reaches the shard(s) its organizations live on. With `DB` alone each function
// answers `DB` without reading the directory, so the API does exactly what it did before shards.

/**
 * The database of the shard `organizationId` lives on, to write: it is placed on its first
 * write; 503 while it is being moved.
 */
export async function organizationDatabaseToWrite(c: Context<AppEnv>, organizationId: number): Promise<Database> {
  if (!isSharded(c.env)) return shardDatabase(c, PRIMARY_SHARD);
  const placement = await placeOrganization(directory(c), organizationId, shardNames(c.env));
  if (placement.state === "moving") throw organizationMoving();
  return shardDatabase(c, placement.shard);
}

/** The database of the shard `organizationId` lives on, to read (DB for one that has written nothing). */
export async function organizationDatabaseToRead(c: Context<AppEnv>, organizationId: number, readAtLeast?: ReadAtLeast): Promise<Database> {
  const [part] = await shardsOf(c, [organizationId]);
  return shardDatabase(c, part!.shard, readAtLeast);
}

export interface ShardPart {
  shard: string;
  /** The organizations of the request that live on this shard. */
  organizationIds: number[];
  /** Those among them being moved: their writes answer 503. */
  moving: number[];
  /** Those among them that moved here from another shard, with how many moves each made. */
  moved: [organizationId: number, moves: number][];
}

/**
 * The shards `organizationIds` live on, each with its organizations, in binding order: one
 * directory query for those this isolate has not placed in the last minute.
 */
export async function shardsOf(c: Context<AppEnv>, organizationIds: Iterable<number>): Promise<ShardPart[]> {
  const ids = [...organizationIds];
  const shards = shardNames(c.env);
  if (shards.length === 1) return [{ shard: PRIMARY_SHARD, organizationIds: ids, moving: [], moved: [] }];
  const placements = await findPlacements(directory(c), ids);
  const parts = new Map<string, ShardPart>();
  for (const id of ids) {
    const placement: Placement = placements.get(id) ?? { shard: PRIMARY_SHARD, state: "active", moves: 0 };
    let part = parts.get(placement.shard);
    if (!part) parts.set(placement.shard, (part = { shard: placement.shard, organizationIds: [], moving: [], moved: [] }));
    part.organizationIds.push(id);
    if (placement.state === "moving") part.moving.push(id);
    if (placement.moves > 0) part.moved.push([id, placement.moves]);
  }
  return shards.filter((s) => parts.has(s)).map((s) => parts.get(s)!);
}

/**
 * Runs `read` on each shard of `organizationIds` (at once), with that shard's organizations, and
 * gives the first answer found in binding order: for a resource addressed by its id, which
 * lives on exactly one shard. A token of one organization reads one shard.
 */
export async function findOnShards<T>(
  c: Context<AppEnv>,
  organizationIds: Iterable<number>,
  read: (db: Database, organizationIds: number[]) => Promise<T | undefined>,
): Promise<T | undefined> {
  return findOnParts(c, await shardsOf(c, organizationIds), read);
}

/** findOnShards over organizations the route has already placed (shardsOf). */
export async function findOnParts<T>(
  c: Context<AppEnv>,
  parts: readonly ShardPart[],
  read: (db: Database, organizationIds: number[]) => Promise<T | undefined>,
): Promise<T | undefined> {
  const answers = await Promise.all(parts.map((part) => read(shardDatabase(c, part.shard), part.organizationIds)));
  return answers.find((answer) => answer !== undefined);
}

/**
 * Runs a write addressed by a resource's id on each shard of `organizationIds` with that shard's
 * organizations not being moved; the first answer `found` accepts wins, else the last one. A
 * resource of a moving organization answers 503 rather than "not found".
 */
export async function writeOnShards<T>(
  c: Context<AppEnv>,
  organizationIds: Iterable<number>,
  write: (db: Database, organizationIds: number[]) => Promise<T>,
  found: (answer: T) => boolean,
): Promise<T> {
  const parts = await shardsOf(c, organizationIds);
  const answers = await Promise.all(
    parts.map((part) => write(shardDatabase(c, part.shard), part.organizationIds.filter((id) => !part.moving.includes(id)))),
  );
  const answer = answers.find(found);
  if (answer !== undefined) return answer;
  if (parts.some((part) => part.moving.length > 0)) throw organizationMoving();
  return answers.at(-1)!;
}

/** Every shard's database, in binding order: the global catalog's writes reach them all. */
export function everyShard(c: Context<AppEnv>): { shard: string; db: Database }[] {
  return shardNames(c.env).map((shard) => ({ shard, db: shardDatabase(c, shard) }));
}

/**
 * A write of the global catalog's copies (a sketch, the universe, global items): on `first`
 * (DB unless given), whose answer is the request's; then, only if `stored` accepts it, the same
 * write on every other shard, one after the other. With DB alone, the one write.
 */
export async function writeFirstThenCopies<Outcome>(
  c: Context<AppEnv>,
  write: (db: Database, copy: boolean) => Promise<Outcome>,
  stored: (outcome: Outcome) => boolean,
  first: Database = shardDatabase(c, PRIMARY_SHARD),
): Promise<Outcome> {
  const outcome = await write(first, false);
  if (stored(outcome)) for (const { db } of everyShard(c)) if (db !== first) await write(db, true);
  return outcome;
}

/**
 * What the organizations' moves are, as a cursor holds it: "" while none has moved (an
 * organization's first placement is no move), else a digest of each moved one's count. A move
 * renumbers an organization's events and index keys on its new shard, so a feed or reverse
 * lookup cursor issued under another value expires. Free: placements are cached.
 */
export async function movesDigest(parts: readonly ShardPart[]): Promise<string> {
  const moved = parts.flatMap((part) => part.moved).sort(([a], [b]) => a - b);
  return moved.length === 0 ? "" : issuedForDigest(moved);
}
