import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { Database, emptyUsage } from "./database";

/**
 * The request's database: D1 with the request's usage counter (for the log line) and request
 * id (for database errors). One per request, made on first use.
 */
export function database(c: Context<AppEnv>): Database {
  let db = c.get("database");
  if (!db) {
    const usage = emptyUsage();
    db = new Database(c.env.DB, usage, c.get("requestId"));
    c.set("d1Usage", usage);
    c.set("database", db);
  }
  return db;
}
