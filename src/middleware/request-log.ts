import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { requestLogLine } from "./request-log-line";

/**
 * One JSON line per request, written after the response is decided (errors included):
 * request id (and the client's own, if it sent one), method, the pattern of the route that
 * answered, status, duration, the caller's organizations, the first error code, and what the
 * request asked of D1 (round trips, rows read and written, summed from D1's result meta; zeros
 * when it never reached the database). It never logs headers, tokens, the raw URL (path ids,
 * query strings) or bodies. The line itself: src/middleware/request-log-line.ts.
 *
 * @example app.use(requestId); app.use(requestLog);
 */
export const requestLog = createMiddleware<AppEnv>(async function logRequest(c, next) {
  const started = Date.now();
  await next();
  console.log(
    requestLogLine({
      requestId: c.get("requestId"),
      clientRequestId: c.get("clientRequestId"),
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

// The route the request was routed to: the first route (not app-wide middleware, which `app.use`
// registers with method "ALL") from the last handler that ran (Hono leaves c.req.routeIndex
// there). Not the last route matched: GET /segment_groups/changes matches /segment_groups/:id
// too. When app-wide middleware answered (a configuration error), the route it would have
// reached; null when none matched (404, 405).
function routePattern(c: Context<AppEnv>): string | null {
  return matchedRoutes(c).slice(c.req.routeIndex).find((route) => route.method !== "ALL")?.path ?? null;
}
