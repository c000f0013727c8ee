// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod";

/**
 * A query parameter holding one of `values`. A string first, so a repeated parameter (which
 * arrives as an array) is `invalid_type` rather than "must be one of"; the metadata keeps the
 * enum in the docs.
 */
export function queryEnum<const Values extends readonly [string, ...string[]]>(values: Values) {
  return z.string().pipe(z.enum(values)).meta({ enum: [...values] });
}
