import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { assertOrganizationAccess, requireAuth, requirePermission } from "../../auth";
import { writeWhereSegmentLives } from "../../db/shards/segments";
import { deleteSegmentSketch } from "../../db/sketches/segment-sketch";
import { describeRoute } from "../../openapi/describe-route";
import { validate } from "../../validation/validate";
import { ambiguousSegment, globalWriteForbidden } from "./key-spaces";
import { segmentNotFound } from "./not-found";
import { segmentKeyQuerySchema, segmentParamsSchema } from "./schemas";
import { sketchNotFound } from "../../reach/errors";

/** DELETE /segments/{segment_type}/{segment_id}/sketch: removes the segment's sketch (204); the segment stays. */
export const deleteSegmentSketchRoute = new Hono<AppEnv>().delete(
  "/segments/:segment_type/:segment_id/sketch",
  describeRoute({
    operationId: "deleteSegmentSketch",
    summary: "Delete a segment's Theta sketch",
    tags: ["Reach"],
    success: { status: 204, description: "Deleted." },
    errors: ["required", "insufficient_permissions", "organization_forbidden", "segment_not_found", "sketch_not_found"],
  }),
  requireAuth,
  requirePermission("write:segments"),
  validate("param", segmentParamsSchema),
  validate("query", segmentKeyQuerySchema),
  async function deleteSegmentSketchHandler(c) {
    const { segment_type, segment_id } = c.req.valid("param");
    const { organization_id } = c.req.valid("query");
    const caller = c.get("caller");
    if (organization_id !== undefined) assertOrganizationAccess(caller, organization_id);
    const key = { segmentType: segment_type, segmentId: segment_id };
    const mayWriteGlobal = caller.permissions.has("write:catalog");
    const result = await writeWhereSegmentLives(
      c,
      key,
      { callerOrganizationIds: caller.organizationIds, organizationId: organization_id ?? null },
      (db, target) => deleteSegmentSketch(db, key, { ...target, mayWriteGlobal }),
      (found) => ({ outcome: found === "none" ? ("not_found" as const) : ("ambiguous" as const) }),
      (outcome) => outcome.outcome === "deleted",
    );
    if (result.outcome === "not_found") throw segmentNotFound(segment_type, segment_id);
    if (result.outcome === "ambiguous") throw ambiguousSegment(segment_type, segment_id);
    if (result.outcome === "global_forbidden") throw globalWriteForbidden();
    if (result.outcome === "no_sketch") throw sketchNotFound(`${segment_type} segment ${segment_id}`);
    return c.body(null, 204);
  },
);
