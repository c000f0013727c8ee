import type { Context } from "hono";
// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import type { SegmentGroupFilters } from "../../db/segment-groups/list";
import { CURSOR_BOOKMARK, type ReadAtLeast } from "../../db/session";
import { ApiError } from "../../errors";
import { assertIssuedFor, cursorParam, issuedForDigest, organizationSet } from "../../pagination";

/**
 * A place in GET /segment_groups: the last group's key (`created_at`, `id`), a digest of the
 * filters and organizations it was issued under, and the snapshot its page read: the change
 * feed's position and D1's bookmark. The next page reads at least that snapshot (a session
 * started at the bookmark), so a listing's pages and the first page's `changes_cursor`
 * describe one state: a replica that lags cannot show a later page older groups than the feed
 * will replay from there.
 */
export type ListCursor = [createdAt: string, id: string, issuedFor: string, position: number, bookmark: string];

export const listCursorParam = cursorParam(z.tuple([z.string(), z.string(), z.string(), z.int().check(z.minimum(0)), z.string().check(z.regex(CURSOR_BOOKMARK))]));

/** The digest of what a listing's cursor is bound to: every filter, and the organizations listed. */
export function listingIssuedFor(filters: SegmentGroupFilters): Promise<string> {
  const { type, status, nameQuery, segment } = filters;
  return issuedForDigest([organizationSet(filters.organizationIds), type ?? null, status ?? null, nameQuery ?? null, segment ?? null]);
}

/**
 * Checks a listing's cursor against the request (400 `invalid_value` on `cursor` when issued
 * under other filters) and gives the snapshot the page must read at least.
 */
export function readAtLeastFor(cursor: ListCursor | undefined, issuedFor: string): ReadAtLeast | undefined {
  if (cursor === undefined) return undefined;
  assertIssuedFor(cursor[2], issuedFor, "cursor");
  return cursor[4] === "" ? undefined : { bookmark: cursor[4], field: "cursor" };
}

/**
 * Refuses a page read at a feed position older than its cursor's: D1 started the session at the
 * cursor's bookmark, so this only happens if a replica breaks that promise; retrying reaches one
 * that is recent enough.
 */
export function assertNotOlderThan(cursor: ListCursor | undefined, position: number): void {
  if (cursor !== undefined && position < cursor[3]) {
    throw new ApiError(
      { code: "database_unavailable", message: "The database replica that answered is behind the listing's previous page. Retry shortly." },
      { "Retry-After": "1" },
    );
  }
}

/** The cursor of the page's last group, at the snapshot this request read. */
export function listCursorOf(c: Context<AppEnv>, issuedFor: string, position: number) {
  const bookmark = c.get("d1Session")?.getBookmark() ?? "";
  return (row: { created_at: string; id: string }): ListCursor => [row.created_at, row.id, issuedFor, position, bookmark];
}
