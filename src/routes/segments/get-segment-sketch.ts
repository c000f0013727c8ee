import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { assertOrganizationAccess, requireAuth, requirePermission } from "../../auth";
import { readWhereSegmentLives } from "../../db/shards/segments";
import { bytesFromHex, toSketchMetadata } from "../../db/sketches/row";
import { findSegmentSketch } from "../../db/sketches/segment-sketch";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { ambiguousSegment } from "./key-spaces";
import { segmentNotFound } from "./not-found";
import { segmentKeyQuerySchema, segmentParamsSchema } from "./schemas";
import { sketchNotFound } from "../../reach/errors";
import { segmentSketchSchema } from "../../reach/schemas";
import { sketchBytes, wantsBytes } from "../../reach/sketch-body";

/**
 * GET /segments/{segment_type}/{segment_id}/sketch: the metadata of the segment's sketch, or,
 * with `Accept: application/octet-stream`, its bytes exactly as uploaded.
 */
export const getSegmentSketchRoute = new Hono<AppEnv>().get(
  "/segments/:segment_type/:segment_id/sketch",
  describeRoute({
    operationId: "getSegmentSketch",
    summary: "Read a segment's Theta sketch",
    tags: ["Reach"],
    success: {
      status: 200,
      description: "The sketch's metadata; with `Accept: application/octet-stream`, its bytes exactly as uploaded.",
      data: segmentSketchSchema,
      binary: true,
      headers: { Vary: "Accept" },
    },
    errors: ["required", "organization_forbidden", "segment_not_found", "sketch_not_found"],
  }),
  requireAuth,
  requirePermission("read:segments"),
  validate("param", segmentParamsSchema),
  validate("query", segmentKeyQuerySchema),
  async function getSegmentSketchHandler(c) {
    const { segment_type, segment_id } = c.req.valid("param");
    const { organization_id } = c.req.valid("query");
    const caller = c.get("caller");
    if (organization_id !== undefined) assertOrganizationAccess(caller, organization_id);
    const raw = wantsBytes(c.req.header("Accept"));
    const key = { segmentType: segment_type, segmentId: segment_id };
    const found = await readWhereSegmentLives(
      c,
      key,
      { callerOrganizationIds: caller.organizationIds, organizationId: organization_id ?? null },
      (db, target) => findSegmentSketch(db, key, target, raw),
      (found) => ({ outcome: found === "none" ? ("not_found" as const) : ("ambiguous" as const) }),
    );
    if (found.outcome === "not_found") throw segmentNotFound(segment_type, segment_id);
    if (found.outcome === "ambiguous") throw ambiguousSegment(segment_type, segment_id);
    if (found.outcome === "no_sketch") throw sketchNotFound(`${segment_type} segment ${segment_id}`);
    if (raw) return sketchBytes(c, bytesFromHex(found.hex!));
    return success(c, { segment_type, segment_id, organization_id: found.owner.organizationId, ...toSketchMetadata(found.sketch) }, 200, { Vary: "Accept" });
  },
);
