import * as z from "zod/mini";
import { SEGMENT_TYPES } from "../../db/enums";
import { cursorParam, limitParam } from "../../pagination";
import { positiveIdParam } from "../../validation/integer-param";
import { positiveId, segmentName } from "../../validation/primitives";
import { queryEnum } from "../../validation/query-enum";
import { rejectRepeatedSegments } from "../../validation/unique-segments";

export const segmentParamsSchema = z.object({
  segment_type: z.enum(SEGMENT_TYPES),
  segment_id: positiveIdParam,
});

/**
 * The query of GET and DELETE /segments/{segment_type}/{segment_id}: which organization's own
 * segment the key names. Absent: the global segment, else the one of the caller's
 * organizations that owns the key (400 `required` when several do).
 */
export const segmentKeyQuerySchema = z.strictObject({
  organization_id: z.optional(positiveIdParam).register(z.globalRegistry, { description: "The organization whose own segment the key names; needed only when several of yours own it." }),
});

/** The body of PUT /segments/{segment_type}/{segment_id}. */
export const putSegmentSchema = z.strictObject({
  name: segmentName,
  // null or absent: a global segment every organization may use (`write:catalog`).
  organization_id: z.optional(z.nullable(positiveId)),
});

/** A catalog segment as the API returns it. */
export const segmentSchema = z
  .object({
    segment_type: z.enum(SEGMENT_TYPES),
    segment_id: z.int(),
    name: z.string(),
    organization_id: z
      .nullable(z.int())
      .register(z.globalRegistry, {
        description: "The owning organization, in whose own key space the segment lives; null for a global segment, the platform's, which every organization may use.",
      }),
    created_at: z.string().register(z.globalRegistry, { format: "date-time" }),
    updated_at: z.string().register(z.globalRegistry, { format: "date-time" }),
  })
  .register(z.globalRegistry, { id: "Segment" });

/**
 * The query of GET /segments: filters and a keyset page. Strict, so a misspelt filter is a 400
 * rather than a silently unfiltered list. `type` is read as a string first, so a repeated
 * parameter (which arrives as an array) is `invalid_type`, as for every other parameter.
 */
export const listSegmentsQuerySchema = z.strictObject({
  type: z.optional(queryEnum(SEGMENT_TYPES)),
  q: z.optional(segmentName).register(z.globalRegistry, { description: "Case-insensitive substring of the name; `%` and `_` are plain characters." }),
  organization_id: z.optional(positiveIdParam).register(z.globalRegistry, { description: "Only this organization's own segments (no global ones)." }),
  limit: limitParam,
  // The last segment's key and key space, and the digest of the filters and organizations it was issued under.
  cursor: z.optional(cursorParam(z.tuple([z.enum(SEGMENT_TYPES), positiveId, z.int().check(z.minimum(0)), z.string()]))),
});

/** Documented limit (docs/api.md, "Limits"): one request stays one D1 batch well under its limits. */
export const MAX_BULK_ITEMS = 1_000;

export const bulkSegmentItemSchema = z.strictObject({
  segment_type: z.enum(SEGMENT_TYPES),
  segment_id: positiveId,
  name: segmentName,
  // null or absent: a global segment every organization may use.
  organization_id: z.optional(z.nullable(positiveId)),
});

/** The body of POST /segments/bulk. */
export const bulkUpsertSegmentsSchema = z.strictObject({
  items: z.array(bulkSegmentItemSchema).check(
    z.minLength(1),
    z.maxLength(MAX_BULK_ITEMS),
    z.superRefine(rejectRepeatedSegments((first) => `repeats items[${first}]`), { when: (payload) => Array.isArray(payload.value) }),
  ),
});

export const bulkUpsertMetaSchema = z.object({
  created: z.int().register(z.globalRegistry, { description: "How many items did not exist before." }),
  updated: z.int().register(z.globalRegistry, { description: "How many items replaced an existing segment." }),
});
