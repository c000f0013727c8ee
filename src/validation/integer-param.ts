import * as z from "zod/mini";
import type { ErrorCode } from "../errors";
import { addTransformIssue } from "./transform-issue";

// One spelling per integer: no sign but for negatives, no leading zeros, no exponent or point.
const CANONICAL_INTEGER = /^(0|-?[1-9][0-9]*)$/;

export interface IntegerParamOptions {
  min: number;
  max: number;
  /** What text that is not a canonical integer (`abc`, `1.5`, `0100`, `+5`) reports. */
  malformed: { code: ErrorCode; message: string };
}

/**
 * A path or query parameter holding an integer from `min` to `max`. Text that is not a
 * canonical integer is `malformed`; a canonical integer out of range is `too_small` or
 * `too_large`, whatever its size (`-1`, `10000`, twenty digits).
 *
 * @example limit: integerParam({ min: 1, max: 100, malformed: { code: "invalid_type", message: "must be an integer" } })
 */
export function integerParam({ min, max, malformed }: IntegerParamOptions) {
  return z.pipe(
    z.string(),
    z.transform(function parseIntegerParam(raw: string, payload): number {
      if (!CANONICAL_INTEGER.test(raw)) {
        addTransformIssue(payload, malformed.code, malformed.message);
        return z.NEVER;
      }
      const n = Number(raw);
      if (n < min) addTransformIssue(payload, "too_small", `must be at least ${min}`);
      else if (n > max) addTransformIssue(payload, "too_large", `must be at most ${max}`);
      return n;
    }),
  );
}
