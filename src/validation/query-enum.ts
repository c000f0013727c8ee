import * as z from "zod/mini";

/**
 * A query parameter holding one of `values`. A string first, so a repeated parameter (which
 * arrives as an array) is `invalid_type` rather than "must be one of"; the metadata keeps the
 * enum in the docs.
 */
export function queryEnum<const Values extends readonly [string, ...string[]]>(values: Values) {
  return z.pipe(z.string(), z.enum(values)).register(z.globalRegistry, { enum: [...values] });
}
