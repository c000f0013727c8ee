import type { Context } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { responseBookmarks, shardDatabase } from "../../db/context";
import { listSegmentGroups, MAX_MEMBERS_PER_PAGE, type ListView, type SegmentGroupFilters, type SegmentGroupKey, type SummaryRow } from "../../db/segment-groups/list";
import { listSegmentGroupsUsingSegment, type SegmentReference } from "../../db/segment-groups/list-by-segment";
import type { SegmentGroupRow } from "../../db/segment-groups/row";
import type { ReadAtLeast } from "../../db/session";
import type { ShardPart } from "../../db/shards/route";
import { CURSOR_BOOKMARK } from "../../db/session";
import { ApiError } from "../../errors";
import { assertIssuedFor, encodeCursor } from "../../pagination";
import { mergePages, withinBudget } from "../../pagination/merge-pages";
import { headsOf, type ShardPositions } from "./sharded-feed";

/**
 * GET /segment_groups over several shards (src/db/shards/): each shard of the organizations
 * reads its page at once, and the pages merge. The listing's sort key (`created_at`, `id`) is
 * the same everywhere, so one key resumes every shard; the reverse lookup pages each shard in
 * its own index order, so its cursor holds where each shard resumes (null: that shard is done).
 * The cursor also holds each shard's feed head and the request's bookmarks, as with DB alone.
 */
export type ShardedListCursor = [
  sharded: "shards",
  place: SegmentGroupKey | Record<string, number | null>,
  issuedFor: string,
  positions: ShardPositions,
  bookmark: string,
  moves: string,
];

const position = z.int().check(z.minimum(0));
export const shardedListCursorSchema = z.tuple([
  z.literal("shards"),
  z.union([z.tuple([z.string(), z.string()]), z.record(z.string(), z.nullable(z.int()))]),
  z.string(),
  z.record(z.string(), z.tuple([position, position])),
  z.string().check(z.regex(CURSOR_BOOKMARK)),
  z.string(),
]);

export function isShardedListCursor(cursor: unknown): cursor is ShardedListCursor {
  return Array.isArray(cursor) && cursor[0] === "shards";
}

type Row = SegmentGroupRow | SummaryRow;

/** Checks a sharded cursor against the request and gives the bookmarks its page read at. */
export function shardedReadAtLeast(cursor: ShardedListCursor | undefined, issuedFor: string): ReadAtLeast | undefined {
  if (cursor === undefined) return undefined;
  assertIssuedFor(cursor[2], issuedFor, "cursor");
  return cursor[4] === "" ? undefined : { bookmark: cursor[4], field: "cursor" };
}

export async function readShardedPage(
  c: Context<AppEnv>,
  parts: readonly ShardPart[],
  filters: SegmentGroupFilters,
  page: { limit: number; view: ListView; segment?: SegmentReference; cursor?: ShardedListCursor; issuedFor: string; moves: string },
): Promise<{ rows: Row[]; nextCursor: string | null; heads: ShardPositions }> {
  const readAtLeast = shardedReadAtLeast(page.cursor, page.issuedFor);
  const budget = withinBudget((row: Row) => (page.view === "full" ? row.member_count : 0), MAX_MEMBERS_PER_PAGE);
  const place = page.cursor?.[1];
  if (page.segment === undefined) {
    if (place !== undefined && !Array.isArray(place)) throw ApiError.of("invalid_value", "is not a cursor from this listing; start again without it", "cursor");
    const pages = await Promise.all(
      parts.map(async (part) => ({
        shard: part.shard,
        ...(await listSegmentGroups(shardDatabase(c, part.shard, readAtLeast), { ...filters, organizationIds: part.organizationIds }, { limit: page.limit, after: place, view: page.view })),
      })),
    );
    const heads = checkedHeads(pages, page.cursor);
    // Newest first (ties by id), as each shard's page is.
    const newer = (a: Row, b: Row) => a.created_at > b.created_at || (a.created_at === b.created_at && a.id > b.id);
    const merged = mergePages(pages.map((p) => p.rows), newer, page.limit, budget);
    const rows = merged.rows.map((r) => r.row);
    const more = pages.some((p, i) => p.hasMore || merged.taken[i]! < p.rows.length);
    const last = rows.at(-1);
    const next = more && last ? encodeCursor(["shards", [last.created_at, last.id], page.issuedFor, heads, responseBookmarks(c), page.moves] satisfies ShardedListCursor) : null;
    return { rows, nextCursor: next, heads };
  }
  if (place !== undefined && Array.isArray(place)) throw ApiError.of("invalid_value", "is not a cursor from this listing; start again without it", "cursor");
  const segment = page.segment;
  const pages = await Promise.all(
    parts.map(async (part) => {
      const before = place === undefined ? undefined : place[part.shard];
      const db = shardDatabase(c, part.shard, readAtLeast);
      // A shard already read to its end reads nothing but its feed's head.
      const answer = await listSegmentGroupsUsingSegment(db, { ...filters, organizationIds: before === null ? [] : part.organizationIds }, segment, {
        limit: page.limit,
        before: before ?? undefined,
        view: page.view,
      });
      return { shard: part.shard, before, ...answer };
    }),
  );
  const heads = checkedHeads(pages, page.cursor);
  // Newest first across shards, each shard's own (index key) order kept.
  const { taken, rows: merged } = mergePages(pages.map((p) => p.rows), (a, b) => a.created_at > b.created_at, page.limit, budget);
  const rows = merged.map((r) => r.row);
  const resume: Record<string, number | null> = {};
  for (const [i, p] of pages.entries()) {
    if (taken[i] === p.rows.length) resume[p.shard] = p.before === null ? null : p.nextBefore;
    else resume[p.shard] = taken[i] === 0 ? (p.before ?? Number.MAX_SAFE_INTEGER) : p.keys[taken[i]! - 1]!;
  }
  const more = Object.values(resume).some((before) => before !== null);
  const next = more ? encodeCursor(["shards", resume, page.issuedFor, heads, responseBookmarks(c), page.moves] satisfies ShardedListCursor) : null;
  return { rows, nextCursor: next, heads };
}

// Each shard's feed head at its page's snapshot; 503 when a replica is behind the previous page's.
function checkedHeads(pages: { shard: string; feed: { head: number; purgedThrough: number; purgedSince: number | null } }[], cursor: ShardedListCursor | undefined): ShardPositions {
  const heads = headsOf(pages);
  for (const [shard, [head]] of Object.entries(heads)) {
    if (cursor !== undefined && head < (cursor[3][shard]?.[0] ?? 0)) {
      throw new ApiError(
        { code: "database_unavailable", message: "The database replica that answered is behind the listing's previous page. Retry shortly." },
        { "Retry-After": "1" },
      );
    }
  }
  return heads;
}
