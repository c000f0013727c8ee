import type { Context } from "hono";
// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { responseBookmarks } from "../../db/context";
import type { SegmentGroupFilters } from "../../db/segment-groups/list";
import { CURSOR_BOOKMARK, type ReadAtLeast } from "../../db/session";
import { ApiError } from "../../errors";
import { assertIssuedFor, cursorParam, issuedForDigest } from "../../pagination";
import { shardedListCursorSchema, type ShardedListCursor } from "./sharded-list";

/**
 * A place in GET /segment_groups: the last group's key (`created_at`, `id`; with `segment`, the
 * index key the reverse lookup's next page starts below: src/db/segment-groups/list-by-segment.ts),
 * a digest of the filters and organizations it was issued under, and the snapshot its page
 * read: the change feed's position and D1's bookmark. The next page reads at least that
 * snapshot (a session started at the bookmark), so a listing's pages and the first page's
 * `changes_cursor` describe one state: a replica that lags cannot show a later page older
 * groups than the feed will replay from there.
 */
export type ListingCursor = [createdAt: string, id: string, issuedFor: string, position: number, bookmark: string];
export type SegmentCursor = [before: number, issuedFor: string, position: number, bookmark: string];
export type ListCursor = ListingCursor | SegmentCursor;

const position = z.int().check(z.minimum(0));
const bookmark = z.string().check(z.regex(CURSOR_BOOKMARK));
export const listCursorParam = cursorParam(
  z.union([z.tuple([z.string(), z.string(), z.string(), position, bookmark]), z.tuple([z.int(), z.string(), position, bookmark]), shardedListCursorSchema]),
);

/** The reverse lookup's cursor, as a deployment of DB alone issues it (the place is one index key). */
export function isOneDatabaseSegmentCursor(cursor: ListCursor): cursor is SegmentCursor {
  return typeof cursor[0] === "number";
}

/** True for the reverse lookup's kind of cursor (it pages in its own order). */
export function isSegmentCursor(cursor: ListCursor | ShardedListCursor): boolean {
  return cursor[0] === "shards" ? !Array.isArray(cursor[1]) : typeof cursor[0] === "number";
}

// What any cursor says of the snapshot its page read.
function snapshotOf(cursor: ListCursor): { issuedFor: string; position: number; bookmark: string } {
  return isOneDatabaseSegmentCursor(cursor)
    ? { issuedFor: cursor[1], position: cursor[2], bookmark: cursor[3] }
    : { issuedFor: cursor[2], position: cursor[3], bookmark: cursor[4] };
}

/**
 * The digest of what a listing's cursor is bound to: every filter, and the organizations listed
 * (`organizations`: their digest, as the feed's scope already holds it).
 */
export function listingIssuedFor(filters: SegmentGroupFilters, segment: { segmentType: string; segmentId: number } | undefined, organizations: string): Promise<string> {
  const { type, status, nameQuery } = filters;
  return issuedForDigest([organizations, type ?? null, status ?? null, nameQuery ?? null, segment ?? null]);
}

/**
 * Checks a listing's cursor against the request (400 `invalid_value` on `cursor` when issued
 * under other filters) and gives the snapshot the page must read at least.
 */
export function readAtLeastFor(cursor: ListCursor | undefined, issuedFor: string): ReadAtLeast | undefined {
  if (cursor === undefined) return undefined;
  const snapshot = snapshotOf(cursor);
  assertIssuedFor(snapshot.issuedFor, issuedFor, "cursor");
  return snapshot.bookmark === "" ? undefined : { bookmark: snapshot.bookmark, field: "cursor" };
}

/**
 * Refuses a page read at a feed position older than its cursor's: D1 started the session at the
 * cursor's bookmark, so this only happens if a replica breaks that promise; retrying reaches one
 * that is recent enough.
 */
export function assertNotOlderThan(cursor: ListCursor | undefined, position: number): void {
  if (cursor !== undefined && position < snapshotOf(cursor).position) {
    throw new ApiError(
      { code: "database_unavailable", message: "The database replica that answered is behind the listing's previous page. Retry shortly." },
      { "Retry-After": "1" },
    );
  }
}

/** The cursor of the page's last group (or the reverse lookup's next bound), at the snapshot this request read. */
export function listCursorOf(c: Context<AppEnv>, issuedFor: string, position: number) {
  const bookmark = responseBookmarks(c);
  return {
    after: (row: { created_at: string; id: string }): ListingCursor => [row.created_at, row.id, issuedFor, position, bookmark],
    below: (before: number): SegmentCursor => [before, issuedFor, position, bookmark],
  };
}
