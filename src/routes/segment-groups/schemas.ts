// Namespace import: lets the bundler drop the parts of zod we never use (~370 KiB minified).
import * as z from "zod";
import { GROUP_TYPES, SEGMENT_OPERATORS, SEGMENT_TYPES } from "../../db/enums";
import { fieldPath } from "../../validation/field-path";
import { rejectRepeatedSegments } from "../../validation/unique-segments";

// Documented limits (README, "Limits"). They keep one create inside a single D1 batch and
// far below D1's per-query limits.
export const MAX_NAME_LENGTH = 255;
export const MAX_SUBGROUPS = 100;
export const MAX_MEMBERS_PER_SUBGROUP = 1_000;
export const MAX_MEMBERS_PER_GROUP = 5_000;

/**
 * A safe positive integer; JSON numbers only, never strings. Checked in one refinement rather
 * than with `z.int()`, whose failure aborts the parse and would hide the other problems in the
 * body (duplicates, totals); the metadata keeps its JSON Schema an integer.
 */
export const positiveId = z
  .number()
  .superRefine(function checkPositiveId(n, ctx) {
    if (!Number.isInteger(n)) ctx.addIssue({ code: "custom", message: "must be an integer", params: { code: "invalid_type" } });
    else if (n < 1) ctx.addIssue({ code: "custom", message: "must be at least 1", params: { code: "too_small" } });
    else if (n > Number.MAX_SAFE_INTEGER) {
      ctx.addIssue({ code: "custom", message: `must be at most ${Number.MAX_SAFE_INTEGER}`, params: { code: "too_large" } });
    }
  })
  .meta({ type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

export const segmentName = z
  .string()
  .min(1)
  .max(MAX_NAME_LENGTH)
  // An empty name is already "too_short"; only report "blank" for whitespace-only names.
  .refine((name) => name === "" || name.trim() !== "", { message: "must not be blank", params: { code: "blank" } });

export const segmentMemberSchema = z.strictObject({
  segment_id: positiveId,
  segment_type: z.enum(SEGMENT_TYPES),
});

export const segmentSubgroupSchema = z.strictObject({
  segment_operator: z.enum(SEGMENT_OPERATORS),
  segment_members: z
    .array(segmentMemberSchema)
    .min(1)
    .max(MAX_MEMBERS_PER_SUBGROUP)
    .superRefine(rejectRepeatedSegments((first) => `repeats ${fieldPath(["segment_members", first])} in the same subgroup`), { when: (payload) => Array.isArray(payload.value) }),
});

export const segmentSubgroupsSchema = z
  .array(segmentSubgroupSchema)
  .min(1)
  .max(MAX_SUBGROUPS)
  .superRefine(limitTotalMembers, { when: (payload) => Array.isArray(payload.value) });

/** The body of POST /segment_groups, exactly the spec's request fields. */
export const createSegmentGroupSchema = z.strictObject({
  name: segmentName,
  type: z.enum(GROUP_TYPES),
  organization_id: positiveId,
  status: z.boolean(),
  segment_subgroup: segmentSubgroupsSchema,
});

/** The fields a PATCH may change; `organization_id` may be sent too, but only as it already is. */
export const UPDATABLE_FIELDS = ["name", "type", "status", "segment_subgroup"] as const;

/**
 * The body of PATCH /segment_groups/{id}: any non-empty subset of the changeable fields, each
 * checked as create checks it (null is a wrong type, not "remove"). `segment_subgroup`, when
 * sent, replaces every subgroup. Unknown fields (`id`, `created_at`, ...) are 400s.
 */
export const updateSegmentGroupSchema = z
  .strictObject({
    name: segmentName.optional(),
    type: z.enum(GROUP_TYPES).optional(),
    organization_id: positiveId.optional(),
    status: z.boolean().optional(),
    segment_subgroup: segmentSubgroupsSchema.optional(),
  })
  .refine((body) => UPDATABLE_FIELDS.some((field) => body[field] !== undefined), {
    message: `Send at least one of: ${UPDATABLE_FIELDS.join(", ")}.`,
    params: { code: "invalid_body" },
  });

export type UpdateSegmentGroupInput = z.infer<typeof updateSegmentGroupSchema>;

export type CreateSegmentGroupInput = z.infer<typeof createSegmentGroupSchema>;
export type SegmentSubgroupInput = z.infer<typeof segmentSubgroupSchema>;

function limitTotalMembers(subgroups: unknown[], ctx: z.RefinementCtx) {
  let total = 0;
  for (const subgroup of subgroups) {
    const members = (subgroup as { segment_members?: unknown } | null)?.segment_members;
    if (Array.isArray(members)) total += members.length;
  }
  if (total > MAX_MEMBERS_PER_GROUP) {
    ctx.addIssue({
      code: "custom",
      message: `must hold at most ${MAX_MEMBERS_PER_GROUP} segment members in total (found ${total})`,
      params: { code: "too_long" },
    });
  }
}

/** The `{id}` path parameter: a segment group id (a UUID, any case; stored lower-case). */
export const segmentGroupParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: "must be a segment group id (a UUID)" })
    .transform((id) => id.toLowerCase())
    .meta({ format: "uuid", description: "The segment group's id, as returned by POST /segment_groups." }),
});

// Response schemas: what the API returns. They document responses (GET /openapi.json) and the
// contract tests check every response against them; requests never pass through them.
const segmentMemberOutput = z.object({ segment_id: z.int(), segment_type: z.enum(SEGMENT_TYPES) });

/** A stored segment group: the `data` of the 201 and of every read. */
export const segmentGroupSchema = z
  .object({
    id: z.string().meta({ format: "uuid", description: "Assigned by the API (UUIDv7, time-ordered)." }),
    name: z.string().meta({ example: "My Audience Group" }),
    type: z.enum(GROUP_TYPES),
    organization_id: z.int().meta({ example: 1234 }),
    status: z.boolean(),
    segment_subgroup: z.array(
      z.object({ segment_operator: z.enum(SEGMENT_OPERATORS), segment_members: z.array(segmentMemberOutput) }),
    ),
    created_at: z.string().meta({ format: "date-time" }),
    updated_at: z.string().meta({ format: "date-time" }),
    created_by: z.string().nullable().meta({
      description: "The `sub` of the token that created the group (`<client id>@clients` for machine-to-machine tokens); null if created before this was recorded.",
    }),
    updated_by: z.string().nullable().meta({ description: "The `sub` of the token that last changed it; null if not recorded." }),
  })
  .meta({ id: "SegmentGroup" });
