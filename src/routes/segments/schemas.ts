// Namespace import: lets the bundler drop the parts of zod we never use (~370 KiB minified).
import * as z from "zod";
import { SEGMENT_TYPES } from "../../db/enums";
import { cursorParam, limitParam } from "../../pagination";
import { queryEnum } from "../../validation/query-enum";
import { rejectRepeatedSegments } from "../../validation/unique-segments";
import { positiveId, segmentName } from "../segment-groups/schemas";

/** A path segment holding a positive integer, written canonically (no sign, no leading zero). */
export const positiveIdParam = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, { message: "must be a positive integer" })
  .transform(Number)
  .pipe(positiveId);

export const segmentParamsSchema = z.object({
  segment_type: z.enum(SEGMENT_TYPES),
  segment_id: positiveIdParam,
});

/** The body of PUT /segments/{segment_type}/{segment_id}. */
export const putSegmentSchema = z.strictObject({
  name: segmentName,
  // null or absent: a global segment every organization may use.
  organization_id: positiveId.nullable().optional(),
});

/** A catalog segment as the API returns it. */
export const segmentSchema = z
  .object({
    segment_type: z.enum(SEGMENT_TYPES),
    segment_id: z.int(),
    name: z.string(),
    organization_id: z.int().nullable().meta({ description: "The owning organization; null for a global segment every organization may use." }),
    created_at: z.string().meta({ format: "date-time" }),
    updated_at: z.string().meta({ format: "date-time" }),
  })
  .meta({ id: "Segment" });

/**
 * The query of GET /segments: filters and a keyset page. Strict, so a misspelt filter is a 400
 * rather than a silently unfiltered list. `type` is read as a string first, so a repeated
 * parameter (which arrives as an array) is `invalid_type`, as for every other parameter.
 */
export const listSegmentsQuerySchema = z.strictObject({
  type: queryEnum(SEGMENT_TYPES).optional(),
  q: segmentName.optional().meta({ description: "Case-insensitive substring of the name; `%` and `_` are plain characters." }),
  organization_id: positiveIdParam.optional().meta({ description: "Only this organization's own segments (no global ones)." }),
  limit: limitParam,
  cursor: cursorParam(z.tuple([z.enum(SEGMENT_TYPES), positiveId])).optional(),
});

/** Documented limit (README, "Limits"): one request stays one D1 batch well under its limits. */
export const MAX_BULK_ITEMS = 1_000;

export const bulkSegmentItemSchema = z.strictObject({
  segment_type: z.enum(SEGMENT_TYPES),
  segment_id: positiveId,
  name: segmentName,
  // null or absent: a global segment every organization may use.
  organization_id: positiveId.nullable().optional(),
});

/** The body of POST /segments/bulk. */
export const bulkUpsertSegmentsSchema = z.strictObject({
  items: z
    .array(bulkSegmentItemSchema)
    .min(1)
    .max(MAX_BULK_ITEMS)
    .superRefine(rejectRepeatedSegments((first) => `repeats items[${first}]`), { when: (payload) => Array.isArray(payload.value) }),
});

export const bulkUpsertMetaSchema = z.object({
  created: z.int().meta({ description: "How many items did not exist before." }),
  updated: z.int().meta({ description: "How many items replaced an existing segment." }),
});
