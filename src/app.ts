import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { AppEnv } from "./app-env";
import { ApiError, errorResponse, handleError } from "./errors";
import { cors } from "./middleware/cors";
import { d1Bookmark } from "./middleware/d1-bookmark";
import { loadConfig } from "./middleware/load-config";
import { requestId } from "./middleware/request-id";
import { requestLog } from "./middleware/request-log";
import { adminRouter } from "./routes/admin/router";
import { health } from "./routes/health";
import { reachRouter } from "./routes/reach/router";
import { routerRememberingMatches } from "./routes/route-match-cache";
import { segmentGroupsRouter } from "./routes/segment-groups/router";
import { segmentsRouter } from "./routes/segments/router";
import { usageRouter } from "./routes/usage/router";

/**
 * Builds the API: request ids, the request log, D1 bookmarks, configuration, CORS, the error
 * envelope for every failure (404 and 405 included), then one router per resource. The Worker
 * entry and the tests share it.
 */
export function createApp() {
  const app = new Hono<AppEnv>({ router: routerRememberingMatches() });

  app.use(requestId);
  app.use(requestLog);
  app.use(d1Bookmark);
  app.use(loadConfig);
  // Before routing, so preflights need no token and 401s and 405s carry CORS headers too.
  app.use(cors);
  app.use(methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedError }));

  const routes = app.route("/", health).route("/", segmentsRouter).route("/", segmentGroupsRouter).route("/", usageRouter).route("/", reachRouter).route("/", adminRouter);

  app.notFound((c) => errorResponse(c, ApiError.of("not_found", `No route matches ${c.req.method} ${c.req.path}.`)));
  app.onError(handleError);
  return routes;
}

export type AppType = ReturnType<typeof createApp>;

function methodNotAllowedError(c: Parameters<typeof errorResponse>[0], allowed: string[]) {
  return errorResponse(c, new ApiError({ code: "method_not_allowed", message: `Use one of: ${allowed.join(", ")}.` }, { Allow: allowed.join(", ") }));
}
