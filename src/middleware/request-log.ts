import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { requestLogLine } from "./request-log-line";

/**
 * One JSON line per request, written after the response is decided (errors included):
 * request id, method, the matched route pattern, status, duration, the caller's organizations
 * the first error code, and what the request asked of D1 (round trips, rows read and written,
 * summed from D1's result meta; zeros when it never reached the database). It never logs headers, tokens, the raw URL (path ids, query
 * strings) or bodies. The line itself: src/middleware/request-log-line.ts.
 *
 * @example app.use(requestId()); app.use(requestLog);
 */
export const requestLog = createMiddleware<AppEnv>(async function logRequest(c, next) {
  const started = Date.now();
  await next();
  console.log(
    requestLogLine({
      requestId: c.get("requestId"),
      method: c.req.method,
      route: routePattern(c),
      status: c.res.status,
      // Workers advance the clock only across I/O, so this is time spent waiting (D1, JWKS), not CPU.
      durationMs: Date.now() - started,
      organizationIds: c.get("caller") ? [...c.get("caller").organizationIds].sort((a, b) => a - b) : null,
      errorCode: c.get("errorCode") ?? null,
      d1Usage: c.get("d1Usage"),
    }),
  );
});

// The last matched route that is not middleware (`app.use` registers method "ALL"); null when
// no route handled the request (404, 405).
function routePattern(c: Context<AppEnv>): string | null {
  return matchedRoutes(c).findLast((route) => route.method !== "ALL")?.path ?? null;
}
