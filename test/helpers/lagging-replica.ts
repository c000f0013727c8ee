import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// What the listing and the change feed read.
const REPLICATED_TABLES = ["segment_groups", "segment_group_changes", "change_feed_retention"] as const;

/**
 * A D1 binding whose reads may be served by a read replica that lags, as D1's read replication
 * may: `snapshot()` copies the primary (env.DB) into the replica (env.REPLICA_DB), which keeps
 * that state, and the primary's bookmark at that moment, until the next snapshot.
 *
 * While `lagging` is true, a session started anywhere (`first-unconstrained`) reads the
 * replica, and so does one started at a bookmark no newer than the replica's; a session started
 * at a newer bookmark, or at the primary, reads the primary: D1's promise for `withSession`.
 * `keepsPromises = false` makes the replica serve every read while lagging, bookmark or not.
 */
export function laggingReplica(primary: D1Database = env.DB, replica: D1Database = env.REPLICA_DB) {
  let replicaBookmark = "";
  const control = {
    lagging: false,
    keepsPromises: true,
    /** Makes the replica a copy of the primary as it is now. */
    async snapshot(): Promise<void> {
      await applyD1Migrations(replica, env.TEST_MIGRATIONS);
      // A replica applies the primary's pages; it never runs triggers itself.
      const triggers = await replica.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all<{ name: string }>();
      for (const { name } of triggers.results) await replica.prepare(`DROP TRIGGER "${name}"`).run();
      for (const table of REPLICATED_TABLES) {
        await replica.prepare(`DELETE FROM ${table}`).run();
        const { results } = await primary.prepare(`SELECT * FROM ${table}`).all<Record<string, unknown>>();
        if (results.length === 0) continue;
        const columns = Object.keys(results[0]!);
        await replica
          .prepare(`INSERT INTO ${table} (${columns.join(", ")}) SELECT ${columns.map((column) => `value ->> '${column}'`).join(", ")} FROM json_each(?)`)
          .bind(JSON.stringify(results))
          .run();
      }
      replicaBookmark = await control.primaryBookmark();
    },
    /** The primary's latest bookmark. */
    async primaryBookmark(): Promise<string> {
      const session = primary.withSession("first-primary");
      await session.prepare("SELECT 1").all();
      return session.getBookmark()!;
    },
    get replicaBookmark() {
      return replicaBookmark;
    },
  };

  function readsReplica(constraint: string): boolean {
    if (!control.lagging || constraint === "first-primary") return false;
    return constraint === "first-unconstrained" || !control.keepsPromises || constraint <= replicaBookmark;
  }

  const db = new Proxy(primary, {
    get(target, property) {
      if (property !== "withSession") {
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (constraint = "first-unconstrained") => {
        if (!readsReplica(constraint)) return target.withSession(constraint);
        const session = replica.withSession("first-unconstrained");
        return { prepare: (sql: string) => session.prepare(sql), batch: (statements: D1PreparedStatement[]) => session.batch(statements), getBookmark: () => replicaBookmark };
      };
    },
  });
  return { db, control };
}
