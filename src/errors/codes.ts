import type { ContentfulStatusCode } from "hono/utils/http-status";

/** What one error code means to a client. `headers`: response headers that come with it, name → description. */
export interface ErrorCodeInfo {
  status: ContentfulStatusCode;
  meaning: string;
  headers?: Record<string, string>;
}

const RETRY_AFTER = { "Retry-After": "Seconds to wait before retrying." };

/**
 * Every error code the API answers with: its HTTP status, what it means and the headers it
 * carries. Responses, the OpenAPI document (src/openapi/error-codes.ts) and docs/errors.md's
 * table and the README's summary (both checked by test/docs/tables.test.ts) follow from this table.
 * A new code is one line here.
 */
export const ERROR_CODES = {
  // 400: one entry per problem found in the request, each with a `field` path.
  malformed_json: { status: 400, meaning: "The body is not valid JSON, or not valid UTF-8." },
  empty_body: { status: 400, meaning: "The body is empty or only whitespace." },
  invalid_body: { status: 400, meaning: "The body is JSON but not an object, or a PATCH body changes nothing." },
  required: { status: 400, meaning: "A required field is missing." },
  invalid_type: { status: 400, meaning: 'A field has the wrong JSON type (e.g. "7" or 1.5 for an integer), or a query parameter is given twice.' },
  invalid_value: { status: 400, meaning: "A value outside its enum, a malformed path or query parameter, or a malformed header." },
  too_short: { status: 400, meaning: "A string or array below its minimum length." },
  too_long: { status: 400, meaning: "A string or array above its maximum length, or more than 5000 members in one group." },
  too_small: { status: 400, meaning: "A number below its minimum (ids start at 1)." },
  too_large: { status: 400, meaning: "A number above its maximum (ids end at 2^53 - 1)." },
  blank: { status: 400, meaning: "A name made only of whitespace." },
  invalid_unicode: {
    status: 400,
    meaning: "Text that is not well-formed Unicode: an unpaired UTF-16 surrogate (e.g. the JSON escape \\ud800 alone), which cannot be stored as written.",
  },
  unknown_field: { status: 400, meaning: "A field or query parameter the contract does not define." },
  duplicate_segment: { status: 400, meaning: "The same segment twice in one subgroup or one bulk request; points at the repeat." },
  immutable_field: { status: 400, meaning: "A field that cannot change after creation (a group's organization_id)." },
  invalid_bookmark: {
    status: 400,
    meaning: "x-d1-bookmark is not 1 to 256 letters, digits and -, or D1 refuses it; send one this API returned, or none.",
  },
  only_exclusions: { status: 400, meaning: "Every subgroup is excluded: the group would match almost everyone. Include at least one subgroup." },
  invalid_sketch: {
    status: 400,
    meaning: "The body is not a compact Theta sketch this API accepts (DataSketches serial version 3 or 4, seed 9001, at most 1,048,600 bytes); the message says what is wrong. Nothing was stored.",
  },
  // 401 / 403: who is calling and what they may do.
  missing_token: {
    status: 401,
    meaning: "No Authorization header, or not the Bearer scheme.",
    headers: { "WWW-Authenticate": 'Bearer realm="segment-groups-api"' },
  },
  invalid_token: {
    status: 401,
    meaning: "The token is malformed (any part not canonical unpadded base64url included), too large, expired, not yet valid, from another issuer or audience, not RS256, signed with an unknown key, or names more than 1,000 organizations.",
    headers: { "WWW-Authenticate": 'Bearer realm="segment-groups-api", error="invalid_token", error_description="..."' },
  },
  insufficient_permissions: {
    status: 403,
    meaning: "The token lacks the operation's permission.",
    headers: { "WWW-Authenticate": 'Bearer realm="segment-groups-api", error="insufficient_scope", scope="<permission>"' },
  },
  organization_forbidden: { status: 403, meaning: "The token does not grant the organization named in the request." },
  quota_exceeded: { status: 403, meaning: "The write would take an organization past its quota of groups or private segments; meta.limit is the quota. Nothing was written." },
  // 404 / 405 / 409 / 410 / 412 / 413 / 415 / 422 / 429: routing, state, transport and rate.
  not_found: { status: 404, meaning: "No route for this path." },
  segment_not_found: { status: 404, meaning: "A segment does not exist or is not available to the organization." },
  segment_group_not_found: { status: 404, meaning: "The segment group does not exist in the caller's organizations." },
  version_not_found: { status: 404, meaning: "The segment group never had this version, or its history purged it (retention, or its tombstone's)." },
  sketch_not_found: { status: 404, meaning: "The segment has no sketch, or no universe sketch is stored." },
  method_not_allowed: { status: 405, meaning: "The path exists but not for this method.", headers: { Allow: "The methods this path accepts." } },
  segment_owner_conflict: { status: 409, meaning: "A key that exists in the other key space: an organization's segment under a global key, or a global segment under a key organizations own." },
  segment_in_use: { status: 409, meaning: "Segment groups still use the segment; meta.group_count says how many (its owner's groups; every organization's for a global segment)." },
  move_in_progress: { status: 409, meaning: "The organization is in the middle of another move (to another shard, or still cleaning its last one): finish that first." },
  cursor_expired: {
    status: 410,
    meaning: "The change feed purged events after this cursor, or the token's organizations changed since it was issued: reload with GET /segment_groups and resume from its meta.changes_cursor.",
  },
  precondition_failed: { status: 412, meaning: "If-Match holds none of the group's current ETag; nothing was written." },
  payload_too_large: { status: 413, meaning: "The body is over 1 MiB, or a bulk request's names exceed 1.9 MB once folded for search." },
  unsupported_media_type: { status: 415, meaning: "The body is not sent with an accepted Content-Type." },
  idempotency_key_reused: {
    status: 422,
    meaning: "The Idempotency-Key was already used by this caller on this route for a different request (another body); nothing was written.",
  },
  sketch_missing: { status: 422, meaning: "A member of the group has no sketch: one error per such member, its field the member's path." },
  universe_required: { status: 422, meaning: "The group's logic takes a complement (an OR group with an excluded subgroup) and no universe sketch is stored." },
  rate_limited: {
    status: 429,
    meaning: "The caller (token sub), an organization the request acts on, or the client address's failed authentications is over its rate limit; limits are the deployment's configuration.",
    headers: RETRY_AFTER,
  },
  // 5xx: our side; messages never carry internals.
  internal_error: { status: 500, meaning: "An unexpected failure; logged with the request id, never described to the client." },
  configuration_error: { status: 500, meaning: "The Worker's Auth0 or CORS settings are missing or invalid; the log names the variable." },
  database_unavailable: { status: 503, meaning: "The database failed.", headers: RETRY_AFTER },
  auth_unavailable: { status: 503, meaning: "The issuer's signing keys cannot be fetched and no earlier copy is cached.", headers: RETRY_AFTER },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Each code's HTTP status, from ERROR_CODES. */
export const ERROR_STATUS = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status])) as {
  [Code in ErrorCode]: (typeof ERROR_CODES)[Code]["status"];
};

export function statusForCode(code: ErrorCode): ContentfulStatusCode {
  return ERROR_CODES[code].status;
}
