import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ConfigurationError, readAuthConfig, readCorsOrigins, readStorageLimits } from "../config";
import { ApiError } from "../errors";

/**
 * Reads and checks the Worker's vars (Auth0, CORS, retention and quotas) into the request's variables. A bad value
 * is a 500 `configuration_error` on every request, with a log line naming the variable.
 */
export const loadConfig = createMiddleware<AppEnv>(async function loadConfig(c, next) {
  try {
    c.set("authConfig", authConfigOf(c.env));
    c.set("corsOrigins", corsOriginsOf(c.env));
    c.set("storageLimits", storageLimitsOf(c.env));
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    console.error(JSON.stringify({ level: "error", event: "configuration_error", request_id: c.get("requestId"), message: err.message }));
    throw ApiError.of("configuration_error", "The service is misconfigured. Quote the request_id when reporting it.");
  }
  await next();
});

// The vars are the same object for every request an isolate serves: read and check them once
// (URL parsing was 5 % of a create's CPU, npm run profile). A failure is not kept, so it is
// reported, and logged, on every request until the configuration is fixed.
function oncePerEnv<T>(read: (env: AppEnv["Bindings"]) => T): (env: AppEnv["Bindings"]) => T {
  const cache = new WeakMap<object, T>();
  return (env) => {
    if (!cache.has(env)) cache.set(env, read(env));
    return cache.get(env) as T;
  };
}

const authConfigOf = oncePerEnv(readAuthConfig);
const corsOriginsOf = oncePerEnv(readCorsOrigins);
const storageLimitsOf = oncePerEnv(readStorageLimits);
