import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { Caller } from "../auth/caller";
import { ApiError } from "../errors";
import { spendRateLimits } from "./rate-limit-spend";

/**
 * The window of every `[[ratelimits]]` binding in wrangler.toml (`period = 60`); a test checks
 * they agree. The binding does not say when its window ends, so a refused caller is told to
 * wait one whole window: never too early, at most one window too late.
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * Spends the caller's and its organizations' rate-limit units (src/middleware/rate-limit-spend.ts);
 * any budget exhausted answers 429 `rate_limited` with Retry-After. Runs right after the token
 * is verified (requireAuth), since the keys come from it. A limiter that fails lets the request
 * through: the limits protect capacity, and an outage of the limiter must not become an outage
 * of the API.
 */
export async function enforceRateLimits(c: Context<AppEnv>, caller: Caller): Promise<void> {
  const spent = await spendRateLimits(c.env, caller.subject, caller.organizationIds, (err) => {
    console.error(JSON.stringify({ level: "error", event: "rate_limiter_unavailable", request_id: c.get("requestId"), cause: String(err) }));
  });
  if (spent.outcome === "caller_exhausted") throw rateLimited("You are sending too many requests.");
  if (spent.outcome === "organizations_exhausted") throw rateLimited(`Too many requests for organization ${spent.organizationIds.join(", ")}.`);
}

function rateLimited(message: string): ApiError {
  return new ApiError(
    { code: "rate_limited", message: `${message} Retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds.` },
    { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) },
  );
}
