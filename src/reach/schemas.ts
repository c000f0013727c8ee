import * as z from "zod/mini";
import { SEGMENT_TYPES } from "../db/enums";
import { integerParam, positiveIdParam } from "../validation/integer-param";

/** DataSketches' range of lg_k (theta_constants: 5 to 26). */
export const MIN_LG_K = 5;
export const MAX_LG_K = 26;

const lgKParam = z
  .optional(integerParam({ min: MIN_LG_K, max: MAX_LG_K, malformed: { code: "invalid_value", message: "must be an integer" } }))
  .register(z.globalRegistry, {
    description: `The lg_k (log2 of the nominal entries) the sketch was built with, ${MIN_LG_K} to ${MAX_LG_K}: a compact sketch does not record it, so it is stored and answered only when given.`,
  });

/** The query of PUT /segments/{segment_type}/{segment_id}/sketch. */
export const putSegmentSketchQuerySchema = z.strictObject({
  organization_id: z.optional(positiveIdParam).register(z.globalRegistry, { description: "The organization whose own segment the key names; needed only when several of yours own it." }),
  lg_k: lgKParam,
});

/** The query of PUT /reach/universe. */
export const putUniverseSketchQuerySchema = z.strictObject({ lg_k: lgKParam });

const estimateFields = {
  estimate: z.number().register(z.globalRegistry, { description: "Users estimated: retained entries / theta (DataSketches' get_estimate).", example: 43406.3 }),
  lower_bound: z.number().register(z.globalRegistry, { description: "Two standard deviations below (DataSketches' get_lower_bound(2)); the estimate itself in exact mode.", example: 41255.1 }),
  upper_bound: z.number().register(z.globalRegistry, { description: "Two standard deviations above (get_upper_bound(2)).", example: 45668.4 }),
};

const sketchFields = {
  ...estimateFields,
  retained_entries: z.int().register(z.globalRegistry, { description: "Hashes the sketch keeps." }),
  theta: z.number().register(z.globalRegistry, { description: "The fraction of the hash space the sketch covers; 1 in exact mode." }),
  lg_k: z.nullable(z.int()).register(z.globalRegistry, { description: "As the uploader stated it (`?lg_k=`); null when not stated." }),
  size_bytes: z.int().register(z.globalRegistry, { description: "The stored sketch's length in bytes." }),
  updated_at: z.string().register(z.globalRegistry, { format: "date-time" }),
};

/** A segment's stored sketch: its metadata, never its bytes (GET with Accept: application/octet-stream gives those). */
export const segmentSketchSchema = z
  .object({
    segment_type: z.enum(SEGMENT_TYPES),
    segment_id: z.int(),
    organization_id: z.nullable(z.int()).register(z.globalRegistry, { description: "The segment's owner; null for a global segment." }),
    ...sketchFields,
  })
  .register(z.globalRegistry, { id: "SegmentSketch" });

export const universeSketchSchema = z.object(sketchFields).register(z.globalRegistry, { id: "UniverseSketch" });

/** A group's reach: the group's estimate and each subgroup's, before its `exclude`. */
export const groupReachSchema = z
  .object({
    ...estimateFields,
    segment_subgroup: z
      .array(z.object(estimateFields))
      .register(z.globalRegistry, { description: "Per subgroup, in order: its members combined by its segment_operator, before its exclude." }),
    sketches_updated_at: z
      .string()
      .register(z.globalRegistry, { format: "date-time", description: "The newest updated_at of the sketches used (the universe's included when the plan used it)." }),
  })
  .register(z.globalRegistry, { id: "GroupReach" });

export type GroupReachData = z.infer<typeof groupReachSchema>;
