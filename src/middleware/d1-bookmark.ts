import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { responseBookmarks } from "../db/context";
import { BOOKMARK_HEADER } from "../db/session";

/**
 * Returns the request's D1 session bookmark in `x-d1-bookmark` on every response (errors
 * included) once the request opened a session (one bookmark per shard touched: src/db/shards/bookmarks.ts). A client that sends it back on its next read
 * reads from a replica at least as new as everything this request saw or wrote.
 *
 * @example app.use(d1Bookmark);
 */
export const d1Bookmark = createMiddleware<AppEnv>(async function returnBookmark(c, next) {
  await next();
  const bookmark = c.get("d1Sessions") === undefined ? "" : responseBookmarks(c);
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
});
