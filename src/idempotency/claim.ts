import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../app-env";
import type { IdempotencyClaim } from "../db/idempotency/keys";
import { ApiError } from "../errors";
import { requestFingerprint } from "./fingerprint";
import { IDEMPOTENCY_KEY_HEADER, readIdempotencyKey } from "./key-header";

/** How long a key is kept at least; the hourly purge (src/scheduled/) removes it after. */
export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The header a replayed answer carries, and nothing on a first answer. */
export function replayedHeaders(replayed: boolean): Record<string, string> {
  return replayed ? { "Idempotent-Replayed": "true" } : {};
}

/**
 * The request's claim on its Idempotency-Key, or null without the header: the key (400 on
 * the header if malformed), scoped to the caller's `sub` and the route, with the fingerprint
 * of the validated body. Call it after validation; the write checks the key in its own batch,
 * after every other check has passed.
 */
export async function idempotencyClaim(
  c: Context<AppEnv>,
  route: string,
  status: ContentfulStatusCode,
  input: unknown,
  now: Date,
): Promise<IdempotencyClaim | null> {
  const key = readIdempotencyKey(c.req.header(IDEMPOTENCY_KEY_HEADER));
  if (key === undefined) return null;
  const subject = c.get("caller").subject;
  // Without a subject the key could not be kept apart from other callers' keys.
  if (!subject) throw ApiError.of("invalid_value", "needs an access token with a sub claim, to which the key belongs", IDEMPOTENCY_KEY_HEADER);
  return {
    subject,
    route,
    key,
    fingerprint: await requestFingerprint(input),
    status,
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_RETENTION_MS).toISOString(),
  };
}

export function idempotencyKeyReused(): ApiError {
  return ApiError.of(
    "idempotency_key_reused",
    "This Idempotency-Key was already used for a different request on this route; send a new key with a new request.",
    IDEMPOTENCY_KEY_HEADER,
  );
}
