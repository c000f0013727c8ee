import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { shardDatabase } from "../context";
import type { Database } from "../database";
import { findSegment } from "../segments/select";
import type { SegmentKey } from "../segments/row";
import { isSharded, PRIMARY_SHARD } from "./bindings";
import { organizationDatabaseToWrite, shardsOf, writeFirstThenCopies } from "./route";

/**
 * Where the segment a key names for the caller lives, over shards: a global segment has a copy
 * on every shard (the catalog admin's writes reach them all); a private one lives on its owner's
 * shard. `target` narrows the request to that segment, so each shard's own statements (which
 * resolve a key for a caller: src/db/segments/row.ts, keySpacesSql) answer as with DB alone.
 */
export type SegmentPlace =
  | { found: "global"; target: { callerOrganizationIds: number[]; organizationId: null } }
  | { found: "private"; shard: string; target: { callerOrganizationIds: number[]; organizationId: number } }
  | { found: "none" }
  | { found: "ambiguous" };

/**
 * One read per shard of the caller's organizations (at once), or one of the named
 * organization's shard. Only for a sharded deployment: with DB alone the routes ask DB directly.
 */
export async function placeOfSegment(c: Context<AppEnv>, key: SegmentKey, callerOrganizationIds: Iterable<number>, organizationId: number | null): Promise<SegmentPlace> {
  const named = organizationId === null ? [...callerOrganizationIds] : [organizationId];
  const parts = await shardsOf(c, named);
  const answers = await Promise.all(
    parts.map(async (part) => ({ shard: part.shard, answer: await findSegment(shardDatabase(c, part.shard), key, part.organizationIds, organizationId) })),
  );
  if (answers.some(({ answer }) => answer.outcome === "ambiguous")) return { found: "ambiguous" };
  const found = answers.flatMap(({ shard, answer }) => (answer.outcome === "found" ? [{ shard, segment: answer.segment }] : []));
  if (found.length === 0) return { found: "none" };
  const global = found.find(({ segment }) => segment.organization_id === null);
  if (global) return { found: "global", target: { callerOrganizationIds: [], organizationId: null } };
  if (found.length > 1) return { found: "ambiguous" };
  const owner = found[0]!.segment.organization_id!;
  return { found: "private", shard: found[0]!.shard, target: { callerOrganizationIds: [owner], organizationId: owner } };
}

/**
 * Runs a write of a segment-keyed resource (a sketch) where the segment lives: a private
 * segment's shard; for a global one, DB first, then, if DB stored it, every other shard (the
 * copies). `stored` tells a write that happened from a refusal, which DB's answer reports alone.
 */
export async function writeWhereSegmentLives<Outcome extends { outcome: string }>(
  c: Context<AppEnv>,
  key: SegmentKey,
  request: { callerOrganizationIds: Iterable<number>; organizationId: number | null },
  write: (db: Database, target: { callerOrganizationIds: Iterable<number>; organizationId: number | null }) => Promise<Outcome>,
  refusal: (found: "none" | "ambiguous") => Outcome,
  stored: (outcome: Outcome) => boolean,
): Promise<Outcome> {
  if (!isSharded(c.env)) return write(shardDatabase(c, PRIMARY_SHARD), request);
  const place = await placeOfSegment(c, key, request.callerOrganizationIds, request.organizationId);
  if (place.found === "none" || place.found === "ambiguous") return refusal(place.found);
  if (place.found === "private") return write(await organizationDatabaseToWrite(c, place.target.organizationId), place.target);
  return writeFirstThenCopies(c, (db) => write(db, place.target), stored);
}

/** Reads a segment-keyed resource where the segment lives (a global one: DB's copy). */
export async function readWhereSegmentLives<Outcome>(
  c: Context<AppEnv>,
  key: SegmentKey,
  request: { callerOrganizationIds: Iterable<number>; organizationId: number | null },
  read: (db: Database, target: { callerOrganizationIds: Iterable<number>; organizationId: number | null }) => Promise<Outcome>,
  refusal: (found: "none" | "ambiguous") => Outcome,
): Promise<Outcome> {
  if (!isSharded(c.env)) return read(shardDatabase(c, PRIMARY_SHARD), request);
  const place = await placeOfSegment(c, key, request.callerOrganizationIds, request.organizationId);
  if (place.found === "none" || place.found === "ambiguous") return refusal(place.found);
  return place.found === "private" ? read(shardDatabase(c, place.shard), place.target) : read(shardDatabase(c, PRIMARY_SHARD), place.target);
}
