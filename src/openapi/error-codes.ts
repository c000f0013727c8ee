import type { ErrorCode } from "../errors";

/**
 * What each error code means, for the API reference. Typed over every code, so a new code in
 * src/errors/codes.ts does not compile until it is explained here.
 */
export const ERROR_MEANINGS: Record<ErrorCode, string> = {
  malformed_json: "The body is not valid JSON, or not valid UTF-8.",
  empty_body: "The body is empty or only whitespace.",
  invalid_body: "The body is JSON but not an object (array, string, number, null).",
  required: "A required field is missing.",
  invalid_type: "A field has the wrong JSON type (e.g. \"7\" or 1.5 for an integer).",
  invalid_value: "A value outside its enum, a malformed path or query parameter, or a malformed header.",
  too_short: "A string or array below its minimum length.",
  too_long: "A string or array above its maximum length.",
  too_small: "A number below its minimum.",
  too_large: "A number above its maximum.",
  blank: "A name made only of whitespace.",
  unknown_field: "A field or query parameter the contract does not define.",
  duplicate_segment: "The same segment twice in one subgroup; points at the repeat.",
  immutable_field: "A field that cannot change after creation.",
  invalid_bookmark: "x-d1-bookmark is not a bookmark (1 to 256 letters, digits and -), or D1 refuses it.",
  missing_token: "No Authorization header, or not the Bearer scheme.",
  invalid_token: "The token is malformed, expired, not yet valid, from another issuer or audience, or signed with an unknown key.",
  insufficient_permissions: "The token lacks the operation's permission.",
  organization_forbidden: "The token does not grant the organization named in the request.",
  not_found: "No route for this path.",
  segment_not_found: "A segment does not exist or is not available to the organization.",
  segment_group_not_found: "The segment group does not exist in the caller's organizations.",
  version_not_found: "The segment group has no such version (or it was purged with the group's tombstone).",
  method_not_allowed: "The path exists but not for this method; see Allow.",
  segment_owner_conflict: "The request would change an existing segment's owner.",
  segment_in_use: "The segment is still a member of segment groups.",
  cursor_expired: "The feed has purged events after this cursor: reload with GET /segment_groups and resume from its meta.changes_cursor.",
  precondition_failed: "If-Match does not match the current ETag.",
  payload_too_large: "The body is over 1 MiB.",
  unsupported_media_type: "The body is not sent with an accepted Content-Type.",
  internal_error: "An unexpected failure; logged with the request id.",
  configuration_error: "The Worker's Auth0 settings are missing or invalid.",
  database_unavailable: "The database failed; retry after Retry-After seconds.",
  auth_unavailable: "The issuer's signing keys cannot be fetched; retry after Retry-After seconds.",
};

/** Response headers that come with some codes, name → description. */
export const ERROR_HEADERS: Partial<Record<ErrorCode, Record<string, string>>> = {
  missing_token: { "WWW-Authenticate": 'Bearer realm="segment-groups-api"' },
  invalid_token: { "WWW-Authenticate": 'Bearer realm="segment-groups-api", error="invalid_token", error_description="..."' },
  insufficient_permissions: { "WWW-Authenticate": 'Bearer realm="segment-groups-api", error="insufficient_scope", scope="<permission>"' },
  method_not_allowed: { Allow: "The methods this path accepts." },
  database_unavailable: { "Retry-After": "Seconds to wait before retrying." },
  auth_unavailable: { "Retry-After": "Seconds to wait before retrying." },
};

/** The codes `validate()` reports from zod's own checks; codes from refinements (`params.code`) are listed by the route. */
export const VALIDATION_CODES: readonly ErrorCode[] = [
  "required",
  "invalid_type",
  "invalid_value",
  "too_short",
  "too_long",
  "too_small",
  "too_large",
  "unknown_field",
];
