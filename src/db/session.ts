import { ApiError } from "../errors";

/** The request and response header that carries a D1 bookmark between a client's requests. */
export const BOOKMARK_HEADER = "x-d1-bookmark";

/**
 * A bookmark as a cursor carries it: the request's bookmarks (src/db/shards/bookmarks.ts), or
 * empty when the session gave none. Its content is checked when the cursor is used.
 */
export const CURSOR_BOOKMARK = /^[A-Za-z0-9-]{0,8192}$/;

/** A bookmark a read must start at, and the request field it came from (a 400 names it if D1 refuses it). */
export interface ReadAtLeast {
  bookmark: string;
  field: string;
}

/**
 * What to start a shard's D1 session at: a write at the primary; a read at the newest of the
 * client's bookmark of that shard and `readAtLeast` (e.g. the one a page's cursor carries), or
 * anywhere. `from` names where the bookmark came from. D1's bookmarks sort as text in commit
 * order (zero-padded hex), so the newest is the largest. Both are checked by the caller
 * (src/db/shards/bookmarks.ts decodes them).
 */
export function sessionStart(
  method: string,
  bookmark: string | undefined,
  readAtLeast?: ReadAtLeast,
): { constraint: string; from: string | undefined } {
  if (method !== "GET" && method !== "HEAD") return { constraint: "first-primary", from: undefined };
  if (readAtLeast !== undefined && (bookmark === undefined || readAtLeast.bookmark > bookmark)) return { constraint: readAtLeast.bookmark, from: readAtLeast.field };
  return bookmark === undefined ? { constraint: "first-unconstrained", from: undefined } : { constraint: bookmark, from: BOOKMARK_HEADER };
}

/**
 * Whether a D1 failure is D1 refusing the client's bookmark (unknown, or from another
 * database) rather than the database failing: a 400 for the client, not a 503.
 */
export function isBookmarkRejection(err: unknown): boolean {
  const message = err instanceof Error ? `${err.message} ${err.cause instanceof Error ? err.cause.message : ""}` : String(err);
  return /bookmark/i.test(message);
}

export function invalidBookmark(message = "D1 does not accept this bookmark; send one from an earlier response of this API, or none."): ApiError {
  return ApiError.of("invalid_bookmark", message, BOOKMARK_HEADER);
}

/** D1 refused the bookmark of `field` (the header, or a cursor's): the client's to fix. */
export function refusedBookmark(field: string): ApiError {
  return field === BOOKMARK_HEADER ? invalidBookmark() : ApiError.of("invalid_value", "is not a cursor this database issued; start again without it", field);
}
