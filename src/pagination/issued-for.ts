import { ApiError } from "../errors";
import { base64url } from "./cursor";

/**
 * A short digest of what a cursor was issued under (a listing's filters, the organizations it
 * read): the cursor carries it and the next request compares it with its own, so a cursor is
 * never read under other filters. 72 bits of SHA-256 of the JSON: clients cannot read the
 * filters back, and a cursor stays short. `value` must list its keys in a fixed order.
 */
export async function issuedForDigest(value: unknown): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(value)));
  return base64url(new Uint8Array(hash, 0, 9));
}

/** The organizations a listing read, in one order whatever the token's claim order: what a digest is taken of. */
export function organizationSet(organizationIds: Iterable<number>): number[] {
  return [...new Set(organizationIds)].sort((a, b) => a - b);
}

/** 400 `invalid_value` on `field` unless the cursor was issued under the request's filters (`current`). */
export function assertIssuedFor(issued: string, current: string, field: string): void {
  if (issued !== current) {
    throw ApiError.of("invalid_value", "was issued under other filters or organizations; send the same filters, or start again without it", field);
  }
}
