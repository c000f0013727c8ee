import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { Caller } from "../auth/caller";
import { ApiError } from "../errors";

/**
 * The window of every `[[ratelimits]]` binding in wrangler.toml (`period = 60`); a test checks
 * they agree. The binding does not say when its window ends, so a refused caller is told to
 * wait one whole window: never too early, at most one window too late.
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * Spends one unit of the caller's budget (keyed by the token's `sub`) and, if that is left,
 * one of each organization the token names; any budget exhausted answers 429 `rate_limited`
 * with Retry-After. Runs right after the token is verified (requireAuth), since the keys come
 * from it. A limiter that fails lets the request through: the limits protect capacity, and an
 * outage of the limiter must not become an outage of the API.
 */
export async function enforceRateLimits(c: Context<AppEnv>, caller: Caller): Promise<void> {
  const { CALLER_RATE_LIMITER: callerLimiter, ORGANIZATION_RATE_LIMITER: organizationLimiter } = c.env;
  if (!(await withinLimit(c, callerLimiter, `caller:${caller.subject ?? ""}`))) {
    throw rateLimited("You are sending too many requests.");
  }
  const organizations = [...caller.organizationIds];
  const outcomes = await Promise.all(organizations.map((id) => withinLimit(c, organizationLimiter, `organization:${id}`)));
  const exhausted = organizations.filter((_, i) => !outcomes[i]);
  if (exhausted.length > 0) throw rateLimited(`Too many requests for organization ${exhausted.join(", ")}.`);
}

async function withinLimit(c: Context<AppEnv>, limiter: RateLimit, key: string): Promise<boolean> {
  try {
    return (await limiter.limit({ key })).success;
  } catch (err) {
    console.error(JSON.stringify({ level: "error", event: "rate_limiter_unavailable", request_id: c.get("requestId"), cause: String(err) }));
    return true;
  }
}

function rateLimited(message: string): ApiError {
  return new ApiError(
    { code: "rate_limited", message: `${message} Retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds.` },
    { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) },
  );
}
