import { ApiError, type ErrorDetail } from "../../errors";

/** A segment that does not exist or belongs to an organization the caller lacks: the two look alike. */
export function segmentNotFoundDetail(segmentType: string, segmentId: number, field?: string): ErrorDetail {
  const message = `No ${segmentType} segment ${segmentId} is available to your organizations.`;
  return field === undefined ? { code: "segment_not_found", message } : { code: "segment_not_found", field, message };
}

export function segmentNotFound(segmentType: string, segmentId: number): ApiError {
  return new ApiError(segmentNotFoundDetail(segmentType, segmentId));
}
