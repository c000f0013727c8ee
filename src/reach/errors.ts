import { ApiError, type ErrorDetail } from "../errors";
import { fieldPath } from "../validation/field-path";

export function sketchNotFound(what: string): ApiError {
  return ApiError.of("sketch_not_found", `${what} has no sketch; upload one with PUT.`);
}

/** A member without a sketch, at its place in the group. */
export function sketchMissingDetail(subgroup: number, member: number, segment: { segment_type: string; segment_id: number }): ErrorDetail {
  return {
    code: "sketch_missing",
    field: fieldPath(["segment_subgroup", subgroup, "segment_members", member]),
    message: `${segment.segment_type} segment ${segment.segment_id} has no sketch; upload one with PUT /segments/${segment.segment_type}/${segment.segment_id}/sketch.`,
  };
}

export const UNIVERSE_REQUIRED: ErrorDetail = {
  code: "universe_required",
  message: "The group's logic takes a complement (an OR group excluding a subgroup): upload the universe sketch with PUT /reach/universe.",
};
