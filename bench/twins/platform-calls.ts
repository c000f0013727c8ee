// The twins' platform mode (`?platform=1` on a create): the two platform calls every API request
// makes, through the API's own code. First the rate-limit units (the bench's caller, then the
// body's organization), then the request log line. Under wrangler dev both are costly (each
// limit() is a Durable Object fetch; each line is relayed through the inspector), so the bench
// also compares the API with twins that pay them.
import { spendRateLimits, type RateLimiters } from "../../src/middleware/rate-limit-spend";
import { requestLogLine } from "../../src/middleware/request-log-line";
import type { D1Usage } from "./wire";

/** The `sub` the twins spend the caller's unit for (the API keys by its token's `sub`). */
export const TWIN_SUBJECT = "bench|twin";

/** A twin's bindings: its D1 database and the API's two rate limiters (its wrangler.toml). */
export type TwinEnv = RateLimiters & { DB: D1Database };

/** What a twin's create answers: the new group's id and what it asked of D1. */
export interface Created {
  id: string;
  d1: D1Usage;
}

/** 201 with what `create` did; with `?platform=1`, paying the API's platform calls around it. */
export function answerCreate(url: URL, limiters: RateLimiters, organizationId: number, create: () => Promise<Created>): Promise<Response> {
  if (url.searchParams.get("platform") === "1") return createWithPlatformCalls(limiters, organizationId, create);
  return create().then((created) => Response.json(created, { status: 201 }));
}

/**
 * `create` between the API's two platform calls. Unlike the API, a refused or failing limiter
 * is an error answer (429, 500) without the create, so the bench's status check sees it.
 */
export async function createWithPlatformCalls(limiters: RateLimiters, organizationId: number, create: () => Promise<Created>): Promise<Response> {
  const started = Date.now();
  let unavailable: unknown;
  const spent = await spendRateLimits(limiters, TWIN_SUBJECT, [organizationId], (err) => (unavailable ??= err));
  let response: Response;
  let d1: D1Usage | undefined;
  if (unavailable !== undefined) {
    response = new Response(`twin: a rate limiter failed: ${String(unavailable)}`, { status: 500 });
  } else if (spent.outcome !== "within") {
    response = new Response(`twin: rate limited (${spent.outcome})`, { status: 429 });
  } else {
    const created = await create();
    d1 = created.d1;
    response = Response.json(created, { status: 201 });
  }
  console.log(
    requestLogLine({
      requestId: crypto.randomUUID(),
      method: "POST",
      route: "/segment_groups",
      status: response.status,
      durationMs: Date.now() - started,
      organizationIds: [organizationId],
      errorCode: response.status === 429 ? "rate_limited" : null,
      d1Usage: d1 && { queries: d1.queries, rowsRead: d1.rows_read, rowsWritten: d1.rows_written },
    }),
  );
  return response;
}
