import * as z from "zod/mini";
import { GROUP_TYPES, SEGMENT_TYPES } from "../../db/enums";
import { limitParam, NOT_THIS_LISTING } from "../../pagination";
import { positiveIdParam } from "../../validation/integer-param";
import { segmentName } from "../../validation/primitives";
import { queryEnum } from "../../validation/query-enum";
import { addTransformIssue } from "../../validation/transform-issue";
import { isSegmentCursor, listCursorParam } from "./list-cursor";

const SEGMENT_REFERENCE = new RegExp(`^(${SEGMENT_TYPES.join("|")}):([1-9][0-9]{0,15})$`);

/** `segment=<segment_type>:<segment_id>`, e.g. `3P:201`: one catalog segment. */
const segmentReference = z
  .pipe(
    z.string(),
    z.transform(function parseSegmentReference(raw: string, payload) {
      const match = SEGMENT_REFERENCE.exec(raw);
      const segmentId = match ? Number(match[2]) : Number.NaN;
      if (!match || !Number.isSafeInteger(segmentId)) {
        addTransformIssue(payload, "invalid_value", "must be <segment_type>:<segment_id>, e.g. 3P:201");
        return z.NEVER;
      }
      return { segmentType: match[1] as (typeof SEGMENT_TYPES)[number], segmentId };
    }),
  )
  .register(z.globalRegistry, {
    description:
      "Only groups that use this catalog segment in any subgroup, written `<segment_type>:<segment_id>` (e.g. `3P:201`), " +
      "in creation order, newest first; a page may then hold fewer than `limit` groups while `has_more` is true.",
  });

/**
 * The query of GET /segment_groups. Strict, so a misspelt filter is a 400 rather than a
 * silently unfiltered list; a repeated parameter arrives as an array and is a 400 too.
 */
export const listSegmentGroupsQuerySchema = z.strictObject({
  organization_id: z.optional(positiveIdParam).register(z.globalRegistry, { description: "Only this organization's groups; it must be one of the token's." }),
  type: z.optional(queryEnum(GROUP_TYPES)),
  status: z.optional(z.pipe(queryEnum(["true", "false"]), z.transform((value: "true" | "false") => value === "true"))),
  // Matched as given (spaces count); names are at most 255 characters, so a longer q finds nothing.
  q: z.optional(segmentName).register(z.globalRegistry, { description: "Case-insensitive substring of the name; `%` and `_` are plain characters." }),
  segment: z.optional(segmentReference),
  view: z.optional(queryEnum(["full", "summary"])).register(z.globalRegistry, {
    description:
      "`full` (default): whole groups; a page also stops before the group that would take its members past 10,000 " +
      "(`has_more` is then true). `summary`: every field but `segment_subgroup`, with `member_count`; pages hold `limit` groups (with `segment`, up to `limit`).",
  }),
  limit: limitParam,
  cursor: z.optional(listCursorParam),
}).check(
  z.superRefine(function checkCursorKind(query, ctx) {
    if (query.cursor !== undefined && isSegmentCursor(query.cursor) !== (query.segment !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["cursor"], message: NOT_THIS_LISTING, params: { code: "invalid_value" } });
    }
  }),
);
