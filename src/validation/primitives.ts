import * as z from "zod/mini";

// Body fields shared by more than one resource (segment groups, segments); resource folders
// import them from here, never from each other. The id parameter is `positiveIdParam` (./integer-param).

/** Documented limit (docs/api.md, "Limits"). */
export const MAX_NAME_LENGTH = 255;

/**
 * A safe positive integer; JSON numbers only, never strings. Checked in one refinement rather
 * than with `z.int()`, whose failure aborts the parse and would hide the other problems in the
 * body (duplicates, totals); the metadata keeps its JSON Schema an integer.
 */
export const positiveId = z
  .number()
  .check(
    z.superRefine(function checkPositiveId(n, ctx) {
      if (!Number.isInteger(n)) ctx.addIssue({ code: "custom", message: "must be an integer", params: { code: "invalid_type" } });
      else if (n < 1) ctx.addIssue({ code: "custom", message: "must be at least 1", params: { code: "too_small" } });
      else if (n > Number.MAX_SAFE_INTEGER) {
        ctx.addIssue({ code: "custom", message: `must be at most ${Number.MAX_SAFE_INTEGER}`, params: { code: "too_large" } });
      }
    }),
  )
  .register(z.globalRegistry, { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

export const segmentName = z.string().check(
  z.minLength(1),
  z.maxLength(MAX_NAME_LENGTH),
  // An empty name is already "too_short"; only report "blank" for whitespace-only names.
  z.refine((name) => name === "" || name.trim() !== "", { message: "must not be blank", params: { code: "blank" } }),
  // A lone surrogate (JSON allows "\ud800") has no UTF-8 form: storing it would change the text.
  z.refine((name) => name.isWellFormed(), { message: "must be well-formed Unicode (no unpaired surrogates)", params: { code: "invalid_unicode" } }),
);
