import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { Caller } from "../auth/caller";
import { ApiError } from "../errors";
import { spendCallerLimit, spendOrganizationLimits, withinLimit } from "./rate-limit-spend";

/**
 * The window of every `[[ratelimits]]` binding in wrangler.toml (`period = 60`); a test checks
 * they agree. The binding does not say when its window ends, so a refused caller is told to
 * wait one whole window: never too early, at most one window too late.
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * A request that names no organization (a listing without `organization_id`, a group or segment
 * addressed by its id) may act on any of its token's: it spends each of them while the token
 * holds at most this many, and none beyond the caller's unit otherwise, so no request costs more
 * than 1 + this many limiter calls before it names its organizations (docs/api.md#rate-limits).
 */
export const MAX_ORGANIZATIONS_SPENT_IN_REACH = 10;

// A limiter that fails lets the request through: the limits protect capacity, and an outage of
// the limiter must not become an outage of the API.
function logUnavailable(c: Context<AppEnv>) {
  return (err: unknown) =>
    console.error(JSON.stringify({ level: "error", event: "rate_limiter_unavailable", request_id: c.get("requestId"), cause: String(err) }));
}

/** Spends the caller's unit (right after its token is verified); 429 `rate_limited` when exhausted. */
export async function enforceCallerLimit(c: Context<AppEnv>, caller: Caller): Promise<void> {
  if (!(await spendCallerLimit(c.env, caller.subject, logUnavailable(c)))) throw rateLimited("You are sending too many requests.");
}

/**
 * Spends one unit of each organization the request acts on, once it is known and the caller
 * holds it (never a unit of an organization it may not act for); 429 when any is exhausted.
 */
export async function enforceOrganizationLimits(c: Context<AppEnv>, organizationIds: Iterable<number>): Promise<void> {
  const exhausted = await spendOrganizationLimits(c.env, organizationIds, logUnavailable(c));
  if (exhausted.length > 0) throw rateLimited(`Too many requests for organization ${exhausted.join(", ")}.`);
}

/** The organizations a request that names none spends: see MAX_ORGANIZATIONS_SPENT_IN_REACH. */
export function organizationsInReach(caller: Caller): Iterable<number> {
  return caller.organizationIds.size <= MAX_ORGANIZATIONS_SPENT_IN_REACH ? caller.organizationIds : [];
}

/** The client address failed authentications are counted by: Cloudflare's CF-Connecting-IP, else one shared key. */
export function clientAddress(c: Context<AppEnv>): string {
  return c.req.header("CF-Connecting-IP") || "unknown";
}

/**
 * Spends one unit of the client address's budget of failed authentications (a 401 of any
 * kind), so guessing tokens or forcing key lookups is bounded per address; once exhausted the
 * failure answers 429 instead. Valid tokens never spend it.
 */
export async function enforceAuthFailureLimit(c: Context<AppEnv>): Promise<void> {
  if (!(await withinLimit(c.env.AUTH_FAILURE_RATE_LIMITER, `auth-failure:${clientAddress(c)}`, logUnavailable(c)))) {
    throw rateLimited("Too many failed authentications from your address.");
  }
}

function rateLimited(message: string): ApiError {
  return new ApiError(
    { code: "rate_limited", message: `${message} Retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds.` },
    { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) },
  );
}
