import * as z from "zod/mini";
import { GROUP_TYPES, SEGMENT_OPERATORS, SEGMENT_TYPES } from "../../db/enums";
import { fieldPath } from "../../validation/field-path";
import { rejectOnlyExclusions } from "../../validation/only-exclusions";
import { positiveId, segmentName } from "../../validation/primitives";
import { rejectRepeatedSegments } from "../../validation/unique-segments";

// Documented limits (docs/api.md, "Limits"). They keep one create inside a single D1 batch and
// far below D1's per-query limits.
export const MAX_SUBGROUPS = 100;
export const MAX_MEMBERS_PER_SUBGROUP = 1_000;
export const MAX_MEMBERS_PER_GROUP = 5_000;

export const segmentMemberSchema = z.strictObject({
  segment_id: positiveId,
  segment_type: z.enum(SEGMENT_TYPES),
});

const whenArray = { when: (payload: z.core.ParsePayload) => Array.isArray(payload.value) };

export const segmentSubgroupSchema = z.strictObject({
  segment_operator: z.enum(SEGMENT_OPERATORS),
  // Group logic: an excluded subgroup contributes the negation of its match.
  exclude: z._default(z.boolean(), false),
  segment_members: z
    .array(segmentMemberSchema)
    .check(
      z.minLength(1),
      z.maxLength(MAX_MEMBERS_PER_SUBGROUP),
      z.superRefine(rejectRepeatedSegments((first) => `repeats ${fieldPath(["segment_members", first])} in the same subgroup`), whenArray),
    ),
});

export const segmentSubgroupsSchema = z
  .array(segmentSubgroupSchema)
  .check(z.minLength(1), z.maxLength(MAX_SUBGROUPS), z.superRefine(limitTotalMembers, whenArray), z.superRefine(rejectOnlyExclusions, whenArray));

/** The body of POST /segment_groups, exactly the spec's request fields. */
export const createSegmentGroupSchema = z.strictObject({
  name: segmentName,
  type: z.enum(GROUP_TYPES),
  organization_id: positiveId,
  status: z.boolean(),
  segment_subgroup: segmentSubgroupsSchema,
  // Group logic: how the subgroups combine.
  subgroup_operator: z._default(z.enum(SEGMENT_OPERATORS), "AND"),
});

/** The fields a PATCH may change; `organization_id` may be sent too, but only as it already is. */
/** The example body of the create and of the routes that take the same body (a reach estimate). */
export const CREATE_GROUP_EXAMPLE = {
  name: "Sports fans who run",
  type: "CONTEXTUAL",
  organization_id: 1234,
  status: true,
  segment_subgroup: [
    {
      segment_operator: "AND",
      segment_members: [
        { segment_id: 101, segment_type: "CONTEXTUAL" },
        { segment_id: 201, segment_type: "3P" },
      ],
    },
    { segment_operator: "OR", segment_members: [{ segment_id: 301, segment_type: "3P" }] },
  ],
};

export const UPDATABLE_FIELDS = ["name", "type", "status", "segment_subgroup", "subgroup_operator"] as const;

/**
 * The body of PATCH /segment_groups/{id}: any non-empty subset of the changeable fields, each
 * checked as create checks it (null is a wrong type, not "remove"). `segment_subgroup`, when
 * sent, replaces every subgroup. Unknown fields (`id`, `created_at`, ...) are 400s.
 */
export const updateSegmentGroupSchema = z
  .strictObject({
    name: z.optional(segmentName),
    type: z.optional(z.enum(GROUP_TYPES)),
    organization_id: z.optional(positiveId),
    status: z.optional(z.boolean()),
    segment_subgroup: z.optional(segmentSubgroupsSchema),
    subgroup_operator: z.optional(z.enum(SEGMENT_OPERATORS)),
  })
  .check(
    z.refine((body) => UPDATABLE_FIELDS.some((field) => body[field] !== undefined), {
      message: `Send at least one of: ${UPDATABLE_FIELDS.join(", ")}.`,
      params: { code: "invalid_body" },
    }),
  );

export type UpdateSegmentGroupInput = z.infer<typeof updateSegmentGroupSchema>;

export type CreateSegmentGroupInput = z.infer<typeof createSegmentGroupSchema>;
export type SegmentSubgroupInput = z.infer<typeof segmentSubgroupSchema>;

function limitTotalMembers(subgroups: unknown[], ctx: z.core.$RefinementCtx<unknown[]>) {
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
    .pipe(
      z.string().check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: "must be a segment group id (a UUID)" })),
      z.transform((id: string) => id.toLowerCase()),
    )
    .register(z.globalRegistry, { format: "uuid", description: "The segment group's id, as returned by POST /segment_groups." }),
});

// Response schemas: what the API returns. They document responses (GET /openapi.json) and the
// contract tests check every response against them; requests never pass through them.
const segmentMemberOutput = z.object({ segment_id: z.int(), segment_type: z.enum(SEGMENT_TYPES) });

/** A stored segment group: the `data` of the 201 and of every read. */
export const segmentGroupSchema = z
  .object({
    id: z.string().register(z.globalRegistry, { format: "uuid", description: "Assigned by the API (UUIDv7, time-ordered)." }),
    name: z.string().register(z.globalRegistry, { example: "My Audience Group" }),
    type: z.enum(GROUP_TYPES),
    organization_id: z.int().register(z.globalRegistry, { example: 1234 }),
    status: z.boolean(),
    subgroup_operator: z.enum(SEGMENT_OPERATORS),
    segment_subgroup: z.array(
      z.object({ segment_operator: z.enum(SEGMENT_OPERATORS), exclude: z.boolean(), segment_members: z.array(segmentMemberOutput) }),
    ),
    expression: z.string().register(z.globalRegistry, {
      readOnly: true,
      description: "The group's logic as one canonical line (grammar: see the API description, \"Group logic\").",
      example: "(CONTEXTUAL:101 AND 3P:201) AND NOT (3P:301)",
    }),
    created_at: z.string().register(z.globalRegistry, { format: "date-time" }),
    updated_at: z.string().register(z.globalRegistry, { format: "date-time" }),
    created_by: z.nullable(z.string()).register(z.globalRegistry, {
      description: "The `sub` of the token that created the group (`<client id>@clients` for machine-to-machine tokens); null if created before this was recorded.",
    }),
    updated_by: z.nullable(z.string()).register(z.globalRegistry, { description: "The `sub` of the token that last changed it; null if not recorded." }),
  })
  .register(z.globalRegistry, { id: "SegmentGroup" });

/**
 * A listed group with `view=summary`: everything but its subgroups (and the expression written
 * from them), and how many members they hold.
 */
export const segmentGroupSummarySchema = z
  .extend(z.omit(segmentGroupSchema, { segment_subgroup: true, expression: true }), {
    member_count: z.int().register(z.globalRegistry, { description: "Members over all subgroups." }),
  })
  .register(z.globalRegistry, {
    id: "SegmentGroupSummary",
    description:
      "A group listed with view=summary: every field of SegmentGroup but segment_subgroup and expression (the expression is as " +
      "long as the member list this view leaves out), plus member_count. Read the group for its expression.",
  });
