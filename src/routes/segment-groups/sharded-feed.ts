import type { Context } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { shardDatabase } from "../../db/context";
import { MAX_DATA_PER_PAGE, readChanges, type ChangeRow, type FeedState } from "../../db/segment-groups/changes";
import { PRIMARY_SHARD } from "../../db/shards/bindings";
import type { ShardPart } from "../../db/shards/route";
import { ApiError } from "../../errors";
import { encodeCursor } from "../../pagination";
import { mergePages, withinBudget } from "../../pagination/merge-pages";
import { assertNotPurged, type FeedCursor, type FeedScope } from "./changes-schemas";

/**
 * The change feed over several shards (src/db/shards/). Each shard numbers its own events, so a
 * cursor holds a position per shard (and the purge mark each was read at), plus what its
 * organizations' moves between shards were (src/db/shards/route.ts, movesDigest): a cursor from
 * before one of them moved answers 410 `cursor_expired`, never a skipped or repeated event. A shard the cursor does not name held none of its organizations when it was issued
 * (one placed since, on its first write): all its events are new, read from the start. A page merges the shards' next events oldest first
 * by `changed_at`, never reordering one shard's events, so each organization's events stay in
 * commit order and each is seen once.
 */
export type ShardPositions = Record<string, [position: number, purgedThrough: number]>;
export type ShardedFeedCursor = [positions: ShardPositions, sharded: 0, organizations: string, filtered: 0 | 1, moves: string];

const position = z.int().check(z.minimum(0));
export const shardedFeedCursorSchema = z.tuple([
  z.record(z.string().check(z.regex(/^DB(_[A-Za-z0-9]{1,32})?$/)), z.tuple([position, position])),
  z.literal(0),
  z.string(),
  z.union([z.literal(0), z.literal(1)]),
  z.string(),
]);

/** Whether a feed cursor holds one position per shard (else it was issued with DB alone). */
export function isShardedFeedCursor(cursor: FeedCursor | ShardedFeedCursor): cursor is ShardedFeedCursor {
  return typeof cursor[0] === "object";
}

export function shardedFeedCursor(positions: ShardPositions, scope: FeedScope, moves: string): string {
  return encodeCursor([positions, 0, scope.organizations, scope.filtered, moves] satisfies ShardedFeedCursor);
}

function movedSince(): ApiError {
  return ApiError.of(
    "cursor_expired",
    "An organization of this cursor moved to another database since it was issued. Reload the groups with GET /segment_groups, " +
      "then resume the feed with after = the meta.changes_cursor of the list's first page.",
    "after",
  );
}

/**
 * The positions a cursor gives each shard; 410 when its organizations' moves (`moves`,
 * movesDigest) are not what they were when it was issued. A cursor issued with DB alone names
 * DB's position, where every organization lived then, none moved.
 */
export function positionsOf(cursor: FeedCursor | ShardedFeedCursor, moves: string): ShardPositions {
  if ((isShardedFeedCursor(cursor) ? cursor[4] : "") !== moves) throw movedSince();
  return isShardedFeedCursor(cursor) ? cursor[0] : { [PRIMARY_SHARD]: [cursor[0], cursor[1]] };
}

export interface ShardedEvent {
  row: ChangeRow;
  /** The cursor's positions once this event is read. */
  positions: ShardPositions;
}

/**
 * Up to `limit` events after `after` over the shards of `parts` (one batch per shard, at once),
 * merged, and the positions to resume from; 410 when a purge on one shard passed its position.
 */
export async function readShardedChanges(
  c: Context<AppEnv>,
  parts: readonly ShardPart[],
  after: ShardPositions | undefined,
  limit: number,
): Promise<{ events: ShardedEvent[]; next: ShardPositions; hasMore: boolean }> {
  const pages = await Promise.all(
    parts.map(async (part) => {
      const [from, issuedMark] = after?.[part.shard] ?? [0, null];
      const page = await readChanges(shardDatabase(c, part.shard), { organizationIds: part.organizationIds, after: from, limit, issuedMark });
      assertNotPurged(page.state, from);
      return { shard: part.shard, from, issuedMark: issuedMark ?? 0, ...page };
    }),
  );
  const positions: ShardPositions = Object.fromEntries(
    pages.map((p) => [p.shard, [p.from, Math.max(p.state.purgedThrough, p.issuedMark)] as [number, number]]),
  );
  // The oldest next event first (ties: binding order), within the page's bytes of copies.
  const merged = mergePages(
    pages.map((page) => page.rows),
    (a, b) => a.changed_at < b.changed_at,
    limit,
    withinBudget((row) => row.data?.length ?? 0, MAX_DATA_PER_PAGE),
  );
  const events = merged.rows.map(({ row, page }) => {
    positions[pages[page]!.shard] = [row.position, positions[pages[page]!.shard]![1]];
    return { row, positions: { ...positions } };
  });
  const hasMore = pages.some((page, i) => page.hasMore || merged.taken[i]! < page.rows.length);
  // A shard read to its end in this snapshot resumes from its head.
  for (const [i, page] of pages.entries()) {
    if (!page.hasMore && merged.taken[i] === page.rows.length) {
      positions[page.shard] = [Math.max(positions[page.shard]![0], page.state.head), positions[page.shard]![1]];
    }
  }
  return { events, next: positions, hasMore };
}

/** The feed's positions at a list page's snapshot: each shard's head. */
export function headsOf(states: readonly { shard: string; feed: FeedState }[]): ShardPositions {
  return Object.fromEntries(states.map(({ shard, feed }) => [shard, [feed.head, feed.purgedThrough]]));
}
