import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Every error code the API answers with, and its HTTP status. This map is the single source
 * of truth: responses, tests and the README's error table all follow from it.
 */
export const ERROR_STATUS = {
  // 400: one entry per problem found in the request, each with a `field` path.
  malformed_json: 400,
  empty_body: 400,
  invalid_body: 400,
  required: 400,
  invalid_type: 400,
  invalid_value: 400,
  too_short: 400,
  too_long: 400,
  too_small: 400,
  too_large: 400,
  blank: 400,
  unknown_field: 400,
  duplicate_segment: 400,
  immutable_field: 400,
  invalid_bookmark: 400,
  // 401 / 403: who is calling and what they may do.
  missing_token: 401,
  invalid_token: 401,
  insufficient_permissions: 403,
  organization_forbidden: 403,
  // 404 / 405 / 409 / 410 / 412 / 413 / 415: routing, state and transport.
  not_found: 404,
  segment_not_found: 404,
  segment_group_not_found: 404,
  version_not_found: 404,
  method_not_allowed: 405,
  segment_owner_conflict: 409,
  segment_in_use: 409,
  cursor_expired: 410,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  // 5xx: our side; messages never carry internals.
  internal_error: 500,
  configuration_error: 500,
  database_unavailable: 503,
  auth_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export function statusForCode(code: ErrorCode): ContentfulStatusCode {
  return ERROR_STATUS[code];
}
