import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { BOOKMARK_HEADER } from "../db/session";
import { IDEMPOTENCY_KEY_HEADER } from "../idempotency/key-header";
import { REQUEST_ID_HEADER } from "./request-id";

/** Every method a route of this API answers. */
const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
/**
 * Every request header the API reads that a browser's script sets (beyond the CORS-safelisted
 * ones). test/app/cors.test.ts checks it against every header the code reads and the OpenAPI
 * document's header parameters, so a new one cannot be forgotten.
 */
export const ALLOWED_HEADERS = ["Authorization", "Content-Type", "If-Match", "If-None-Match", IDEMPOTENCY_KEY_HEADER, BOOKMARK_HEADER, REQUEST_ID_HEADER, "Accept"];
/**
 * Every response header the API sends beyond the CORS-safelisted ones (Cache-Control,
 * Content-Type, ...); checked against the OpenAPI document's and the error table's headers.
 */
export const EXPOSED_HEADERS = ["ETag", "Location", REQUEST_ID_HEADER, "Retry-After", "WWW-Authenticate", "Idempotent-Replayed", BOOKMARK_HEADER, "Allow", "Vary"];
/** How long a browser may reuse a preflight answer (seconds). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the origins in CORS_ALLOWED_ORIGINS (`c.get("corsOrigins")`), and only for them: an
 * allowed origin's preflight is answered 204 here, before authentication, and every response
 * to it (errors included, so a browser can read a 401) says which headers it may read. Other
 * origins get no CORS headers; with an empty list the middleware changes nothing at all.
 *
 * @example app.use(loadConfig); app.use(cors); // before the routes and their requireAuth
 */
export const cors = createMiddleware<AppEnv>(async function applyCors(c, next) {
  const allowList = c.get("corsOrigins");
  if (allowList.size === 0) return next();
  const origin = c.req.header("Origin");
  const allowed = origin !== undefined && allowList.has(origin);

  if (allowed && c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method")) {
    return c.body(null, 204, {
      "Access-Control-Allow-Origin": origin,
      "Access-Control-Allow-Methods": ALLOWED_METHODS.join(", "),
      "Access-Control-Allow-Headers": ALLOWED_HEADERS.join(", "),
      "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE_SECONDS),
      Vary: "Origin",
    });
  }
  await next();
  // The answer depends on Origin whenever a list is configured, so shared caches must key on it.
  c.res.headers.append("Vary", "Origin");
  if (allowed) {
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS.join(", "));
  }
});
