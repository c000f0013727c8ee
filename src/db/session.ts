import { ApiError } from "../errors";

/** The request and response header that carries a D1 bookmark between a client's requests. */
export const BOOKMARK_HEADER = "x-d1-bookmark";

// D1's bookmarks are hyphenated hex (`00000000-00000003-00000000-0000…`); local D1 accepts any
// string and echoes it back, so the shape is checked here, never left to the database.
const BOOKMARK = /^[A-Za-z0-9-]{1,256}$/;

/** What to start a request's D1 session at: a write at the primary, a read at the client's bookmark or anywhere. */
export function sessionStart(method: string, bookmarkHeader: string | undefined): { constraint: string; fromClient: boolean } {
  const bookmark = parseBookmark(bookmarkHeader);
  if (method !== "GET" && method !== "HEAD") return { constraint: "first-primary", fromClient: false };
  return bookmark === undefined ? { constraint: "first-unconstrained", fromClient: false } : { constraint: bookmark, fromClient: true };
}

function parseBookmark(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!BOOKMARK.test(header)) {
    throw invalidBookmark("must be a bookmark from an earlier response's x-d1-bookmark header: 1 to 256 letters, digits and -");
  }
  return header;
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
