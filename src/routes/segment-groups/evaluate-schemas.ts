import * as z from "zod/mini";
import { segmentMemberSchema } from "./schemas";

/** Documented limit (docs/api.md, "Limits"): 10,000 segments are about 450 KB of JSON, under the 1 MiB body limit. */
export const MAX_EVALUATED_SEGMENTS = 10_000;

/**
 * The body of POST /segment_groups/{id}/evaluate: the catalog segments a user is in. Each is
 * checked like a group member; repeats are harmless (it is a set) and segments unknown to the
 * catalog simply match nothing.
 */
export const evaluateSegmentGroupSchema = z.strictObject({
  segments: z.array(segmentMemberSchema).check(z.maxLength(MAX_EVALUATED_SEGMENTS)),
});

/** The answer: the group's match and, in order, each subgroup's (its members joined by its operator, before `exclude`). */
export const segmentGroupEvaluationSchema = z
  .object({
    matched: z.boolean(),
    subgroups: z.array(z.object({ matched: z.boolean() })),
  })
  .register(z.globalRegistry, { id: "SegmentGroupEvaluation" });
