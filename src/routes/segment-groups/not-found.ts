import { ApiError } from "../../errors";

/** The 404 for a group that does not exist or belongs to an organization the caller lacks: the two look alike. */
export function segmentGroupNotFound(id: string): ApiError {
  return ApiError.of("segment_group_not_found", `No segment group ${id} exists in your organizations.`);
}
