import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";

/**
 * One JSON line per request, written after the response is decided (errors included):
 * request id, method, the matched route pattern, status, duration, the caller's organizations
 * the first error code, and what the request asked of D1 (round trips, rows read and written,
 * summed from D1's result meta; zeros when it never reached the database). It never logs headers, tokens, the raw URL (path ids, query
 * strings) or bodies. Level: "error" for 5xx, "warn" for 4xx, "info" otherwise.
 *
 * @example app.use(requestId()); app.use(requestLog);
 */
export const requestLog = createMiddleware<AppEnv>(async function logRequest(c, next) {
  const started = Date.now();
  await next();
  const status = c.res.status;
  console.log(
    JSON.stringify({
      level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
      event: "request",
      request_id: c.get("requestId"),
      method: c.req.method,
      route: routePattern(c),
      status,
      // Workers advance the clock only across I/O, so this is time spent waiting (D1, JWKS), not CPU.
      duration_ms: Date.now() - started,
      organization_ids: c.get("caller") ? [...c.get("caller").organizationIds].sort((a, b) => a - b) : null,
      error_code: c.get("errorCode") ?? null,
      d1_queries: c.get("d1Usage")?.queries ?? 0,
      d1_rows_read: c.get("d1Usage")?.rowsRead ?? 0,
      d1_rows_written: c.get("d1Usage")?.rowsWritten ?? 0,
    }),
  );
});

// The last matched route that is not middleware (`app.use` registers method "ALL"); null when
// no route handled the request (404, 405).
function routePattern(c: Context<AppEnv>): string | null {
  return matchedRoutes(c).findLast((route) => route.method !== "ALL")?.path ?? null;
}
