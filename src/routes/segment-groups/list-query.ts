// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod";
import { GROUP_TYPES, SEGMENT_TYPES } from "../../db/enums";
import { cursorParam, limitParam } from "../../pagination";
import { positiveIdParam } from "../segments/schemas";
import { queryEnum } from "../../validation/query-enum";
import { segmentName } from "./schemas";

const SEGMENT_REFERENCE = new RegExp(`^(${SEGMENT_TYPES.join("|")}):([1-9][0-9]{0,15})$`);

/** `segment=<segment_type>:<segment_id>`, e.g. `3P:201`: one catalog segment. */
const segmentReference = z
  .string()
  .transform(function parseSegmentReference(raw, ctx) {
    const match = SEGMENT_REFERENCE.exec(raw);
    const segmentId = match ? Number(match[2]) : Number.NaN;
    if (!match || !Number.isSafeInteger(segmentId)) {
      ctx.addIssue({ code: "custom", message: "must be <segment_type>:<segment_id>, e.g. 3P:201", params: { code: "invalid_value" } });
      return z.NEVER;
    }
    return { segmentType: match[1] as (typeof SEGMENT_TYPES)[number], segmentId };
  })
  .meta({ description: "Only groups that use this catalog segment in any subgroup, written `<segment_type>:<segment_id>` (e.g. `3P:201`)." });

/**
 * The query of GET /segment_groups. Strict, so a misspelt filter is a 400 rather than a
 * silently unfiltered list; a repeated parameter arrives as an array and is a 400 too.
 */
export const listSegmentGroupsQuerySchema = z.strictObject({
  organization_id: positiveIdParam.optional().meta({ description: "Only this organization's groups; it must be one of the token's." }),
  type: queryEnum(GROUP_TYPES).optional(),
  status: queryEnum(["true", "false"])
    .transform((value) => value === "true")
    .optional(),
  // Matched as given (spaces count); names are at most 255 characters, so a longer q finds nothing.
  q: segmentName.optional().meta({ description: "Case-insensitive substring of the name; `%` and `_` are plain characters." }),
  segment: segmentReference.optional(),
  view: queryEnum(["full", "summary"])
    .optional()
    .meta({
      description:
        "`full` (default): whole groups; a page also stops before the group that would take its members past 10,000 " +
        "(`has_more` is then true). `summary`: every field but `segment_subgroup`, with `member_count`; pages hold `limit` groups.",
    }),
  limit: limitParam,
  cursor: cursorParam(z.tuple([z.string(), z.string()])).optional(),
});
