import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { assertOrganizationAccess, requireAuth, requirePermission } from "../../auth";
import { database, withDatabase } from "../../db/client";
import { upsertSegment } from "../../db/segments";
import { ApiError } from "../../errors";
import { requireJsonBody } from "../../middleware/json-body";
import { success } from "../../responses";
import { validateJson } from "../../validation/validate-json";
import { validateParams } from "../../validation/validate-params";
import { putSegmentSchema, segmentParamsSchema } from "./schemas";

/**
 * PUT /segments/{segment_type}/{segment_id}: creates (201) or replaces (200) a catalog
 * segment. Another organization's segment is reported as not found, never as forbidden.
 */
export const putSegment = new Hono<AppEnv>().put(
  "/segments/:segment_type/:segment_id",
  requireAuth,
  requirePermission("write:segments"),
  requireJsonBody,
  validateParams(segmentParamsSchema),
  validateJson(putSegmentSchema),
  async function putSegmentHandler(c) {
    const { segment_type, segment_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const organizationId = body.organization_id ?? null;
    if (organizationId !== null) assertOrganizationAccess(c.var.caller, organizationId);

    const stored = await withDatabase(c.var.requestId, () =>
      upsertSegment(
        database(c.env.DB),
        { segmentType: segment_type, segmentId: segment_id, name: body.name, organizationId },
        [...c.var.caller.organizationIds],
        new Date().toISOString(),
      ),
    );
    if (!stored) {
      throw ApiError.of("segment_not_found", `No ${segment_type} segment ${segment_id} is available to your organizations.`);
    }
    const data = {
      segment_type,
      segment_id,
      name: stored.name,
      organization_id: stored.organizationId,
      created_at: stored.createdAt,
      updated_at: stored.updatedAt,
    };
    return success(c, data, stored.revision === 1 ? 201 : 200);
  },
);
