import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { database } from "../../db/context";
import { toSegment } from "../../db/segments/row";
import { findSegment } from "../../db/segments/select";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { segmentNotFound } from "./not-found";
import { segmentParamsSchema, segmentSchema } from "./schemas";

/**
 * GET /segments/{segment_type}/{segment_id}: one catalog segment the caller may use. Another
 * organization's segment is a 404, so keys reveal nothing across organizations.
 */
export const getSegment = new Hono<AppEnv>().get(
  "/segments/:segment_type/:segment_id",
  describeRoute({
    operationId: "getSegment",
    summary: "Read a catalog segment",
    tags: ["Segment catalog"],
    success: { status: 200, description: "The segment.", data: segmentSchema },
    errors: ["segment_not_found"],
  }),
  requireAuth,
  requirePermission("read:segments"),
  validate("param", segmentParamsSchema),
  async function getSegmentHandler(c) {
    const { segment_type, segment_id } = c.req.valid("param");
    const row = await findSegment(database(c), { segmentType: segment_type, segmentId: segment_id }, c.get("caller").organizationIds);
    if (!row) throw segmentNotFound(segment_type, segment_id);
    return success(c, toSegment(row));
  },
);
