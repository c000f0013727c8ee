import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { Database, emptyUsage } from "./database";
import { BOOKMARK_HEADER, isBookmarkRejection, refusedBookmark, sessionStart, type ReadAtLeast } from "./session";

/**
 * The request's database: a D1 session (read replicas, read-your-writes through the client's
 * bookmark), with the request's usage counter (for the log line) and request id (for
 * database errors). One per request, opened on first use; GET and HEAD read, every other
 * method writes. The bookmark middleware returns the session's bookmark. A read that must see
 * at least some state (a later page of a listing: its first page's) names its bookmark in
 * `readAtLeast`; it counts on the request's first use only.
 */
export function database(c: Context<AppEnv>, readAtLeast?: ReadAtLeast): Database {
  let db = c.get("database");
  if (!db) {
    const start = sessionStart(c.req.method, c.req.header(BOOKMARK_HEADER), readAtLeast);
    // A D1DatabaseSession has the binding's prepare and batch: Database takes it as it is.
    const session = c.env.DB.withSession(start.constraint);
    const usage = emptyUsage();
    db = new Database(session, usage, c.get("requestId"), (err) => (start.from !== undefined && isBookmarkRejection(err) ? refusedBookmark(start.from) : undefined));
    c.set("d1Session", session);
    c.set("d1Usage", usage);
    c.set("database", db);
  }
  return db;
}
