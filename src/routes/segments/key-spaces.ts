import type { Caller } from "../../auth";
import { insufficientPermissions } from "../../auth";
import { ApiError, type ErrorDetail } from "../../errors";

/**
 * Global segments are the platform's: a write to one needs `write:catalog` on top of the
 * route's `write:segments`. `field` points at what made the write global.
 */
export function assertMayWriteGlobal(caller: Caller, field?: string): void {
  if (!caller.permissions.has("write:catalog")) throw globalWriteForbidden(field);
}

/** The 403 of a write to a global segment without `write:catalog`. */
export function globalWriteForbidden(field?: string): ApiError {
  return insufficientPermissions("write:catalog", "A global segment (no organization_id) needs", field);
}

/**
 * 409 for a key in the other key space than the write's: global, for an organization's write
 * (global keys are public), or owned by `privateOwners` organizations, for the catalog admin's
 * global write.
 */
export function keySpaceConflictDetail(organizationId: number | null, privateOwners: number, field: string): ErrorDetail {
  const message =
    organizationId === null
      ? `${privateOwners === 1 ? "1 organization owns" : `${privateOwners} organizations own`} this key privately; a key is either global or private.`
      : "This key is a global segment, which every organization already uses; an organization cannot own it. Pick another segment_id.";
  return { code: "segment_owner_conflict", field, message };
}

export function keySpaceConflict(organizationId: number | null, privateOwners: number, field: string): ApiError {
  return new ApiError(keySpaceConflictDetail(organizationId, privateOwners, field));
}

/** 400 when several of the caller's organizations own the key and the request did not say which. */
export function ambiguousSegment(segmentType: string, segmentId: number): ApiError {
  return ApiError.of(
    "required",
    `Several of your organizations own ${segmentType} segment ${segmentId}; say which with ?organization_id=.`,
    "organization_id",
  );
}
