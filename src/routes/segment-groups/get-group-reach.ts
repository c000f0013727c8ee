import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { findOnShards } from "../../db/shards/route";
import { groupLogicOf } from "../../db/segment-groups/row";
import { cacheGroupReach } from "../../db/sketches/reach-cache";
import { findGroupReachInputs, sketchFingerprint } from "../../db/sketches/reach-inputs";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { segmentGroupNotFound } from "./not-found";
import { segmentGroupParamsSchema } from "./schemas";
import { computeReach } from "../../reach/compute-reach";
import { groupReachSchema, type GroupReachData } from "../../reach/schemas";

/**
 * GET /segment_groups/{id}/reach: how many users the stored group holds, estimated from its
 * members' sketches. The answer is kept for the group's version and its sketches' fingerprint
 * (src/db/sketches/reach-inputs.ts): until either changes, a repeated GET reads no sketch, only
 * the group, its members' sketch versions and the cached answer, in one round trip.
 */
export const getGroupReachRoute = new Hono<AppEnv>().get(
  "/segment_groups/:id/reach",
  describeRoute({
    operationId: "getSegmentGroupReach",
    summary: "Estimate a segment group's reach",
    tags: ["Reach"],
    success: { status: 200, description: "The estimate and its bounds, for the group and each subgroup.", data: groupReachSchema },
    errors: ["segment_group_not_found", "sketch_missing", "universe_required"],
  }),
  requireAuth,
  requirePermission("read:segment_groups"),
  validate("param", segmentGroupParamsSchema),
  async function getGroupReachHandler(c) {
    const { id } = c.req.valid("param");
    // The group, and the sketches of its members, on the shard its organization lives on.
    const onShard = await findOnShards(c, c.get("caller").organizationIds, async (db, organizationIds) => {
      const inputs = await findGroupReachInputs(db, id, organizationIds);
      return inputs && { db, found: inputs };
    });
    if (!onShard) throw segmentGroupNotFound(id);
    const { db, found } = onShard;
    const { group } = found;
    const fingerprint = sketchFingerprint(found);
    if (group.cached_reach !== null && group.cached_etag === group.etag && group.cached_fingerprint === fingerprint) {
      return success(c, JSON.parse(group.cached_reach) as GroupReachData);
    }
    const reach = await computeReach(db, groupLogicOf(group), group.organization_id, found);
    await cacheGroupReach(db, group, fingerprint, reach, new Date().toISOString());
    return success(c, reach);
  },
);
