import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { assertOrganizationAccess, requireAuth, requirePermission } from "../../auth";
import { readWhereSegmentLives } from "../../db/shards/segments";
import { toSegment } from "../../db/segments/row";
import { findSegment } from "../../db/segments/select";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { ambiguousSegment } from "./key-spaces";
import { segmentNotFound } from "./not-found";
import { segmentKeyQuerySchema, segmentParamsSchema, segmentSchema } from "./schemas";

/**
 * GET /segments/{segment_type}/{segment_id}: the segment a key names for the caller (global,
 * or its organization's own). A key only another organization owns is a 404, exactly as a key
 * nobody owns.
 */
export const getSegment = new Hono<AppEnv>().get(
  "/segments/:segment_type/:segment_id",
  describeRoute({
    operationId: "getSegment",
    summary: "Read a catalog segment",
    tags: ["Segment catalog"],
    success: { status: 200, description: "The segment.", data: segmentSchema },
    errors: ["required", "organization_forbidden", "segment_not_found"],
  }),
  requireAuth,
  requirePermission("read:segments"),
  validate("param", segmentParamsSchema),
  validate("query", segmentKeyQuerySchema),
  async function getSegmentHandler(c) {
    const { segment_type, segment_id } = c.req.valid("param");
    const { organization_id } = c.req.valid("query");
    if (organization_id !== undefined) assertOrganizationAccess(c.get("caller"), organization_id);
    const key = { segmentType: segment_type, segmentId: segment_id };
    const found = await readWhereSegmentLives(
      c,
      key,
      { callerOrganizationIds: c.get("caller").organizationIds, organizationId: organization_id ?? null },
      (db, target) => findSegment(db, key, target.callerOrganizationIds, target.organizationId),
      (found) => ({ outcome: found === "none" ? ("not_found" as const) : ("ambiguous" as const) }),
    );
    if (found.outcome === "not_found") throw segmentNotFound(segment_type, segment_id);
    if (found.outcome === "ambiguous") throw ambiguousSegment(segment_type, segment_id);
    return success(c, toSegment(found.segment));
  },
);
