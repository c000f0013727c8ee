/** The two Workers Rate Limiting bindings (`[[ratelimits]]` in wrangler.toml). */
export interface RateLimiters {
  CALLER_RATE_LIMITER: RateLimit;
  ORGANIZATION_RATE_LIMITER: RateLimit;
}

export type RateLimitSpend =
  | { outcome: "within" }
  | { outcome: "caller_exhausted" }
  | { outcome: "organizations_exhausted"; organizationIds: number[] };

/**
 * Spends one unit of the caller's budget (key `caller:<sub>`) and, if that is left, one of each
 * organization's (`organization:<id>`, all at once). A limiter that fails counts as within, and
 * `onUnavailable` hears why. Free of Hono, so the bench's twins (bench/twins/platform-calls.ts)
 * spend exactly these units too; the API's answer to an outcome: src/middleware/rate-limit.ts.
 */
export async function spendRateLimits(
  limiters: RateLimiters,
  subject: string | undefined,
  organizationIds: Iterable<number>,
  onUnavailable: (err: unknown) => void,
): Promise<RateLimitSpend> {
  async function withinLimit(limiter: RateLimit, key: string): Promise<boolean> {
    try {
      return (await limiter.limit({ key })).success;
    } catch (err) {
      onUnavailable(err);
      return true;
    }
  }
  if (!(await withinLimit(limiters.CALLER_RATE_LIMITER, `caller:${subject ?? ""}`))) return { outcome: "caller_exhausted" };
  const organizations = [...organizationIds];
  const outcomes = await Promise.all(organizations.map((id) => withinLimit(limiters.ORGANIZATION_RATE_LIMITER, `organization:${id}`)));
  const exhausted = organizations.filter((_, i) => !outcomes[i]);
  return exhausted.length > 0 ? { outcome: "organizations_exhausted", organizationIds: exhausted } : { outcome: "within" };
}
