import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { assertOrganizationAccess, requireAuth, requirePermission } from "../../auth";
import { writeWhereSegmentLives } from "../../db/shards/segments";
import { putSegmentSketch } from "../../db/sketches/segment-sketch";
import { toSketchMetadata } from "../../db/sketches/row";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { ambiguousSegment, globalWriteForbidden } from "./key-spaces";
import { segmentNotFound } from "./not-found";
import { segmentParamsSchema } from "./schemas";
import { putSegmentSketchQuerySchema, segmentSketchSchema } from "../../reach/schemas";
import { requireSketchBody, uploadedSketch } from "../../reach/sketch-body";

/**
 * PUT /segments/{segment_type}/{segment_id}/sketch: stores the segment's Theta sketch, its bytes
 * unchanged. The segment is the one the key names for the caller, as GET /segments/{type}/{id}
 * resolves it; whoever may write that segment may upload its sketch (`write:catalog` too for a
 * global one). 201 for a first sketch, 200 when it replaced one.
 */
export const putSegmentSketchRoute = new Hono<AppEnv>().put(
  "/segments/:segment_type/:segment_id/sketch",
  describeRoute({
    operationId: "putSegmentSketch",
    summary: "Upload a segment's Theta sketch",
    description:
      "The body is a compact Theta sketch exactly as Apache DataSketches serializes it (serial version 3 or 4, seed 9001), at most 1,048,600 bytes.",
    tags: ["Reach"],
    success: { status: 200, description: "The sketch replaced the segment's previous one.", data: segmentSketchSchema },
    otherResponses: [{ status: 201, description: "The segment's first sketch.", data: segmentSketchSchema }],
    errors: ["invalid_sketch", "required", "insufficient_permissions", "organization_forbidden", "segment_not_found"],
  }),
  requireAuth,
  requirePermission("write:segments"),
  requireSketchBody,
  validate("param", segmentParamsSchema),
  validate("query", putSegmentSketchQuerySchema),
  async function putSegmentSketchHandler(c) {
    const { segment_type, segment_id } = c.req.valid("param");
    const { organization_id, lg_k } = c.req.valid("query");
    const caller = c.get("caller");
    if (organization_id !== undefined) assertOrganizationAccess(caller, organization_id);
    const sketch = uploadedSketch(c.get("sketchBody"), lg_k, new Date().toISOString());
    const key = { segmentType: segment_type, segmentId: segment_id };
    const mayWriteGlobal = caller.permissions.has("write:catalog");
    const result = await writeWhereSegmentLives(
      c,
      key,
      { callerOrganizationIds: caller.organizationIds, organizationId: organization_id ?? null },
      (db, target) => putSegmentSketch(db, key, { ...target, mayWriteGlobal }, sketch),
      (found) => ({ outcome: found === "none" ? ("not_found" as const) : ("ambiguous" as const) }),
      (outcome) => outcome.outcome === "stored",
    );
    if (result.outcome === "not_found") throw segmentNotFound(segment_type, segment_id);
    if (result.outcome === "ambiguous") throw ambiguousSegment(segment_type, segment_id);
    if (result.outcome === "global_forbidden") throw globalWriteForbidden();
    const data = { segment_type, segment_id, organization_id: result.owner.organizationId, ...toSketchMetadata(result.sketch) };
    return result.created ? success(c, data, 201) : success(c, data, 200);
  },
);
