import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { assertOrganizationAccess, requireAuth, requirePermission } from "../../auth";
import { database } from "../../db/context";
import { toSegment } from "../../db/segments/row";
import { upsertSegment } from "../../db/segments/upsert";
import { ApiError } from "../../errors";
import { requireJsonBody } from "../../middleware/json-body";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { segmentNotFound } from "./not-found";
import { putSegmentSchema, segmentParamsSchema, segmentSchema } from "./schemas";
import { quotaExceeded, quotaExceededMetaSchema } from "../../errors/quota-exceeded";

/**
 * PUT /segments/{segment_type}/{segment_id}: creates (201) or replaces (200) a catalog
 * segment. Another organization's segment is reported as not found, never as forbidden; a
 * segment's owner (an organization, or null for global) is fixed at creation (409).
 */
export const putSegment = new Hono<AppEnv>().put(
  "/segments/:segment_type/:segment_id",
  describeRoute({
    operationId: "putSegment",
    summary: "Create or replace a catalog segment",
    tags: ["Segment catalog"],
    success: { status: 200, description: "Replaced: the segment existed.", data: segmentSchema },
    otherResponses: [{ status: 201, description: "Created: the segment did not exist.", data: segmentSchema }],
    errors: ["blank", "invalid_unicode", "organization_forbidden", "quota_exceeded", "segment_not_found", "segment_owner_conflict"],
    errorMeta: { quota_exceeded: quotaExceededMetaSchema },
    requestExample: { name: "Cyclists", organization_id: 1234 },
  }),
  requireAuth,
  requirePermission("write:segments"),
  requireJsonBody,
  validate("param", segmentParamsSchema),
  validate("json", putSegmentSchema),
  async function putSegmentHandler(c) {
    const { segment_type, segment_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const organizationId = body.organization_id ?? null;
    if (organizationId !== null) assertOrganizationAccess(c.get("caller"), organizationId);

    const result = await upsertSegment(
      database(c),
      { segmentType: segment_type, segmentId: segment_id, name: body.name, organizationId },
      [...c.get("caller").organizationIds],
      new Date().toISOString(),
      c.get("storageLimits").segmentsPerOrganization,
    );
    if (result.outcome === "quota_exceeded") throw quotaExceeded("private segments", organizationId!, result.limit, "organization_id");
    if (result.outcome === "hidden") {
      throw segmentNotFound(segment_type, segment_id);
    }
    if (result.outcome === "owner_conflict") {
      const owner = result.currentOrganizationId === null ? "global (null)" : `organization ${result.currentOrganizationId}`;
      throw ApiError.of(
        "segment_owner_conflict",
        `This segment is ${owner}; its owner cannot change. Send the same organization_id to replace it.`,
        "organization_id",
      );
    }
    return success(c, toSegment(result.segment), result.created ? 201 : 200);
  },
);
