import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { Database, emptyUsage } from "./database";
import { BOOKMARK_HEADER, invalidBookmark, isBookmarkRejection, refusedBookmark, sessionStart, type ReadAtLeast } from "./session";
import { PRIMARY_SHARD, shardBinding, shardNames } from "./shards/bindings";
import { decodeBookmarks, encodeBookmarks } from "./shards/bookmarks";

/**
 * The request's database on `DB`: see shardDatabase. Routes that act on an organization reach
 * its own shard through src/db/shards/route.ts instead.
 */
export function database(c: Context<AppEnv>, readAtLeast?: ReadAtLeast): Database {
  return shardDatabase(c, PRIMARY_SHARD, readAtLeast);
}

/**
 * The request's database on one shard: a D1 session (read replicas, read-your-writes through
 * the client's bookmark of that shard), with the request's usage counter (for the log line,
 * summed over shards) and request id (for database errors). One per shard per request, opened
 * on first use; GET and HEAD read, every other method writes. The bookmark middleware returns
 * the sessions' bookmarks. A read that must see at least some state (a later page of a
 * listing: its first page's) names its bookmarks in `readAtLeast`; it counts on the shard's
 * first use only.
 */
export function shardDatabase(c: Context<AppEnv>, shard: string, readAtLeast?: ReadAtLeast): Database {
  const databases = requestDatabases(c);
  let db = databases.get(shard);
  if (!db) {
    const atLeast = readAtLeast === undefined ? undefined : bookmarksOf(c, readAtLeast.bookmark, () => refusedBookmark(readAtLeast.field)).get(shard);
    const start = sessionStart(c.req.method, clientBookmarks(c)?.get(shard), atLeast === undefined ? undefined : { bookmark: atLeast, field: readAtLeast!.field });
    // A D1DatabaseSession has the binding's prepare and batch: Database takes it as it is.
    const session = shardBinding(c.env, shard).withSession(start.constraint);
    db = new Database(session, c.get("d1Usage"), c.get("requestId"), (err) =>
      start.from !== undefined && isBookmarkRejection(err) ? refusedBookmark(start.from) : undefined,
    );
    c.get("d1Sessions").set(shard, session);
    databases.set(shard, db);
  }
  return db;
}

// The request's open databases, sessions and usage counter, created together on first use.
function requestDatabases(c: Context<AppEnv>): Map<string, Database> {
  let databases = c.get("databases");
  if (!databases) {
    databases = new Map();
    c.set("databases", databases);
    c.set("d1Sessions", new Map());
    c.set("d1Usage", emptyUsage());
  }
  return databases;
}

/**
 * The shard directory's own session on DB (src/db/shards/directory.ts), apart from DB's data
 * session, whose `readAtLeast` it must not spend: a write places at the primary; a read starts
 * at the client's DB bookmark, so a placement the client caused is seen.
 */
export function directoryDatabase(c: Context<AppEnv>): Database {
  let db = c.get("directory");
  if (!db) {
    requestDatabases(c);
    const write = c.req.method !== "GET" && c.req.method !== "HEAD";
    // A write ignores the client's bookmark: a failure then is never the client's to fix.
    const bookmark = write ? undefined : clientBookmarks(c)?.get(PRIMARY_SHARD);
    const session = shardBinding(c.env, PRIMARY_SHARD).withSession(write ? "first-primary" : (bookmark ?? "first-unconstrained"));
    db = new Database(session, c.get("d1Usage"), c.get("requestId"), (err) => (bookmark !== undefined && isBookmarkRejection(err) ? invalidBookmark() : undefined));
    c.set("directory", db);
    c.set("directorySession", session);
  }
  return db;
}

function bookmarksOf(c: Context<AppEnv>, text: string, refused: () => Error): Map<string, string> {
  const bookmarks = decodeBookmarks(text, shardNames(c.env));
  if (!bookmarks) throw refused();
  return bookmarks;
}

// The client's x-d1-bookmark decoded, once per request: undefined without one, null for one the API did not issue.
const decodedHeaders = new WeakMap<Request, Map<string, string> | null | undefined>();
function decodedClientBookmarks(c: Context<AppEnv>): Map<string, string> | null | undefined {
  if (decodedHeaders.has(c.req.raw)) return decodedHeaders.get(c.req.raw);
  const header = c.req.header(BOOKMARK_HEADER);
  const decoded = header === undefined ? undefined : (decodeBookmarks(header, shardNames(c.env)) ?? null);
  decodedHeaders.set(c.req.raw, decoded);
  return decoded;
}

// The client's bookmarks; 400 for a header the API did not issue.
function clientBookmarks(c: Context<AppEnv>): Map<string, string> | undefined {
  const decoded = decodedClientBookmarks(c);
  if (decoded === null) {
    throw invalidBookmark("must be a bookmark from an earlier response's x-d1-bookmark header: letters, digits and -, as docs/api.md describes");
  }
  return decoded;
}

/**
 * What this request's answer carries in x-d1-bookmark (and its cursors): each shard's session
 * bookmark, and the client's own for the shards this request did not touch, so sending back the
 * last one received keeps reading one's writes on every shard. "" when there is none.
 */
export function responseBookmarks(c: Context<AppEnv>): string {
  const shards = shardNames(c.env);
  const bookmarks = new Map<string, string>();
  const sessions = c.get("d1Sessions");
  if (shards.length > 1) for (const [shard, bookmark] of decodedClientBookmarks(c) ?? []) bookmarks.set(shard, bookmark);
  for (const [shard, session] of sessions ?? []) {
    const bookmark = session.getBookmark();
    if (bookmark) bookmarks.set(shard, bookmark);
  }
  // The directory's session is on DB too: the newer of the two (bookmarks sort in commit order).
  const directory = c.get("directorySession")?.getBookmark();
  if (directory && directory > (bookmarks.get(PRIMARY_SHARD) ?? "")) bookmarks.set(PRIMARY_SHARD, directory);
  return encodeBookmarks(bookmarks, shards);
}
