import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { assertOrganizationAccess, requireAuth, requirePermission } from "../../auth";
import { database } from "../../db/context";
import { deleteGlobalSegment } from "../../db/segments/global-writes";
import type { DeleteSegmentOutcome, DeleteSegmentTarget } from "../../db/segments/delete";
import type { SegmentKey } from "../../db/segments/row";
import { isSharded } from "../../db/shards/bindings";
import { everyShard, organizationDatabaseToWrite } from "../../db/shards/route";
import { placeOfSegment } from "../../db/shards/segments";
import { deleteUnusedSegment } from "../../db/segments/delete";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi/describe-route";
import { validate } from "../../validation/validate";
import { ambiguousSegment, assertMayWriteGlobal } from "./key-spaces";
import { segmentNotFound } from "./not-found";
import { segmentKeyQuerySchema, segmentParamsSchema } from "./schemas";

/**
 * DELETE /segments/{segment_type}/{segment_id}: removes the segment a key names for the caller
 * (204): its organization's own, or a global one with `write:catalog`; unless a segment group
 * still uses it (409 with how many of the groups its owner can see, never which).
 */
export const deleteSegment = new Hono<AppEnv>().delete(
  "/segments/:segment_type/:segment_id",
  describeRoute({
    operationId: "deleteSegment",
    summary: "Delete a catalog segment",
    tags: ["Segment catalog"],
    success: { status: 204, description: "Deleted." },
    errors: ["required", "insufficient_permissions", "organization_forbidden", "segment_not_found", "segment_in_use"],
    errorMeta: {
      segment_in_use: z.object({
        group_count: z.int().check(z.minimum(1)).register(z.globalRegistry, {
          description: "How many segment groups use the segment (never which): its owner's groups, or every organization's for a global segment.",
          example: 2,
        }),
      }),
    },
  }),
  requireAuth,
  requirePermission("write:segments"),
  validate("param", segmentParamsSchema),
  validate("query", segmentKeyQuerySchema),
  async function deleteSegmentHandler(c) {
    const { segment_type, segment_id } = c.req.valid("param");
    const { organization_id } = c.req.valid("query");
    const caller = c.get("caller");
    if (organization_id !== undefined) assertOrganizationAccess(caller, organization_id);
    const key = { segmentType: segment_type, segmentId: segment_id };
    const target = { callerOrganizationIds: caller.organizationIds, organizationId: organization_id ?? null, mayWriteGlobal: caller.permissions.has("write:catalog") };
    const result = isSharded(c.env) ? await deleteOnShards(c, key, target) : await deleteUnusedSegment(database(c), key, target);
    if (result.outcome === "not_found") throw segmentNotFound(segment_type, segment_id);
    if (result.outcome === "ambiguous") throw ambiguousSegment(segment_type, segment_id);
    if (result.outcome === "global_forbidden") assertMayWriteGlobal(caller);
    if (result.outcome === "in_use") {
      const groups = result.groupCount === 1 ? "1 segment group uses" : `${result.groupCount} segment groups use`;
      throw new ApiError(
        { code: "segment_in_use", message: `${groups} this segment; remove it from them before deleting it.` },
        {},
        { group_count: result.groupCount },
      );
    }
    return c.body(null, 204);
  },
);

// Over shards: a private segment is deleted on its owner's shard, a global one by the protocol
// of src/db/segments/global-writes.ts on every shard.
async function deleteOnShards(c: Context<AppEnv>, key: SegmentKey, target: DeleteSegmentTarget): Promise<DeleteSegmentOutcome> {
  const place = await placeOfSegment(c, key, target.callerOrganizationIds, target.organizationId);
  if (place.found === "none") return { outcome: "not_found" };
  if (place.found === "ambiguous") return { outcome: "ambiguous" };
  if (place.found === "private") {
    return deleteUnusedSegment(await organizationDatabaseToWrite(c, place.target.organizationId), key, { ...target, ...place.target });
  }
  if (!target.mayWriteGlobal) return { outcome: "global_forbidden" };
  return deleteGlobalSegment(everyShard(c), key, new Date().toISOString());
}
