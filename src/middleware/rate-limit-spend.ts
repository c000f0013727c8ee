/** The two Workers Rate Limiting bindings of authenticated requests (`[[ratelimits]]` in wrangler.toml). */
export interface RateLimiters {
  CALLER_RATE_LIMITER: RateLimit;
  ORGANIZATION_RATE_LIMITER: RateLimit;
}

export type RateLimitSpend =
  | { outcome: "within" }
  | { outcome: "caller_exhausted" }
  | { outcome: "organizations_exhausted"; organizationIds: number[] };

/** Spends one unit of `key`; a limiter that fails counts as within, and `onUnavailable` hears why. */
export async function withinLimit(limiter: RateLimit, key: string, onUnavailable: (err: unknown) => void): Promise<boolean> {
  try {
    return (await limiter.limit({ key })).success;
  } catch (err) {
    onUnavailable(err);
    return true;
  }
}

/** Spends one unit of the caller's budget (key `caller:<sub>`); false when it is exhausted. */
export function spendCallerLimit(limiters: RateLimiters, subject: string | undefined, onUnavailable: (err: unknown) => void): Promise<boolean> {
  return withinLimit(limiters.CALLER_RATE_LIMITER, `caller:${subject ?? ""}`, onUnavailable);
}

/** Spends one unit of each organization's budget (`organization:<id>`, all at once); returns the exhausted ones. */
export async function spendOrganizationLimits(limiters: RateLimiters, organizationIds: Iterable<number>, onUnavailable: (err: unknown) => void): Promise<number[]> {
  const organizations = [...new Set(organizationIds)];
  const outcomes = await Promise.all(organizations.map((id) => withinLimit(limiters.ORGANIZATION_RATE_LIMITER, `organization:${id}`, onUnavailable)));
  return organizations.filter((_, i) => !outcomes[i]);
}

/**
 * Spends one unit of the caller's budget and, if that is left, one of each organization the
 * request acts on: what an authenticated request that names its organizations costs. Free of
 * Hono, so the bench's twins (bench/twins/platform-calls.ts) spend exactly these units too; the
 * API spends them in two steps (src/middleware/rate-limit.ts), the organizations once known.
 */
export async function spendRateLimits(
  limiters: RateLimiters,
  subject: string | undefined,
  organizationIds: Iterable<number>,
  onUnavailable: (err: unknown) => void,
): Promise<RateLimitSpend> {
  if (!(await spendCallerLimit(limiters, subject, onUnavailable))) return { outcome: "caller_exhausted" };
  const exhausted = await spendOrganizationLimits(limiters, organizationIds, onUnavailable);
  return exhausted.length > 0 ? { outcome: "organizations_exhausted", organizationIds: exhausted } : { outcome: "within" };
}
