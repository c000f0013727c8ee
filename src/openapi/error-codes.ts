import { ERROR_CODES, type ErrorCode } from "../errors/codes";

/** Each code's meaning, from src/errors/codes.ts: the error responses' descriptions and examples. */
export const ERROR_MEANINGS = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { meaning }]) => [code, meaning])) as Record<ErrorCode, string>;

/** The response headers that come with some codes, name → description, from src/errors/codes.ts. */
export const ERROR_HEADERS: Partial<Record<ErrorCode, Record<string, string>>> = Object.fromEntries(
  Object.entries(ERROR_CODES).flatMap(([code, info]) => ("headers" in info ? [[code, info.headers]] : [])),
);

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
