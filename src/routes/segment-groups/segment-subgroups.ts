// The 404 for members of a request's `segment_subgroup` that the catalog lacks.
import { ApiError } from "../../errors";
import { fieldPath } from "../../validation/field-path";
import type { SegmentSubgroupInput } from "./schemas";

/**
 * One 404 `segment_not_found` per member the catalog does not offer the group's organization,
 * each pointing at its place in the request (`segment_subgroup[1].segment_members[0].segment_id`).
 * `missing` indexes the members flattened subgroup by subgroup, as the writes report them.
 */
export function segmentsNotFound(subgroups: SegmentSubgroupInput[], missing: number[]): ApiError {
  const paths = subgroups.flatMap((s, sp) =>
    s.segment_members.map((m, mp) => ({ member: m, path: fieldPath(["segment_subgroup", sp, "segment_members", mp, "segment_id"]) })),
  );
  return new ApiError(
    missing.map((index) => {
      const { member, path } = paths[index]!;
      return {
        code: "segment_not_found" as const,
        field: path,
        message: `No ${member.segment_type} segment ${member.segment_id} is available to this organization.`,
      };
    }),
  );
}
