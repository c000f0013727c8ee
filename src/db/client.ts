import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { ApiError } from "../errors";

export type Database = DrizzleD1Database;

export function database(d1: D1Database): Database {
  return drizzle(d1);
}

/**
 * Runs a database call and turns any driver failure into a 503 in the error envelope. The
 * driver's message goes to the log (with the request id) and never to the client.
 */
export async function withDatabase<T>(requestId: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    console.error(JSON.stringify({ level: "error", event: "database_error", request_id: requestId, cause }));
    throw new ApiError(
      { code: "database_unavailable", message: "The database could not complete the request. Retry shortly." },
      { "Retry-After": "1" },
    );
  }
}
