import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./app-env";
import { type AuthConfig, ConfigurationError, readAuthConfig, readCorsOrigins } from "./config";
import { ApiError, errorResponse, handleError } from "./errors";
import { health } from "./routes/health";
import { createSegmentGroup } from "./routes/segment-groups/create-segment-group";
import { deleteSegmentGroup } from "./routes/segment-groups/delete-segment-group";
import { evaluateSegmentGroup } from "./routes/segment-groups/evaluate-segment-group";
import { getSegmentGroup } from "./routes/segment-groups/get-segment-group";
import { getVersion } from "./routes/segment-groups/get-version";
import { listChanges } from "./routes/segment-groups/list-changes";
import { listVersions } from "./routes/segment-groups/list-versions";
import { listSegmentGroups } from "./routes/segment-groups/list-segment-groups";
import { updateSegmentGroup } from "./routes/segment-groups/update-segment-group";
import { bulkUpsertSegments } from "./routes/segments/bulk-upsert-segments";
import { deleteSegment } from "./routes/segments/delete-segment";
import { getSegment } from "./routes/segments/get-segment";
import { listSegments } from "./routes/segments/list-segments";
import { putSegment } from "./routes/segments/put-segment";
import { cors } from "./middleware/cors";
import { d1Bookmark } from "./middleware/d1-bookmark";
import { requestLog } from "./middleware/request-log";

/**
 * Builds the API: request ids, configuration, the error envelope for every failure
 * (including 404 and 405), then the routes. The Worker entry and the tests share it.
 */
export function createApp() {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(requestLog);
  app.use(d1Bookmark);
  app.use(async function loadConfig(c, next) {
    try {
      c.set("authConfig", authConfigOf(c.env));
      c.set("corsOrigins", corsOriginsOf(c.env));
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      console.error(JSON.stringify({ level: "error", event: "configuration_error", request_id: c.get("requestId"), message: err.message }));
      throw ApiError.of("configuration_error", "The service is misconfigured. Quote the request_id when reporting it.");
    }
    await next();
  });
  // Before routing, so preflights need no token and 401s and 405s carry CORS headers too.
  app.use(cors);
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) =>
        errorResponse(
          c,
          new ApiError({ code: "method_not_allowed", message: `Use one of: ${allowed.join(", ")}.` }, { Allow: allowed.join(", ") }),
        ),
    }),
  );

  // The feed before GET /segment_groups/:id, which would take "changes" for an id.
  const routes = app.route("/", health).route("/", putSegment).route("/", createSegmentGroup).route("/", listChanges)
    .route("/", getSegmentGroup)
    .route("/", listSegmentGroups)
    .route("/", listVersions)
    .route("/", getVersion)
    .route("/", updateSegmentGroup)
    .route("/", deleteSegmentGroup)
    .route("/", evaluateSegmentGroup)
    .route("/", listSegments)
    .route("/", getSegment)
    .route("/", bulkUpsertSegments)
    .route("/", deleteSegment);

  app.notFound((c) => errorResponse(c, ApiError.of("not_found", `No route matches ${c.req.method} ${c.req.path}.`)));
  app.onError(handleError);
  return routes;
}

// The vars are the same object for every request an isolate serves: read and check them once
// (URL parsing was 5 % of a create's CPU, npm run profile). A failure is not kept, so it is
// reported, and logged, on every request until the configuration is fixed.
const authConfigs = new WeakMap<object, AuthConfig>();
function authConfigOf(env: AppEnv["Bindings"]): AuthConfig {
  let config = authConfigs.get(env);
  if (!config) {
    config = readAuthConfig(env);
    authConfigs.set(env, config);
  }
  return config;
}

// The same for CORS_ALLOWED_ORIGINS.
const corsOriginLists = new WeakMap<object, ReadonlySet<string>>();
function corsOriginsOf(env: AppEnv["Bindings"]): ReadonlySet<string> {
  let origins = corsOriginLists.get(env);
  if (!origins) {
    origins = readCorsOrigins(env);
    corsOriginLists.set(env, origins);
  }
  return origins;
}

export type AppType = ReturnType<typeof createApp>;
